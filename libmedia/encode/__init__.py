"""Encode: the last stage, pixels to files.

``image``  PNG or JPEG bytes, and the atomic file writer every output uses;
``video``  frames and music to an MP4 every platform accepts (the ffmpeg
           binary that imageio-ffmpeg ships);
``probe``  checks any MP4 against the platforms' rules.

The image functions are re-exported here: ``from libmedia.encode import
encode_image``.
"""

from .image import JPEG_QUALITY, PNG_COMPRESS_LEVEL, atomic_write_bytes, encode_image

__all__ = ["JPEG_QUALITY", "PNG_COMPRESS_LEVEL", "atomic_write_bytes", "encode_image"]
