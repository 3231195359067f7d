"""Shared test fixtures.

Real data lives in ``../shared/realdata`` beside the checkout, or wherever
``LIBMEDIA_REALDATA`` points; tests that use it skip only where it is
absent.  It is never copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The real-data folder used when ``LIBMEDIA_REALDATA`` is not set.
DEFAULT_REALDATA = ROOT.parent / "shared" / "realdata"
#: The environment variable that points the real-data fixtures elsewhere.
REALDATA_ENV = "LIBMEDIA_REALDATA"


def realdata_dir() -> Path:
    """``$LIBMEDIA_REALDATA`` when set and not empty (``~`` expanded), else
    ``../shared/realdata`` beside the checkout."""
    value = os.environ.get(REALDATA_ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT_REALDATA


@pytest.fixture
def realdata() -> Path:
    """Path to the real data: ``../shared/realdata`` beside the checkout, or
    the folder ``LIBMEDIA_REALDATA`` names, e.g.
    ``LIBMEDIA_REALDATA=/data/realdata python -m pytest``.  Skips the test
    where that folder is absent."""
    path = realdata_dir()
    if not path.is_dir():
        how = f"{REALDATA_ENV}={path}" if os.environ.get(REALDATA_ENV, "").strip() else \
            f"../shared/realdata is not beside this checkout; set {REALDATA_ENV}"
        pytest.skip(f"no real data ({how})")
    return path


@pytest.fixture
def cases(realdata: Path) -> Path:
    """Path to the real data's ``cases`` folder."""
    return realdata / "cases"


@pytest.fixture
def broken_template(tmp_path) -> Path:
    """A copy of ``new-book`` whose layout names the type role ``lable``
    (a typo of ``title``): it cannot render any record, its own sample included."""
    import shutil

    folder = tmp_path / "broken-template"
    shutil.copytree(ROOT / "templates" / "new-book", folder)
    layout = folder / "layout.xml.j2"
    text = layout.read_text(encoding="utf-8")
    assert 'role="title"' in text
    layout.write_text(text.replace('role="title"', 'role="lable"'), encoding="utf-8")
    return folder


@pytest.fixture
def bad_font_brand(tmp_path) -> Path:
    """A brand kit whose ``[type.title]`` names a font family that exists
    nowhere (as a library would write "Arial" on a machine without it)."""
    folder = tmp_path / "brand"
    folder.mkdir()
    path = folder / "libmedia.toml"
    path.write_text('[type.title]\nfamily = "No Such Family Libmedia"\n', encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _events_still_to_come(monkeypatch):
    """The real event files date from 2024 to 2026: tests read them as a
    library would have on 1 January 2024, before any of them, so the
    ``past-date`` warning (libmedia.jobs.mark_past_dates) does not depend on
    the day the suite runs.  Tests of that warning set their own day."""
    import datetime

    import libmedia.jobs

    monkeypatch.setattr(libmedia.jobs, "today", lambda: datetime.date(2024, 1, 1))
