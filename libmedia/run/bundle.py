"""Bundles: a template folder and a brand kit as bytes, for workers on other machines.

A worker of a Dask cluster runs on a machine that does not have the
coordinator's folders.  :func:`make_bundle` reads, on the coordinator, every
file a render needs besides the data's own images and libmedia's bundled fonts
(which every worker has: libmedia is installed there): the template folder and
the brand kit with what it references.  :func:`materialize` writes a bundle
once per machine into a cache keyed by its digest and returns the paths to
pass to :func:`libmedia.templating.load_template` and
:func:`libmedia.brand.load_brand`.

Layout of :attr:`Bundle.files` (relative POSIX paths)::

    template/<template_name>/template.toml        every file of the template folder
    template/<template_name>/assets/...
    brand/<brand_name>                            the brand kit file, e.g. kit/libmedia.toml
    brand/kit/fonts/...                           the fonts/ folder beside it
    brand/logos/logo.png                          the logo, where the kit's relative path
                                                  (here ``../logos/logo.png``) finds it

Nothing is rewritten: the brand kit's files keep their layout relative to the
kit, so its relative ``library.logo`` resolves on the worker as it does here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import BrandError, LibmediaError, Location, OutputError, TemplateError

#: A template folder (or brand kit with its fonts and logo) larger than this,
#: in bytes, is refused: every worker receives it.  200 MB.
MAX_BUNDLE_BYTES = 200 * 1024 * 1024
#: Environment variable naming the cache folder (default ``~/.cache/libmedia``).
CACHE_ENV = "LIBMEDIA_CACHE"
#: Temporary folders a killed :func:`materialize` left behind are removed
#: after this many seconds.
STALE_TEMP_SECONDS = 3600

_TEMPLATE = "template"
_BRAND = "brand"


@dataclass(frozen=True)
class Bundle:
    """A template folder and a brand kit as bytes; picklable, immutable.

    ``digest``         sha256 hex of the sorted ``(path, bytes)`` pairs (see
                       :func:`bundle_digest`): the same files give the same digest
                       on every machine;
    ``files``          ``(relative POSIX path, bytes)`` pairs sorted by path, under
                       ``template/<template_name>/`` and ``brand/``;
    ``template_name``  the template folder's name (its ``template.toml`` ``name``
                       defaults to it, so the folder keeps it);
    ``brand_name``     the brand kit's path under ``brand/``, or None for the
                       default kit that ships with libmedia.
    """

    digest: str
    files: tuple[tuple[str, bytes], ...]
    template_name: str
    brand_name: str | None = None

    @property
    def size(self) -> int:
        """Total bytes of the files."""
        return sum(len(data) for _, data in self.files)


def bundle_digest(files) -> str:
    """sha256 hex over ``files`` (``(path, bytes)`` pairs) sorted by path.

    Each path and each content is length-prefixed, so no two different sets of
    files hash the same input.
    """
    h = hashlib.sha256()
    for path, data in sorted(files):
        p = path.encode("utf-8")
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


# ---------------------------------------------------------------------------
# coordinator side


def make_bundle(template_dir: Path, brand_path: Path | None) -> Bundle:
    """Pack ``template_dir`` and the brand kit ``brand_path`` (None: the default kit).

    The template: every file of the folder, sub-folders included, except
    ``__pycache__`` and names starting with ``.``.  A symbolic link inside it is
    followed when it points inside the folder; one that points outside, is
    broken or points at a folder holding it raises :class:`TemplateError`.

    The brand kit: the kit file, the ``fonts/`` folder beside it (if any) and
    its ``library.logo``, each at its place relative to the kit.  The kit is
    loaded first (:func:`libmedia.brand.load_brand`), so a bad kit raises its
    :class:`BrandError` here, on the coordinator; an absolute ``library.logo``
    raises :class:`BrandError` too (a worker cannot reach it).

    Raises :class:`LibmediaError` when the files add up to more than
    :data:`MAX_BUNDLE_BYTES`.
    """
    template_dir = Path(template_dir).resolve()
    if not template_dir.is_dir():
        raise TemplateError(f"template folder {template_dir} not found",
                            Location(file=str(template_dir)),
                            hint="give the folder that holds template.toml")
    budget = _Budget()
    name = template_dir.name
    files: dict[str, bytes] = {}
    for rel, data in _walk_folder(template_dir, template_dir, budget, TemplateError, "template"):
        files[f"{_TEMPLATE}/{name}/{rel}"] = data

    brand_name = None
    if brand_path is not None:
        pairs, brand_name = _brand_files(Path(brand_path), budget)
        for rel, data in pairs:
            files[f"{_BRAND}/{rel}"] = data
    pairs = tuple(sorted(files.items()))
    return Bundle(bundle_digest(pairs), pairs, name, brand_name)


class _Budget:
    """Counts bytes read against :data:`MAX_BUNDLE_BYTES`."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, n: int, where: Path) -> None:
        self.total += n
        if self.total > MAX_BUNDLE_BYTES:
            raise LibmediaError(
                f"{where} makes the template and brand kit larger than "
                f"{MAX_BUNDLE_BYTES // (1024 * 1024)} MB, too large to send to every worker",
                Location(file=str(where)),
                hint="keep only what the template draws in its folder (large images belong "
                     "beside the data file); move other files out of it",
                code="bundle-too-large")


