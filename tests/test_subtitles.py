"""Subtitle files (WebVTT and SubRip) for the words a clip shows: one test per
rule, and a round trip through FFmpeg's own WebVTT and SubRip readers (PyAV)."""

from __future__ import annotations

import math

import av
import pytest

from libmedia.subtitles import (
    MAX_LINE_CHARS,
    SRT_LT,
    Cue,
    merge_cues,
    normalize_cues,
    to_milliseconds,
    to_srt,
    to_webvtt,
    wrap_cue_text,
    write_subtitles,
)

ARABIC = "مكتبة المدينة: كتب جديدة"
EMOJI = "Buku baru 📚👩🏽‍🏫"


def test_webvtt_layout_is_the_w3c_one():
    vtt = to_webvtt([Cue(0, 1.5, "Buku baru"), Cue(2, 4.25, "Lima judul\nminggu ini")])
    assert vtt == ("WEBVTT\n\n"
                   "00:00:00.000 --> 00:00:01.500\nBuku baru\n\n"
                   "00:00:02.000 --> 00:00:04.250\nLima judul\nminggu ini\n")


def test_srt_layout_numbers_from_one_with_comma_and_crlf():
    srt = to_srt([Cue(0, 1.5, "Buku baru"), Cue(2, 4.25, "Lima judul\nminggu ini")])
    assert srt == ("1\r\n00:00:00,000 --> 00:00:01,500\r\nBuku baru\r\n\r\n"
                   "2\r\n00:00:02,000 --> 00:00:04,250\r\nLima judul\r\nminggu ini\r\n")
    assert "\n" not in srt.replace("\r\n", "")


def test_no_cues_gives_a_valid_empty_file():
    assert to_webvtt([]) == "WEBVTT\n"
    assert to_srt([]) == ""


def test_times_over_an_hour_and_over_ten_hours():
    vtt = to_webvtt([Cue(3723.456, 3725, "a"), Cue(36000, 36001.5, "b")])
    assert "01:02:03.456 --> 01:02:05.000" in vtt
    assert "10:00:00.000 --> 10:00:01.500" in vtt
    assert "01:02:03,456 --> 01:02:05,000" in to_srt([Cue(3723.456, 3725, "a")])


def test_rounding_to_milliseconds_is_half_up_and_machine_independent():
    assert to_milliseconds(1.0005) == 1001  # 1.0005 * 1000 is 1000.4999... in binary
    assert to_milliseconds(1.0004999) == 1000
    assert to_milliseconds(2.5e-4) == 0 and to_milliseconds(5e-4) == 1
    assert to_milliseconds(0.1 + 0.2) == 300
    assert "00:00:01.001 --> 00:00:02.000" in to_webvtt([Cue(1.0005, 2, "x")])


def test_cues_are_sorted_by_start_then_end_then_input_order():
    cues = [Cue(5, 6, "third"), Cue(1, 3, "second"), Cue(1, 2, "first"), Cue(5, 6, "fourth")]
    assert [c.text for c in normalize_cues(cues)] == ["first", "second", "third", "fourth"]
    srt = to_srt(cues)
    assert srt.index("first") < srt.index("second") < srt.index("third") < srt.index("fourth")
    assert srt.startswith("1\r\n00:00:01,000 --> 00:00:02,000\r\nfirst")


def test_overlapping_cues_are_kept_in_webvtt():
    vtt = to_webvtt([Cue(0, 4, "Judul"), Cue(1, 3, "Pengarang")])
    assert "00:00:00.000 --> 00:00:04.000\nJudul" in vtt
    assert "00:00:01.000 --> 00:00:03.000\nPengarang" in vtt


def test_webvtt_escapes_ampersand_and_angle_brackets_so_no_arrow_remains():
    vtt = to_webvtt([Cue(0, 1, 'Tom & Jerry <Edisi "Baru"> --> 2024')])
    assert 'Tom &amp; Jerry &lt;Edisi "Baru"&gt; --&gt; 2024' in vtt
    body = vtt.split("\n\n", 1)[1]
    assert body.count("-->") == 1  # only the timing line's


