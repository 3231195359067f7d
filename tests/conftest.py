"""Shared test fixtures.

Real data lives in ``../shared/realdata`` beside the checkout; tests that use
it skip only where it is absent.  It is never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture
def realdata() -> Path:
    """Path to ``../shared/realdata``; skips the test where it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not beside this checkout")
    return REALDATA


@pytest.fixture
def cases(realdata: Path) -> Path:
    """Path to ``../shared/realdata/cases``."""
    return realdata / "cases"