def _walk_folder(folder: Path, root: Path, budget: _Budget, error: type[LibmediaError],
                 what: str, _chain: tuple[Path, ...] = ()):
    """Yield ``(relative POSIX path, bytes)`` for every file under ``folder``
    (real path), sorted, skipping dotfiles and ``__pycache__``; links must stay
    inside ``root``."""
    chain = (*_chain, folder)
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        path = Path(entry.path)
        real = path
        if entry.is_symlink():
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise error(f"{path} is a broken link", Location(file=str(path)),
                            hint=f"remove it or point it at a file inside the {what} folder") from None
            if not real.is_relative_to(root):
                raise error(f"{path} links to {real}, outside the {what} folder {root}",
                            Location(file=str(path)),
                            hint="copy the file into the folder instead of linking it: a worker "
                                 "on another machine only gets the folder's own files")
            if any(c.is_relative_to(real) for c in chain):
                raise error(f"{path} links to a folder that holds it", Location(file=str(path)),
                            hint="remove the link")
        st = real.stat()
        rel_here = path.relative_to(folder).as_posix()
        if stat.S_ISDIR(st.st_mode):
            for rel, data in _walk_folder(real, root, budget, error, what, chain):
                yield f"{rel_here}/{rel}", data
        elif stat.S_ISREG(st.st_mode):
            budget.add(st.st_size, path)
            yield rel_here, real.read_bytes()
        else:
            raise error(f"{path} is not a regular file", Location(file=str(path)),
                        hint=f"remove it from the {what} folder")


def _brand_files(kit: Path, budget: _Budget) -> tuple[list[tuple[str, bytes]], str]:
    """The kit, its ``fonts/`` folder and its logo as ``(path relative to the
    brand root, bytes)`` pairs, and the kit's own path relative to that root
    (the deepest folder holding all three)."""
    from ..brand import load_brand

    brand = load_brand(kit)  # every problem of the kit is raised here, on the coordinator
    kit = Path(kit).resolve()
    base = kit.parent
    found: list[tuple[Path, bytes]] = []  # (where the kit's paths find it, bytes)
    data = kit.read_bytes()
    budget.add(len(data), kit)
    found.append((kit, data))
    fonts = base / "fonts"
    if fonts.is_dir():
        real = fonts.resolve()
        for rel, data in _walk_folder(real, real, budget, BrandError, "brand kit's fonts"):
            found.append((fonts / rel, data))
    if brand.logo is not None:
        with open(kit, "rb") as fh:
            text = str(tomllib.load(fh).get("library", {}).get("logo", ""))
        if Path(text).is_absolute():
            raise BrandError(
                f"library.logo is an absolute path ({text}); a worker on another machine "
                "cannot reach it", Location(file=str(kit), field="library.logo"),
                hint="put the logo beside the brand kit (or in a folder near it) and give its "
                     "path relative to the kit, e.g. logo = \"logo.png\"")
        # Where the kit's text leads without following links (the worker's copy
        # has none); the bytes are those of the file a link leads to.
        data = brand.logo.read_bytes()
        budget.add(len(data), brand.logo)
        found.append((Path(os.path.normpath(base / text)), data))
    root = Path(os.path.commonpath([str(p.parent) for p, _ in found]))
    pairs = [(p.relative_to(root).as_posix(), d) for p, d in found]
    return pairs, kit.relative_to(root).as_posix()


