"""libmedia: turn a library's catalogue data into social-media visuals."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # libmedia.to_moviepy, imported only when asked for: MoviePy is optional
    # (raises ImportError with the install command when it is missing).
    if name == "to_moviepy":
        from .motion.moviepy import to_moviepy

        return to_moviepy
    raise AttributeError(f"module 'libmedia' has no attribute {name!r}")
