"""libmedia: turn a library's catalogue data into social-media visuals."""

__version__ = "0.1.0"