# ---------------------------------------------------------------------------
# worker side

_materialized: dict[str, tuple[Path, Path | None]] = {}
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where bundles are written: ``$LIBMEDIA_CACHE/bundles`` when that is set,
    else ``$XDG_CACHE_HOME/libmedia/bundles``, else ``~/.cache/libmedia/bundles``."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        base = Path(value).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "libmedia"
    return base / "bundles"


def materialize(bundle: Bundle) -> tuple[Path, Path | None]:
    """Write ``bundle`` on this machine, once, and return ``(template_dir, brand_path)``.

    ``brand_path`` is None when the bundle has no brand kit (the default kit).
    The files go to ``cache_dir()/<digest>/``: written into a temporary folder
    beside it, then renamed into place, so another process materializing the
    same digest at the same time, or a kill half-way, never leaves a partial
    folder under that name.  A folder already there is checked (every file
    present with its size) and rewritten if it is not complete.  The result is
    memoised per process: a second call with the same digest returns at once
    (after one check that the template folder is still there).

    Raises :class:`InternalError` when the files do not match the digest or a
    path would leave the folder, and :class:`OutputError` when the cache
    folder cannot be written (with the variable that moves it).
    """
    done = _materialized.get(bundle.digest)
    if done is not None and done[0].is_dir():  # one stat: the cache may have been cleared
        return done
    with _lock:
        done = _materialized.get(bundle.digest)
        if done is not None and done[0].is_dir():
            return done
        _check(bundle)
        parent = cache_dir()
        final = parent / bundle.digest
        try:
            if not _complete(final, bundle):
                _write(bundle, parent, final)
        except OSError as exc:
            raise OutputError(f"cannot write the template cache in {parent}: {exc.strerror or exc}",
                              Location(file=str(parent)),
                              hint=f"set {CACHE_ENV} to a folder this worker may write") from exc
        template_dir = final / _TEMPLATE / bundle.template_name
        brand = final / _BRAND / bundle.brand_name if bundle.brand_name else None
        _materialized[bundle.digest] = (template_dir, brand)
        return template_dir, brand


def _check(bundle: Bundle) -> None:
    from ..errors import InternalError

    if bundle_digest(bundle.files) != bundle.digest:
        raise InternalError("the template bundle's files do not match its digest",
                            hint="the bundle was changed or damaged on its way to this worker")
    for path, _ in bundle.files:
        p = PurePosixPath(path)
        if p.is_absolute() or ".." in p.parts or not p.parts or p.parts[0] not in (_TEMPLATE, _BRAND):
            raise InternalError(f"the template bundle holds a path that leaves its folder: {path!r}")
    names = {path for path, _ in bundle.files}
    if bundle.brand_name and f"{_BRAND}/{bundle.brand_name}" not in names:
        raise InternalError(f"the template bundle has no brand kit {bundle.brand_name!r}")


def _complete(folder: Path, bundle: Bundle) -> bool:
    if not folder.is_dir():
        return False
    for path, data in bundle.files:
        try:
            if (folder / path).stat().st_size != len(data):
                return False
        except OSError:
            return False
    return True


def _write(bundle: Bundle, parent: Path, final: Path) -> None:
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{bundle.digest[:16]}-", dir=parent))
    try:
        _fill(tmp, bundle)
        if _complete(final, bundle):
            return  # another process finished first: same digest, same files; use its copy
        if final.exists():  # incomplete (damaged by hand): move it aside, then replace it
            aside = Path(tempfile.mkdtemp(prefix=f".old-{bundle.digest[:16]}-", dir=parent))
            try:
                os.rename(final, aside / "old")
            except FileNotFoundError:
                pass
            shutil.rmtree(aside, ignore_errors=True)
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process renamed its copy into place in between.
            if not _complete(final, bundle):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fill(folder: Path, bundle: Bundle) -> None:
    for path, data in bundle.files:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _remove_stale(parent: Path) -> None:
    """Remove temporary folders that a killed materialize left behind."""
    now = time.time()
    for entry in os.scandir(parent):
        if entry.name.startswith((".tmp-", ".old-")):
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                    shutil.rmtree(entry.path, ignore_errors=True)
            except OSError:
                pass
