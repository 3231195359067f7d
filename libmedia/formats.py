"""Named output formats: pixel size, kind, safe zone, and where each number comes from.

A template lists the formats it serves; ``libmedia formats`` prints this
table.  Sizes are in pixels.  The *safe zone* is the inset (top, right,
bottom, left) that a platform's own interface covers (profile name, reply
bar): templates keep text and logos inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FormatError


@dataclass(frozen=True)
class Format:
    """An output format.

    ``name``        stable identifier used on the command line and in file names;
    ``width``/``height`` pixels;
    ``kind``        ``image`` or ``video``;
    ``safe``        (top, right, bottom, left) inset in px kept free of text;
    ``platform``    who publishes it;
    ``source``      where the numbers come from;
    ``fps``         frames per second, constant (video formats; 0 for images);
    ``min_seconds``/``max_seconds``  the clip lengths the platform accepts
                    (video formats; 0 for images);
    ``file_type``   what the platform takes for this format: ``png`` (images
                    default), ``jpeg`` or ``mp4``.
    """

    name: str
    width: int
    height: int
    kind: str
    platform: str
    label: str
    source: str
    safe: tuple[int, int, int, int] = (0, 0, 0, 0)
    fps: int = 0
    min_seconds: float = 0.0
    max_seconds: float = 0.0
    file_type: str = "png"

    @property
    def is_video(self) -> bool:
        return self.kind == "video"

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def aspect(self) -> str:
        """The aspect ratio as platforms write it (see :func:`readable_aspect`)."""
        return readable_aspect(self.width, self.height)

    @property
    def orientation(self) -> str:
        if self.height > self.width * 1.05:
            return "portrait"
        if self.width > self.height * 1.05:
            return "landscape"
        return "square"

    def to_context(self) -> dict:
        """What templates see as ``format``."""
        top, right, bottom, left = self.safe
        return {
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "kind": self.kind,
            "orientation": self.orientation,
            "aspect": self.aspect,
            "safe": {"top": top, "right": right, "bottom": bottom, "left": left},
            "fps": self.fps,
        }


def readable_aspect(width: int, height: int) -> str:
    """An aspect ratio as platform guides write it: ``4:5``, ``16:9`` in
    lowest terms while they are small (up to 32), else as a decimal N:1
    with two places,
    so 1080x566 is ``1.91:1`` (Instagram's landscape ratio), not ``540:283``,
    and a tall one ``1:1.91``."""
    from math import gcd

    g = gcd(width, height)
    w, h = width // g, height // g
    if max(w, h) <= 32:
        return f"{w}:{h}"
    return f"{width / height:.2f}:1" if width >= height else f"1:{height / width:.2f}"


_IG = (
    "Instagram Help Centre, 'Sharing photos and videos': photos are shown at 1080 px wide, "
    "aspect ratios from 1.91:1 to 4:5"
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("instagram-portrait", 1080, 1350, "image", "Instagram", "Feed post, portrait 4:5",
               _IG + "; 4:5 is the tallest feed ratio and takes the most screen."),
        Format("instagram-square", 1080, 1080, "image", "Instagram", "Feed post, square 1:1",
               _IG + "; 1:1 is the classic feed ratio."),
        Format("instagram-story", 1080, 1920, "image", "Instagram", "Story, 9:16",
               "Instagram Help Centre and Meta Business Help Centre, Stories: 1080x1920 (9:16); "
               "Meta's Stories guidance keeps about 14% (250 px) at the top and bottom free of "
               "text and logos, where the profile bar and reply field sit.",
               safe=(250, 64, 250, 64)),
        Format("instagram-landscape", 1080, 566, "image", "Instagram", "Feed post, landscape 1.91:1",
               _IG + "; 1.91:1 is the widest feed ratio."),
        Format("facebook-post", 1200, 630, "image", "Facebook", "Shared link or landscape post",
               "Meta for Developers, 'Images in link shares': 1200x630 px (1.91:1) for the best "
               "display on high-resolution devices."),
        Format("facebook-square", 1080, 1080, "image", "Facebook", "Feed post, square 1:1",
               "Meta Business Help Centre, Facebook Feed image ads: 1080x1080 px recommended, 1:1."),
        Format("x-post", 1600, 900, "image", "X (Twitter)", "Post image, 16:9",
               "X Help Centre, 'How to post photos or GIFs': 16:9 images are shown uncropped in "
               "the timeline; 1600x900 px is the recommended size."),
    ]
}


def get_format(name: str) -> Format:
    """The :class:`Format` called ``name``.

    Raises :class:`FormatError` listing the known names when there is none.
    """
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(
            f"unknown format '{name}'",
            hint="known formats: " + ", ".join(FORMATS) + " (see 'libmedia formats')",
        ) from None
