"""Encode: the last stage, pixels to files.

``image``  PNG or JPEG bytes, and the atomic file writer every output uses;
``video``  frames and music to an MP4 every platform accepts (the ffmpeg
           binary that imageio-ffmpeg ships): :class:`VideoWriter`,
           :class:`VideoSettings`, :func:`encode_cover_jpeg`;
``audio``  the clip's music (:class:`AudioTrack`: looped, cut, faded) and
           :func:`render_audio` (the same audio as a WAV file);
``probe``  checks any MP4 against the platforms' rules: :func:`probe`.

Re-exported here: ``from libmedia.encode import encode_image, VideoWriter``.
PyAV and the ffmpeg binary are loaded only when a video is written or read.
"""

from .audio import AudioTrack, render_audio
from .image import JPEG_QUALITY, PNG_COMPRESS_LEVEL, atomic_write_bytes, encode_image
from .probe import PlatformRules, ProbeReport, probe
from .video import VideoSettings, VideoWriter, encode_cover_jpeg

__all__ = ["JPEG_QUALITY", "PNG_COMPRESS_LEVEL", "atomic_write_bytes", "encode_image",
           "AudioTrack", "render_audio", "VideoSettings", "VideoWriter", "encode_cover_jpeg",
           "PlatformRules", "ProbeReport", "probe"]
