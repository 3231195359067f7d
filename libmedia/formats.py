"""Named output formats: pixel size, kind, safe zone, and where each number comes from.

A template lists the formats it serves; ``libmedia formats`` prints this
table.  Sizes are in pixels.  The *safe zone* is the inset (top, right,
bottom, left) that a platform's own interface covers (profile name, reply
bar, buttons, caption, progress bar): templates keep text, logos and QR
codes inside it, and the ``safe-zone`` lint rule (:mod:`libmedia.lint`)
warns when they are not.

Every number is cited in its format's ``source``: page title, publisher
and, where we have it, the address.  Where a platform gives percentages
they are converted to pixels of the format's own size, rounded up (so the
band never shrinks), and the source says so.  Video formats also carry the
clip lengths the platform accepts (``min_seconds`` .. ``max_seconds``) and
a constant frame rate.
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
    ``safe``        (top, right, bottom, left) inset in px that the platform's
                    interface covers, kept free of text, logos and QR codes;
    ``platform``    who publishes it;
    ``source``      where the numbers come from;
    ``fps``         frames per second, constant (video formats; 0 for images);
    ``min_seconds``/``max_seconds``  the clip lengths the platform accepts
                    (video formats; 0 for images);
    ``file_type``   what the platform takes for this format: ``png`` (images
                    default), ``jpeg`` (written ``.jpg`` whatever ``--jpeg``
                    says: :func:`libmedia.run.names.format_ext`) or ``mp4``;
    ``bands``       what the platform's interface puts in each band of
                    ``safe`` (top, right, bottom, left), named on the
                    ``--show-safe-zones`` overlay.
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
    #: what the platform's interface shows in each band of ``safe`` (top,
    #: right, bottom, left), for ``--show-safe-zones`` labels; "" for none
    bands: tuple[str, str, str, str] = ("", "", "", "")

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
            "min_seconds": self.min_seconds,
            "max_seconds": self.max_seconds,
        }


def safe_rect(fmt: Format) -> tuple[int, int, int, int]:
    """The part of ``fmt``'s canvas no platform interface covers, as
    ``(left, top, right, bottom)`` pixel edges, right and bottom exclusive
    (Pillow's box order): for ``tiktok`` ``(65, 150, 930, 1480)``.

    A format without a safe inset gives the whole canvas.  Raises
    :class:`FormatError` when the insets leave nothing (a mistyped format).
    """
    top, right, bottom, left = fmt.safe
    box = (left, top, fmt.width - right, fmt.height - bottom)
    if box[2] <= box[0] or box[3] <= box[1]:
        raise FormatError(
            f"format '{fmt.name}': its safe insets {fmt.safe} leave no area on a "
            f"{fmt.width}x{fmt.height} canvas",
            hint="safe is (top, right, bottom, left) in px; their sums must stay below the size")
    return box


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

# --- vertical video (issue 6) ---------------------------------------------
# Clip length: the rule, and case C09 in the project's problem cases,
# is a 3 s minimum for all three (Instagram publishes it; clips under 3 s are
# refused).  The maximum is what each platform publishes as accepted from
# every account, checked 2026-11-30.

_TIKTOK = (
    "Safe zone: TikTok publishes no numbers, only overlay files, because 'the safe zone size is "
    "determined by the dimension, ad caption length and any additional formats used' (TikTok "
    "Business Help Centre, 'TikTok Auction In-Feed Ads', last updated October 2024, "
    "ads.tiktok.com/help/article?aid=10002742). The bands here are the pixel figures that "
    "third-party guides give for 1080x1920 (not TikTok's own numbers): keep the top 150 px "
    "(Following / For You tabs, search), the right 150 px (profile, like, comment, share buttons) "
    "and the bottom 440 px (user name, caption, sound) clear (AdFuse, 'TikTok ad sizes & "
    "specifications guide', adfuseai.com/blog/tiktok-ad-sizes-specs-guide); left 65 px = 6% of "
    "1080 rounded up, Meta's side margin, "
    "because TikTok asks to keep key elements 'in the middle of the screen' so they are not "
    "'slightly cropped on the sides' on other displays (TikTok Business Help Centre, 'Image Ads "
    "Specification') without giving a number. "
    "Length: 3 s (the project's minimum for every platform, Instagram's published one) to 180 s, "
    "since 'All TikTok creators can post 3-minute videos, while some have "
    "access to post 5-minute or 10-minute videos' (TikTok for Developers, Content Posting API, "
    "'Media Transfer Guide', developers.tiktok.com/doc/content-posting-api-media-transfer-guide), "
    "which also asks 23 to 60 fps, MP4 and H.264 (recommended)."
)
_REELS = (
    "Safe zone: Meta's guidance for Reels keeps roughly 14% of the top, 35% of the bottom and 6% "
    "of each side free of text and logos (Meta Ads Guide, Instagram Reels video ads, "
    "facebook.com/business/ads-guide/update/video/instagram-reels); converted for "
    "1080x1920 and rounded up: top 269 px (14% of 1920 = 268.8), bottom 672 px (35%), left and "
    "right 65 px (6% of 1080 = 64.8). "
    "Length: 3 s minimum and 15 minutes maximum (Meta for Developers, Instagram Platform, 'IG "
    "User Media' reference, reel specifications, developers.facebook.com/docs/instagram-platform/"
    "instagram-graph-api/reference/ig-user/media), which also asks 23 to 60 fps, H.264 or HEVC "
    "4:2:0, AAC at 48 kHz at most with 1 or 2 channels, moov atom at the front, no edit lists. "
    "Instagram's Reels feature page allows up to 20 minutes in the app but says reels over 3 "
    "minutes are not recommended to people who do not follow the account."
)
_TIKTOK_PHOTO = (
    "File type: JPEG, because TikTok's photo posts take no PNG: the Content Posting API accepts "
    "photos as JPEG or WebP only, at most 1080p and 20 MB each (TikTok for Developers, Content "
    "Posting API, 'Media Transfer Guide', image restrictions, "
    "developers.tiktok.com/doc/content-posting-api-media-transfer-guide); schedulers built on "
    "it say the same ('PNG files are not supported by TikTok', Ayrshare, 'Media guidelines: "
    "TikTok', ayrshare.com/docs/media-guidelines/tiktok, which gives 1080x1920 for a "
    "portrait photo). "
    "Safe zone: a photo post is shown full screen in the same feed as videos, under the same "
    "interface (tabs at the top, the profile / like / comment / share column on the right, user "
    "name and caption at the bottom; photo posts add a row of page dots above the caption), so "
    "the bands are the TikTok video format's, with its sources: " + _TIKTOK.split(" Length:")[0]
)
_TIKTOK_BANDS = ("tabs and search", "buttons", "caption and sound", "side margin")
_SHORTS = (
    "Safe zone: Google's safe zone for vertical (9:16) YouTube video ads, which play in the Shorts "
    "feed (Google Ads Help, 'About video ad specs', "
    "support.google.com/google-ads/answer/13547298; we found none published for ordinary Shorts), "
    "read in pixels for 1080x1920 as top 288 px (15%), right 192 px (17.8%, the button column), "
    "bottom 672 px (35%, channel name, title and progress bar), left 48 px (4.4%), as given by "
    "Shotstack, 'Vertical video safe zones for TikTok, Reels, Stories, Shorts' "
    "(shotstack.io/learn/vertical-video-safe-zones). "
    "Length: up to 3 minutes: 'Any videos uploaded on or after this date [15 October 2024] with "
    "a square or vertical aspect ratio up to three minutes in length will be categorised as "
    "Shorts' (YouTube "
    "Help, 'Understand three-minute YouTube Shorts', support.google.com/youtube/answer/15424877); "
    "a longer one becomes an ordinary video. The same page blocks a Short over one minute with an "
    "active Content ID claim, so reels use music the library may publish. YouTube publishes no "
    "minimum; 3 s is the project's rule for every platform."
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("instagram-portrait", 1080, 1350, "image", "Instagram", "Feed post, portrait 4:5",
               _IG + "; 4:5 is the tallest feed ratio and takes the most screen."),
        Format("instagram-square", 1080, 1080, "image", "Instagram", "Feed post, square 1:1",
               _IG + "; 1:1 is the classic feed ratio."),
        Format("instagram-story", 1080, 1920, "image", "Instagram", "Story, 9:16",
               "Instagram Help Centre and Meta Business Help Centre, Stories: 1080x1920 (9:16). "
               "Safe zone: Meta's Stories guidance keeps roughly 14% (250 px) at the top and "
               "bottom free of text and logos, where the profile bar and the reply field sit "
               "(Meta Ads Guide, Instagram Stories image ads, "
               "facebook.com/business/ads-guide/image/instagram-story); the sides keep 64 px, "
               "Meta's 6% side margin for 9:16 placements (see instagram-reel) read down to "
               "64.",
               safe=(250, 64, 250, 64),
               bands=("profile bar", "side margin", "reply field", "side margin")),
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
        Format("tiktok", 1080, 1920, "video", "TikTok", "Video, 9:16",
               _TIKTOK, safe=(150, 150, 440, 65), fps=30, min_seconds=3.0, max_seconds=180.0,
               file_type="mp4", bands=_TIKTOK_BANDS),
        Format("tiktok-photo", 1080, 1920, "image", "TikTok", "Photo post, 9:16 (JPEG)",
               _TIKTOK_PHOTO, safe=(150, 150, 440, 65), file_type="jpeg", bands=_TIKTOK_BANDS),
        Format("instagram-reel", 1080, 1920, "video", "Instagram", "Reel, 9:16",
               _REELS, safe=(269, 65, 672, 65), fps=30, min_seconds=3.0, max_seconds=900.0,
               file_type="mp4", bands=("header and camera", "side margin",
                                       "caption, buttons and sound", "side margin")),
        Format("youtube-short", 1080, 1920, "video", "YouTube", "Short, 9:16",
               _SHORTS, safe=(288, 192, 672, 48), fps=30, min_seconds=3.0, max_seconds=180.0,
               file_type="mp4", bands=("header and search", "buttons",
                                       "channel, title and progress bar", "side margin")),
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


@dataclass(frozen=True)
class CaptionLimit:
    """What a platform accepts as a post's caption: at most ``characters``
    characters (code points) and ``hashtags`` hashtags."""

    characters: int
    hashtags: int


#: Caption limits per platform (:attr:`Format.platform`).  Instagram: "You
#: can use up to 30 hashtags on a post" (Instagram Help Centre, "How do I
#: use hashtags on Instagram?", help.instagram.com/351460621611097) and a
#: caption of at most 2,200 characters, 30 hashtags and 20 @ tags (Instagram
#: Graph API, "IG User Media" reference, ``caption`` parameter,
#: developers.facebook.com/docs/instagram-platform/instagram-graph-api/
#: reference/ig-user/media).  A caption over either loses its text on upload.
CAPTION_LIMITS: dict[str, CaptionLimit] = {
    "Instagram": CaptionLimit(characters=2200, hashtags=30),
}


#: How many images one carousel post takes, per platform (:attr:`Format.platform`),
#: as (fewest, most).  Instagram: up to 20 photos and videos in one post
#: (Instagram Help Centre, "Share multiple photos or videos in one Instagram
#: post", help.instagram.com; raised from 10 to 20 in August 2024); a
#: carousel shows several, so at least 2.  Publishing tools built on the
#: Graph API's older documented limit of 10 children may stop at 10.
#: Checked when a carousel template is loaded
#: (:func:`libmedia.templating.load_template`): its largest post, with the
#: intro and outro slides, must fit.
CAROUSEL_SLIDES: dict[str, tuple[int, int]] = {
    "Instagram": (2, 20),
}