def test_srt_keeps_text_literal_but_defuses_tags_and_arrows():
    srt = to_srt([Cue(0, 1, "Tom & Jerry <baru> a < b --> c")])
    assert f"Tom & Jerry {SRT_LT}baru> a {SRT_LT} b -> c" in srt
    assert srt.count("-->") == 1


def test_arabic_text_is_kept_in_logical_order_in_both_files():
    vtt, srt = to_webvtt([Cue(0, 2, ARABIC)]), to_srt([Cue(0, 2, ARABIC)])
    assert f"\n{ARABIC}\n" in vtt and f"\r\n{ARABIC}\r\n" in srt


def test_emoji_and_combining_marks_are_kept_and_text_is_nfc():
    decomposed = "Cafe\u0301"
    vtt = to_webvtt([Cue(0, 1, EMOJI), Cue(1, 2, decomposed)])
    assert EMOJI in vtt and "Caf\u00e9" in vtt and decomposed not in vtt


def test_empty_and_zero_length_cues_are_dropped():
    cues = [Cue(0, 1, ""), Cue(1, 2, "  \n\t "), Cue(2, 2, "zero"), Cue(3, 3.0004, "rounds to zero"),
            Cue(4, 5, "kept")]
    assert [c.text for c in normalize_cues(cues)] == ["kept"]
    assert to_srt(cues).startswith("1\r\n00:00:04,000 --> 00:00:05,000\r\nkept")
    assert "zero" not in to_webvtt(cues)


def test_line_breaks_are_kept_but_blank_lines_inside_a_cue_are_removed():
    (cue,) = normalize_cues([Cue(0, 1, "  Satu  \r\n\r\nDua\rTiga\n\n")])
    assert cue.text == "Satu\nDua\nTiga"
    assert "\n\n" not in to_webvtt([Cue(0, 1, "a\n\n\nb")]).split("\n\n", 1)[1].rstrip("\n")


@pytest.mark.parametrize("start, end, match", [
    (-1, 2, "must not be negative"),
    (2, 1, "ends .* before it starts"),
    (math.nan, 1, "finite number"),
    (0, math.inf, "finite number"),
    (True, 2, "finite number"),
    ("0", 2, "finite number"),
])
def test_bad_times_are_refused(start, end, match):
    with pytest.raises(ValueError, match=match):
        Cue(start, end, "x")


def test_cue_is_frozen():
    cue = Cue(0, 1, "x")
    with pytest.raises(AttributeError):
        cue.text = "y"


def test_merge_joins_touching_cues_with_the_same_text():
    cues = [Cue(0, 2, "Judul"), Cue(2, 4, "Judul"), Cue(4, 5, "Pengarang"), Cue(5, 6, "Judul")]
    assert merge_cues(cues) == [Cue(0, 4, "Judul"), Cue(4, 5, "Pengarang"), Cue(5, 6, "Judul")]


def test_merge_joins_overlaps_and_gaps_up_to_max_gap_only():
    assert merge_cues([Cue(0, 3, "A"), Cue(1, 2, "A")]) == [Cue(0, 3, "A")]
    apart = [Cue(0, 1, "A"), Cue(1.2, 2, "A")]
    assert merge_cues(apart) == apart
    assert merge_cues(apart, max_gap=0.2) == [Cue(0, 2, "A")]
    assert merge_cues([Cue(0, 1, "A "), Cue(1, 2, "A")]) == [Cue(0, 2, "A")]  # compared cleaned
    with pytest.raises(ValueError, match="max_gap"):
        merge_cues(apart, max_gap=-1)


