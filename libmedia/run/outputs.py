"""The output folder of a run: lock, writes, manifest and clean-up.

Only the coordinator (the process the user started) writes here; workers
return bytes (:class:`~libmedia.run.task.TaskResult`).  Rules a user can rely on:

* **One run at a time**: a run holds ``OUT/.libmedia.lock`` (created with
  ``O_EXCL``, holding its process id) from before the first write to the
  end.  A second run into the same folder is refused and touches nothing;
  a lock left by a run that no longer exists (its pid is gone) is taken
  over.
* **Writable first**: creating the lock is the check that the folder can be
  written; a read-only folder stops the run before anything is rendered.
* **Atomic files**: every file is written to ``.NAME.XXXXXXXX.part`` and
  renamed into place; a killed run's leftover ``.part`` files are removed by
  the next run.  A task's files are all written or none.
* **A manifest that matches the disk**: ``manifest.json`` is rewritten
  atomically as results arrive (at most every :data:`FLUSH_SECONDS`) and at
  the end, so after a crash or a kill it lists the files on disk (at worst
  a few seconds' worth fewer).  Each entry lists its artifacts: name, media
  type, kind, format, size in bytes and sha256.
* **No stale posts, and nothing else**: after a complete run has written
  its manifest, the artifacts the *previous* manifest listed that this run
  did not make again are removed, of any type, and nothing else: never a
  file the previous manifest does not list, never a path outside the folder
  (absolute paths, ``..``, symlinks pointing out are skipped).  A run that
  stopped early (Ctrl-C, full disk) removes nothing and keeps the previous
  entries of the posts it did not reach; a post whose worker died keeps its
  previous files.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..encode import atomic_write_bytes
from ..errors import Diagnostic, Location, OutputError, display_path
from .task import FAILED, TaskResult

#: The manifest's file name inside the output folder.
MANIFEST = "manifest.json"
#: The lock file's name inside the output folder.
LOCK = ".libmedia.lock"
#: Longest time between two manifest writes while a run goes, in seconds.
FLUSH_SECONDS = 1.0
#: Temporary names of :func:`libmedia.encode.atomic_write_bytes` (mkstemp: 8 random characters).
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.part")
#: Errors that mean the folder cannot take more files: stop the run, do not fail every post.
STOP_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def disk_error(exc: OSError, out_dir: Path) -> OutputError:
    """An :class:`OutputError` for a write that failed, with what to do."""
    where = Location(file=display_path(exc.filename) if exc.filename else display_path(out_dir))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError("the disk is full: the run stopped (the posts made so far are kept "
                           "and listed in manifest.json)", where,
                           hint="free some space or choose another --out folder, then run the "
                                "same command with --resume to make the rest")
    return OutputError(f"cannot write into the output folder: {exc.strerror or exc}", where,
                       hint="check that the folder exists and that you may write to it, or "
                            "choose another --out folder")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputFolder:
    """An output folder held by this run (see the module docstring).

    Use as a context manager: entering creates the folder, takes the lock
    (:class:`OutputError` when another run holds it or the folder cannot be
    written) and removes leftover temporary files; leaving releases the lock.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self.lock = self.path / LOCK
        self.removed_temp: list[Path] = []
        self._held = False

    def __enter__(self) -> OutputFolder:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._take_lock()
        except OSError as exc:
            raise disk_error(exc, self.path) from exc
        self._held = True
        self.removed_temp = self.remove_temp_files()
        return self

    def __exit__(self, *exc) -> None:
        if self._held:
            self.lock.unlink(missing_ok=True)
            self._held = False

    def _take_lock(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    pid = int(self.lock.read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    pid = None
                if pid is not None and pid != os.getpid() and _pid_alive(pid):
                    raise OutputError(
                        f"another libmedia run (process {pid}) is writing into "
                        f"{display_path(self.path)}", Location(file=display_path(self.lock)),
                        hint="wait for it to finish, or choose another --out folder") from None
                self.lock.unlink(missing_ok=True)  # stale: its run is gone
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{os.getpid()}\n")
            return
        raise OutputError(f"cannot take the lock {display_path(self.lock)}",
                          hint="remove the file if no libmedia run is writing there")

    def remove_temp_files(self) -> list[Path]:
        """Delete leftover atomic-write temporary files (``.NAME.XXXXXXXX.part``)."""
        out = []
        for p in self.path.iterdir():
            if _TEMP.fullmatch(p.name) and p.is_file() and not p.is_symlink():
                try:
                    p.unlink()
                except OSError:
                    continue
                out.append(p)
        return out

    def write(self, result: TaskResult) -> None:
        """Write ``result``'s artifacts atomically, all or none.  Raises
        :class:`OutputError` (:func:`disk_error`) when the folder cannot take
        them; the files of this task written so far are removed."""
        done: list[Path] = []
        try:
            for a in result.artifacts:
                path = self.member(a.name)
                if path is None:
                    raise OSError(errno.EINVAL, f"unsafe output name {a.name!r}", a.name)
                data = a.data if a.data is not None else Path(a.path).read_bytes()
                atomic_write_bytes(path, data)
                done.append(path)
        except OSError as exc:
            for p in done:
                p.unlink(missing_ok=True)
            raise disk_error(exc, self.path) from exc

    def member(self, rel: object) -> Path | None:
        """``OUT/rel`` when ``rel`` is a safe relative posix path that stays
        inside the folder (no ``..``, not absolute, not the manifest or the
        lock, no symlink leading out), else None."""
        if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
            return None
        pure = PurePosixPath(rel)
        if pure.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
            return None
        if pure.name in (MANIFEST, LOCK):
            return None
        path = self.path.joinpath(*pure.parts)
        try:
            path.resolve().relative_to(self.path)
        except ValueError:
            return None
        return path

    def remove(self, names: set[str]) -> tuple[list[Path], list[Diagnostic]]:
        """Delete the files ``names`` lists (relative paths from a previous
        manifest), skipping unsafe ones (:meth:`member`) and anything that is
        not a plain file.  Returns the files removed, sorted, and a warning
        for each that could not be."""
        removed: list[Path] = []
        problems: list[Diagnostic] = []
        for rel in sorted(names):
            path = self.member(rel)
            if path is None or path.is_symlink() or not path.is_file():
                continue
            try:
                path.unlink()
            except OSError as exc:
                problems.append(Diagnostic.warning(
                    f"could not remove {rel}, a file of the previous run: {exc.strerror or exc}",
                    Location(file=display_path(path)), "stale-output"))
                continue
            removed.append(path)
        return removed, problems


# ---------------------------------------------------------------------------
# manifest


def artifact_entry(a) -> dict:
    """An artifact's manifest entry: name, media type, kind, format, page,
    size (bytes), sha256."""
    data = a.data if a.data is not None else Path(a.path).read_bytes()
    entry = {"name": a.name, "media_type": a.media_type, "kind": a.kind, "format": a.format,
             "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if a.page:
        entry["page"] = a.page
    return entry


def outputs_by_format(result: TaskResult) -> dict[str, dict]:
    """``{format: {"image": NAME, "caption": NAME, "alt": NAME}}`` (a
    carousel: ``"pages": [NAME, ...]`` instead of ``"image"`` and
    ``"alts": [NAME, ...]``, one per page, instead of ``"alt"``)."""
    out: dict[str, dict] = {}
    for a in result.artifacts:
        slot = out.setdefault(a.format, {})
        if a.kind == "image" and a.page:
            slot.setdefault("pages", []).append(a.name)
        elif a.kind == "alt" and a.page:
            slot.setdefault("alts", []).append(a.name)
        else:
            slot[a.kind] = a.name
    return out


def result_entry(result: TaskResult) -> dict:
    """A task's entry in ``manifest.json``."""
    entry: dict = {"row": result.row}
    if len(result.rows) > 1:
        entry["rows"] = result.rows
    entry.update({"title": result.title, "status": result.status,
                  "outputs": outputs_by_format(result),
                  "warnings": [w.to_dict() for w in result.warnings]})
    if result.error is not None:
        entry["error"] = result.error
    if result.typography:
        entry["typography"] = result.typography
    entry["stem"] = result.stem
    entry["digest"] = result.digest
    entry["artifacts"] = [artifact_entry(a) for a in result.artifacts] + list(result.kept)
    return entry


def entry_names(entry: dict) -> set[str]:
    """Every file a manifest entry lists: its ``artifacts`` names, and (for
    manifests written before artifacts were listed) its ``outputs``."""
    names: set[str] = set()
    if not isinstance(entry, dict):
        return names
    for a in entry.get("artifacts") or []:
        if isinstance(a, dict) and isinstance(a.get("name"), str):
            names.add(a["name"])
    outputs = entry.get("outputs")
    for slot in outputs.values() if isinstance(outputs, dict) else []:
        for v in slot.values() if isinstance(slot, dict) else []:
            if isinstance(v, str):
                names.add(v)
            elif isinstance(v, list):
                names.update(x for x in v if isinstance(x, str))
    return names


def read_manifest(out_dir: Path) -> dict | None:
    """The ``manifest.json`` in ``out_dir``, or None when there is none or
    it is not a libmedia manifest (unreadable, not JSON, no ``libmedia`` key)."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "libmedia" not in data:
        return None
    return data


def manifest_entries(manifest: dict | None) -> list[dict]:
    """The task entries of a manifest (its ``records``)."""
    records = manifest.get("records") if isinstance(manifest, dict) else None
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def manifest_outputs(manifest: dict | None) -> set[str]:
    """Every file a manifest lists, as paths relative to its folder."""
    return {n for e in manifest_entries(manifest) for n in entry_names(e)}


def entry_key(entry: dict) -> str:
    """What identifies a post across runs: its stem (``0003-filosofi-kopi``),
    or for older manifests the stem of its first listed file."""
    if isinstance(entry.get("stem"), str):
        return entry["stem"]
    names = sorted(entry_names(entry))
    return names[0].split(".", 1)[0] if names else f"row-{entry.get('row')}"


def entry_is_on_disk(folder: OutputFolder, entry: dict) -> bool:
    """True when every artifact the entry lists is in the folder with the
    size the manifest gives (resume trusts these; sha256 is not re-read)."""
    arts = entry.get("artifacts")
    if not isinstance(arts, list) or not arts:
        return False
    for a in arts:
        path = folder.member(a.get("name")) if isinstance(a, dict) else None
        try:
            if path is None or path.stat().st_size != a.get("size"):
                return False
        except OSError:
            return False
    return True


@dataclass
class ManifestWriter:
    """Keeps the manifest of a run and writes it atomically: at most every
    :data:`FLUSH_SECONDS` while results arrive (:meth:`add`) and at the end
    (:meth:`write`).  ``header`` the run's fields (template, data, …);
    ``carried`` entries kept from the previous manifest (resumed posts, or
    posts a stopped run did not reach), by :func:`entry_key`; ``planned``
    the posts the job has; ``complete`` set by the coordinator before the
    last write of a run that was not stopped (the manifest says
    ``"complete": false`` while a run goes and after Ctrl-C or a crash)."""

    path: Path
    header: dict
    entries: dict[int, dict] = field(default_factory=dict)
    carried: dict[str, dict] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    planned: int = 0
    complete: bool = False
    #: Task indices of the entries the last successful write listed.
    written: set[int] = field(default_factory=set)
    _last: float = 0.0
    _took: float = 0.0

    def add(self, index: int, entry: dict) -> None:
        """Record a task's entry; write the manifest when the last write is
        older than :data:`FLUSH_SECONDS`, or 20 times the last write's own
        duration for a large manifest (so writing it stays under 5% of the
        coordinator's time)."""
        self.entries[index] = entry
        self.carried.pop(entry_key(entry), None)
        if time.monotonic() - self._last >= max(FLUSH_SECONDS, 20 * self._took):
            self.write()

    def content(self) -> dict:
        """The manifest (no timestamps: same input, same bytes).  Entries
        in data-row order."""
        records = sorted([*self.entries.values(), *self.carried.values()],
                         key=lambda e: (e.get("row") or 0, entry_key(e)))
        count = {s: sum(e.get("status") == s for e in records) for s in ("ok", "warning", FAILED)}
        return {**self.header,
                "summary": {"records": len(records), **count, "planned": self.planned,
                            "complete": self.complete},
                "warnings": [w.to_dict() for w in self.warnings],
                "records": records}

    def write(self) -> None:
        """Write ``manifest.json`` atomically.  Raises ``OSError``."""
        t0 = time.monotonic()
        text = json.dumps(self.content(), ensure_ascii=False, indent=2) + "\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))
        self.written = set(self.entries)
        self._last = time.monotonic()
        self._took = self._last - t0
