"""Check a data file against a template without rendering (``libmedia check``).

What is checked, and how each finding is graded:

* the file as a whole: the encoding and delimiter used, how each column
  mapped to a field, the columns no field uses; a required field with no
  column makes the input unusable (:class:`ProblemList`, exit 2);
* every record: a required field that is empty (``error``: the record will
  fail), the reader's own warnings such as an invalid ISBN (``warning``), and
  each image field (covers): empty, missing, or not readable as an image
  (``warning``: the post gets a typographic placeholder).  Cover paths resolve
  as in a batch: relative to the data file's folder, then its ``covers/``
  subfolder.  Images are opened to read their header only, never decoded.

Nothing here prints or exits.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .batch import (
    cover_search_dirs,
    fit_data,
    missing_optional,
    open_template,
    read_data,
    resolve_brand,
)
from .errors import ImageError, Location, Warning_, display_path
from .images import resolve_image_path
from .sources import DataSet, Record
from .templating import Template

ERROR, WARNING = "error", "warning"


@dataclass
class Problem:
    """One finding about one record (or the file when ``row`` is None).

    ``severity`` is ``error`` (the record will not render) or ``warning``
    (it renders with something missing or substituted); ``code`` is a short
    stable name (``required``, ``cover-missing``, ``isbn``...).
    """

    severity: str
    code: str
    message: str
    row: int | None = None
    field: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict:
        """The non-empty parts, JSON-ready."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class CheckReport:
    """The result of :func:`check_data`.

    ``mapping`` file column -> field name (None for an unused column);
    ``missing_optional`` template fields the file has no column for;
    ``problems`` every finding, in row order.
    """

    template: str
    data: str
    encoding: str
    delimiter: str
    records: int
    mapping: dict[str, str | None]
    required: list[str]
    missing_optional: list[str]
    file_warnings: list[Warning_] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    brand: Path | None = None

    @property
    def unmapped(self) -> list[str]:
        """Columns no field uses (their values are still available to templates)."""
        return [c for c, f in self.mapping.items() if f is None]

    @property
    def rows_with_problems(self) -> list[int]:
        """The data rows with at least one finding, ascending."""
        return sorted({p.row for p in self.problems if p.row is not None})

    def count(self, severity: str) -> int:
        """How many findings have ``severity`` (``error`` or ``warning``)."""
        return sum(p.severity == severity for p in self.problems)


def check_data(template_name: str, data_path: str | Path,
               brand_path: str | Path | None = None) -> CheckReport:
    """Check every record of ``data_path`` against a template.

    Raises :class:`LibmediaError` when the input is unusable: unknown
    template, invalid brand kit, unreadable or empty data file, or a required
    field without a column (:class:`ProblemList` naming each and listing the
    file's columns).
    """
    template = open_template(template_name)
    _, brand_file = resolve_brand(brand_path, Path(data_path))
    dataset = read_data(data_path)
    fit_data(template, dataset)
    report = CheckReport(
        template=template.name, data=display_path(dataset.path), encoding=dataset.encoding,
        delimiter=dataset.delimiter, records=len(dataset.records),
        mapping={c: dataset.mapping.get(c) for c in dataset.columns},
        required=template.required_fields,
        missing_optional=missing_optional(template, dataset),
        file_warnings=list(dataset.warnings), brand=brand_file,
    )
    dirs = cover_search_dirs(dataset.path)
    image_fields = [f.name for f in template.fields.values()
                    if f.type == "image" and f.name not in report.missing_optional]
    for rec in dataset.records:
        report.problems += record_problems(template, rec, image_fields, dirs, dataset)
    return report


def record_problems(template: Template, record: Record, image_fields: list[str],
                    search_dirs: list[Path], dataset: DataSet) -> list[Problem]:
    """Every finding for one record: empty required fields, the reader's
    warnings, and image fields that are empty, missing or unreadable."""
    out = [
        Problem(ERROR, "required", f"required field '{name}' is empty", record.row, name,
                f"fill in the {name} of this record, or leave the row out")
        for name in template.required_fields if not record.fields.get(name, "").strip()
    ]
    out += [Problem(WARNING, w.code, w.message, record.row, _field_name(w.location, dataset))
            for w in record.warnings]
    for name in image_fields:
        problem = image_problem(record.fields.get(name, ""), search_dirs)
        if problem is not None:
            problem.row, problem.field = record.row, name
            out.append(problem)
    return out


def _field_name(loc: Location, dataset: DataSet) -> str | None:
    """The field a reader warning is about, as ``field (column)`` when they differ."""
    if not loc.field:
        return None
    mapped = dataset.mapping.get(loc.field)
    return f"{mapped} (column '{loc.field}')" if mapped and mapped != loc.field else loc.field


def image_problem(src: str, search_dirs: list[Path]) -> Problem | None:
    """None when ``src`` names a readable image file, else a warning saying
    what is wrong.  Reads the file's header only (no pixels decoded)."""
    if not src.strip():
        return Problem(WARNING, "cover-empty", "no cover image given: a typographic cover will "
                       "be drawn", hint="put the cover's file name in the data, or leave it")
    try:
        path = resolve_image_path(src, search_dirs)
    except ImageError as exc:
        return Problem(WARNING, "cover-missing", exc.message + ": a typographic cover will be "
                       "drawn", hint=exc.hint)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                im.size  # noqa: B018 - reads the header only
    except Image.DecompressionBombError:
        return Problem(WARNING, "cover-too-large", f"{path.name} is too large to open safely",
                       hint="save a smaller copy of the cover (a few thousand pixels is plenty)")
    except UnidentifiedImageError:
        return Problem(WARNING, "cover-unreadable", f"{path.name} is not an image file libmedia "
                       "can read", hint="save the cover as JPEG or PNG")
    except OSError as exc:
        return Problem(WARNING, "cover-unreadable", f"{path.name} cannot be read: {exc}",
                       hint="check that the file is not open elsewhere and that you may read it")
    return None