def test_wrap_keeps_lines_within_42_characters_at_spaces():
    text = ("Perpustakaan Umum Daerah Kota Bandung menghadirkan lima buku baru minggu ini "
            "untuk seluruh warga")
    wrapped = wrap_cue_text(text)
    lines = wrapped.split("\n")
    assert MAX_LINE_CHARS == 42 and all(len(ln) <= 42 for ln in lines) and len(lines) == 3
    assert " ".join(lines) == text  # only spaces became breaks
    assert lines[0] == "Perpustakaan Umum Daerah Kota Bandung"


def test_wrap_keeps_existing_breaks_long_words_and_no_break_spaces():
    assert wrap_cue_text("Satu\nDua tiga", 42) == "Satu\nDua tiga"
    assert wrap_cue_text("a Donaudampfschifffahrtsgesellschaft b", 10) == (
        "a\nDonaudampfschifffahrtsgesellschaft\nb")
    assert wrap_cue_text("Rp\u00a050.000 saja", 9) == "Rp\u00a050.000\nsaja"
    with pytest.raises(ValueError, match="max_chars"):
        wrap_cue_text("x", 0)


def test_wrap_counts_an_emoji_cluster_as_one_character():
    # "👩🏽‍🏫" is four code points but one character on screen
    assert wrap_cue_text("abcd 👩🏽‍🏫", 6) == "abcd 👩🏽‍🏫"
    assert wrap_cue_text(ARABIC, 12) == "مكتبة\nالمدينة: كتب\nجديدة"


def test_files_are_utf8_without_bom_and_pick_the_format_by_suffix(tmp_path):
    cues = [Cue(0, 1, ARABIC)]
    vtt = write_subtitles(tmp_path / "clip.vtt", cues).read_bytes()
    srt = write_subtitles(tmp_path / "clip.SRT", cues).read_bytes()
    assert vtt.startswith(b"WEBVTT\n") and srt.startswith(b"1\r\n")
    assert vtt.decode("utf-8") == to_webvtt(cues) and srt.decode("utf-8") == to_srt(cues)
    with pytest.raises(ValueError, match=r"\.vtt .* or \.srt"):
        write_subtitles(tmp_path / "clip.txt", cues)
    assert not (tmp_path / "clip.txt").exists()


def test_output_is_deterministic():
    cues = [Cue(1 / 3, 2 / 3, "x"), Cue(0.1, 0.7, EMOJI)]
    assert to_webvtt(cues) == to_webvtt(list(reversed(cues)))
    assert to_srt(cues) == to_srt(list(reversed(cues)))


def read_with_ffmpeg(path) -> list[tuple[int, int, str]]:
    """(start ms, duration ms, text) of each cue as FFmpeg's own reader sees it."""
    out = []
    with av.open(str(path)) as f:
        stream = f.streams.subtitles[0]
        for packet in f.demux(stream):
            if packet.size == 0:
                continue
            for sub in packet.decode():
                out.append((int(packet.pts * stream.time_base * 1000),
                            int(packet.duration * stream.time_base * 1000),
                            sub.dialogue.decode("utf-8")))
    return out


@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_ffmpeg_reads_back_every_cue_and_character(tmp_path, suffix):
    cues = [Cue(3661.25, 3663, 'Tom & Jerry <baru> "1 < 2 > 0"'), Cue(0, 1.5, ARABIC),
            Cue(0.5, 2, EMOJI + "\nbaris dua"), Cue(10, 12, "a < b > c")]
    path = write_subtitles(tmp_path / f"clip{suffix}", cues)
    seen = read_with_ffmpeg(path)
    # SubRip text carries the invisible word joiner after "<"; WebVTT gives the text back exactly
    seen = [(s, d, t.replace("\u2060", "")) for s, d, t in seen]
    assert seen == [(0, 1500, ARABIC), (500, 1500, EMOJI + "\nbaris dua"),
                    (10000, 2000, "a < b > c"),
                    (3661250, 1750, 'Tom & Jerry <baru> "1 < 2 > 0"')]
