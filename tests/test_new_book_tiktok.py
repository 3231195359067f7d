"""new-book in the ``tiktok-photo`` format (1080x1920, a large safe zone).

TikTok's safe zone leaves the cover less room than Instagram's story does, so
the cover often shrinks; the brand-colour band behind it is hung from the
cover there, so the big dark title under the cover always stands on the paper
(it once sat across the band's edge, dark on dark), and a call number is kept
on one line (shrunk, never wrapped).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from libmedia.cli import main

ROOT = Path(__file__).resolve().parent.parent
NEVER = ("low-contrast", "safe-zone")


def check_render(csv: Path) -> str:
    r = CliRunner().invoke(main, ["check", "new-book", str(csv), "--render", "--format", "tiktok-photo"])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("which", ["slims", "sample"])
def test_every_title_stands_on_the_paper_and_nothing_under_the_apps_buttons(which, request):
    if which == "slims":
        csv = request.getfixturevalue("realdata") / "slims" / "slims_sample_biblio.csv"
    else:
        csv = ROOT / "samples" / "koleksi-baru.csv"
    out = check_render(csv)
    assert "rendered" in out, out
    found = [line for line in out.splitlines() if any(code in line for code in NEVER)]
    assert not found, "\n".join(found)


def test_a_long_call_number_stays_on_one_line(tmp_path):
    from libmedia.brand import load_brand
    from libmedia.formats import get_format
    from libmedia.render import RenderInput, render_until
    from libmedia.sources import Record
    from libmedia.templating import load_template

    t = load_template(ROOT / "templates" / "new-book")
    call = "005.75/85-22 Kor p c.2 2003 REF ed.3 jilid 2 rak B"
    rec = Record(row=1, line=2, fields={"title": "PostgreSQL", "author": "Douglas, Korry",
                                        "call_number": call, "publisher": "Sams", "year": "2003"},
                 raw={})
    inp = RenderInput(t, [rec], get_format("tiktok-photo"), load_brand(), search_dirs=[t.path])
    page = render_until(inp, "layout").page
    found = [f for f in page.find("text") if f.text and call in "".join(ln.text for ln in f.text.lines)]
    assert found, "no call number drawn"
    assert [ln.text for ln in found[0].text.lines] == [call]
