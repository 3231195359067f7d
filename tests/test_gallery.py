"""The README gallery (tools/gallery.py) shows every shipped template as it is now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gallery():
    spec = importlib.util.spec_from_file_location("gallery", ROOT / "tools" / "gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gallery_is_current():
    problems = _gallery().stale()
    assert not problems, "; ".join(problems) + " — run: .venv/bin/python tools/gallery.py"


def test_gallery_lists_every_template(tmp_path):
    gallery = _gallery()
    names = [name for name, _ in gallery.templates()]
    assert names == sorted(p.name for p in (ROOT / "templates").iterdir()
                           if (p / "template.toml").is_file())
    html = gallery.table(gallery.templates())
    for name in names:
        assert f"docs/gallery/{name}.jpg" in html


def test_stale_gallery_is_noticed(tmp_path, monkeypatch):
    gallery = _gallery()
    recorded = gallery.sources()
    name = next(iter(recorded))
    changed = {**recorded, name: "0" * 64}
    monkeypatch.setattr(gallery, "sources", lambda: recorded)
    index = tmp_path / "sources.json"
    import json
    index.write_text(json.dumps(changed))
    monkeypatch.setattr(gallery, "GALLERY", tmp_path)
    for n in recorded:
        (tmp_path / f"{n}.jpg").write_bytes(b"x")
    problems = gallery.stale()
    assert any(p.startswith(f"{name}:") for p in problems)
