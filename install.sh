#!/usr/bin/env bash
# Set libmedia up in .venv/ and render the bundled sample week into out/:
# every post in every Instagram format, and one vertical clip of the first books.
#
#   bash install.sh            # install, then render samples/koleksi-baru.csv
#   bash install.sh --no-render
#
# Needs Python 3.11 or newer.  Arabic and other complex scripts are shaped by
# Raqm, which Pillow loads together with the system's FriBiDi library: on
# Debian/Ubuntu that is the package libfribidi0, installed here when this
# script may (as root, or with sudo that needs no password).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "libmedia needs Python 3.11 or newer; found: $("$PYTHON" --version 2>&1)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Current pip and setuptools first: the ones a new venv starts with may carry known advisories.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

raqm_on() { .venv/bin/python -c 'from PIL import features; raise SystemExit(not features.check("raqm"))' 2>/dev/null; }
if ! raqm_on && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    echo "Installing libfribidi0 (text shaping for Arabic and other scripts)..."
    $SUDO apt-get install -y -qq libfribidi0 >/dev/null 2>&1 \
      || { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq libfribidi0 >/dev/null 2>&1; } \
      || echo "Could not install libfribidi0; libmedia will say what is missing." >&2
  else
    echo "Note: run 'sudo apt-get install libfribidi0' for Arabic and other complex scripts." >&2
  fi
fi

if [ "${1:-}" != "--no-render" ]; then
  .venv/bin/libmedia batch new-book samples/koleksi-baru.csv --format all --out out
  .venv/bin/libmedia render new-books-reel samples/koleksi-baru.csv -o out/reel/new-books.tiktok.mp4
  .venv/bin/libmedia render announcement samples/pengumuman.toml -o out/more/pengumuman.png
  .venv/bin/libmedia render stats samples/statistik-bulanan.csv -o out/more/statistik.png
  .venv/bin/libmedia render event --brand samples/libmedia.toml -o out/more/acara.png
  echo
  echo "Done: the posts are in out/ (open out/manifest.json for the report),"
  echo "a TikTok/Reels clip of the first books is out/reel/new-books.tiktok.mp4,"
  echo "and a notice, the month in numbers and an event poster are in out/more/."
fi
