"""Job setup (:mod:`libmedia.jobs`): the ``records`` spec, the template kind,
and planning a job into render tasks."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from libmedia.errors import DataError, LibmediaError, TemplateError
from libmedia.jobs import group_records, open_job, plan
from libmedia.sources import Record
from libmedia.templating import RecordsSpec, find_template, load_template, parse_records_spec

WHERE = "t/template.toml"


@pytest.mark.parametrize("value, spec", [
    ("1", RecordsSpec(1, 1)), (1, RecordsSpec(1, 1)), ("2-6", RecordsSpec(2, 6)),
    ("1-20", RecordsSpec(1, 20)), (" 3 - 4 ", RecordsSpec(3, 4)),
])
def test_records_spec_parses(value, spec):
    assert parse_records_spec(value, WHERE) == spec
    assert str(spec) in ("1", "2-6", "1-20", "3-4")


@pytest.mark.parametrize("value", ["0", "6-2", "abc", "1-", "-3", "", True, "2,3"])
def test_an_invalid_records_spec_names_the_file_and_key(value):
    with pytest.raises(TemplateError) as exc:
        parse_records_spec(value, WHERE)
    assert exc.value.location.file == WHERE and exc.value.location.field == "records"
    assert "2-6" in exc.value.hint


def copy_template(tmp_path: Path, **keys: str) -> Path:
    """new-book copied to tmp_path with ``keys`` replaced in template.toml."""
    folder = tmp_path / ("tpl-" + "-".join(f"{k}{v}" for k, v in keys.items()))
    shutil.copytree(find_template("new-book"), folder)
    toml = folder / "template.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        key = line.split("=", 1)[0].strip()
        if key in keys and "=" in line and not line.startswith((" ", "[")):
            continue
        out.append(line)
    head = [f'{k} = "{v}"' for k, v in keys.items()]
    toml.write_text("\n".join(head + out) + "\n", encoding="utf-8")
    return folder


def test_template_records_is_a_parsed_spec(tmp_path):
    assert load_template(find_template("new-book")).records == RecordsSpec(1, 1)
    t = load_template(copy_template(tmp_path, records="2-6", kind="carousel"))
    assert t.records == RecordsSpec(2, 6) and t.kind == "carousel"


def test_a_bad_records_spec_in_template_toml(tmp_path):
    with pytest.raises(LibmediaError) as exc:
        load_template(copy_template(tmp_path, records="six"))
    text = str(exc.value)
    assert "template.toml" in text and "records" in text


def test_a_template_kind_must_match_its_formats(tmp_path):
    with pytest.raises(LibmediaError) as exc:
        load_template(copy_template(tmp_path, kind="video"))  # new-book lists image formats
    assert "is for images, but this template is kind = 'video'" in str(exc.value)
    with pytest.raises(LibmediaError) as exc:
        load_template(copy_template(tmp_path, kind="poster"))
    assert "unknown kind 'poster'" in str(exc.value)


def recs(n: int) -> list[Record]:
    return [Record(row=i, line=i + 1, fields={"title": f"T{i}"}, raw={}) for i in range(1, n + 1)]


def test_grouping_keeps_data_order_and_the_last_group_takes_the_rest():
    groups = group_records(recs(14), 2, 6)
    assert [[r.row for r in g] for g in groups] == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12],
                                                    [13, 14]]
    assert len(group_records(recs(3), 1, 1)) == 3


def test_clips_share_the_records_out_evenly():
    sizes = [len(g) for g in group_records(recs(22), 3, 10, balanced=True)]
    assert sizes == [8, 7, 7]
    assert [r.row for g in group_records(recs(22), 3, 10, balanced=True) for r in g] == list(range(1, 23))
    assert [len(g) for g in group_records(recs(10), 3, 10, balanced=True)] == [10]
    assert [len(g) for g in group_records(recs(11), 3, 10, balanced=True)] == [6, 5]
    with pytest.raises(LibmediaError) as exc:
        group_records(recs(2), 3, 10, balanced=True, noun="clip")
    assert [p.location.row for p in exc.value.problems] == [1, 2]
    assert "only 2 records (rows 1, 2)" in str(exc.value) and "per clip" in str(exc.value)


def test_a_leftover_under_the_minimum_is_shared_out_evenly():
    # 6, 6 and 1 would leave one book alone: the same three posts, evenly
    assert [len(g) for g in group_records(recs(13), 2, 6, "data.csv")] == [5, 4, 4]
    assert [len(g) for g in group_records(recs(5), 2, 4)] == [3, 2]
    assert [len(g) for g in group_records(recs(7), 2, 4)] == [4, 3]  # 3 is enough: kept
    assert [r.row for g in group_records(recs(13), 2, 6) for r in g] == list(range(1, 14))


def test_a_leftover_that_cannot_be_shared_out_is_named():
    with pytest.raises(DataError) as exc:
        group_records(recs(5), 2, 2, "data.csv")  # exactly 2 a post: 2, 2 and 1
    assert "the last 1 record (row 5) cannot make a post" in exc.value.message
    assert "with 2 records per post (at least 2)" in exc.value.message
    assert "--per-post" in exc.value.hint
    assert exc.value.location.row == 5 and exc.value.location.file == "data.csv"
    with pytest.raises(DataError, match="only 1 record"):
        group_records(recs(1), 2, 6)


def test_a_remainder_of_one_joins_a_post_when_the_template_takes_more():
    # 15 books at 2 a post of a 2-6 template: 7 posts, one of them of 3
    groups = group_records(recs(15), 2, 2, "data.csv", most=6)
    assert [len(g) for g in groups] == [3, 2, 2, 2, 2, 2, 2]
    assert [r.row for g in groups for r in g] == list(range(1, 16))
    with pytest.raises(DataError, match="row 15"):
        group_records(recs(15), 2, 2, "data.csv", most=2)


def write_csv(path: Path, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"Buku {i},Pengarang {i},,000 {i}\n" for i in range(1, n + 1))
    path.write_text("Judul,Pengarang,Sampul,No. Panggil\n" + rows, encoding="utf-8")
    return path


def test_plan_makes_one_picklable_task_per_post(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 5)
    job = open_job("new-book", data, ["all"])
    tasks = plan(job)
    assert [t.rows for t in tasks] == [[2], [3], [4], [5], [6]]
    assert tasks[0].stem == "0002-buku-1" and tasks[0].format_names == tuple(job.template.formats)
    assert pickle.loads(pickle.dumps(tasks[2])) == tasks[2]
    assert len({t.digest for t in tasks}) == 5  # each record its own inputs


def test_plan_groups_a_carousel(tmp_path):
    tpl = copy_template(tmp_path, records="2-3", kind="carousel")
    data = write_csv(tmp_path / "d" / "books.csv", 8)
    tasks = plan(open_job(tpl, data))
    assert [t.rows for t in tasks] == [[2, 3, 4], [5, 6, 7], [8, 9]]
    assert all(t.kind == "carousel" for t in tasks)
    data = write_csv(tmp_path / "d" / "books.csv", 7)  # 3, 3 and 1: shared out instead
    assert [t.rows for t in plan(open_job(tpl, data))] == [[2, 3, 4], [5, 6], [7, 8]]
    data = write_csv(tmp_path / "d" / "books.csv", 1)
    with pytest.raises(DataError, match="row 2"):
        plan(open_job(tpl, data))


def test_the_digest_follows_the_inputs(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 2)
    before = [t.digest for t in plan(open_job("new-book", data))]
    assert before == [t.digest for t in plan(open_job("new-book", data))]  # stable
    text = data.read_text(encoding="utf-8").replace("Buku 2", "Buku Dua")
    data.write_text(text, encoding="utf-8")
    after = [t.digest for t in plan(open_job("new-book", data))]
    assert after[0] == before[0] and after[1] != before[1]
    brand = tmp_path / "d" / "libmedia.toml"
    brand.write_text('[library]\nname = "Perpustakaan Uji"\n', encoding="utf-8")
    with_brand = [t.digest for t in plan(open_job("new-book", data))]
    assert with_brand[0] != after[0]  # the brand kit is an input of every post


def test_check_names_a_leftover_too_small_for_a_post(tmp_path):
    from libmedia.check import ERROR, check_data

    pairs = copy_template(tmp_path / "pairs", records="2-2", kind="carousel")
    rep = check_data(str(pairs), write_csv(tmp_path / "d" / "books.csv", 7))
    errors = [p for p in rep.problems if p.severity == ERROR]
    assert len(errors) == 1 and "row 8" in errors[0].message  # 2, 2, 2 and 1
    assert rep.rows_with(ERROR) == [8]
    tpl = copy_template(tmp_path / "up-to-3", records="2-3", kind="carousel")
    rep = check_data(str(tpl), write_csv(tmp_path / "d" / "books.csv", 7), per_post=2)
    assert rep.posts == [3, 2, 2] and not rep.rows_with(ERROR)  # 2, 2, 2, 1 would leave one
    rep = check_data(str(tpl), write_csv(tmp_path / "d" / "books.csv", 7))  # 3, 2 and 2
    assert rep.posts == [3, 2, 2] and rep.post_rows == [[2, 3, 4], [5, 6], [7, 8]]


def test_every_unknown_brand_font_family_is_named_at_its_key_at_once(tmp_path):
    """A kit that misspells two families gets both named, each at its
    ``type.ROLE.family`` key, before anything renders (for render too)."""
    from libmedia.errors import ProblemList
    from libmedia.jobs import open_job

    kit = tmp_path / "libmedia.toml"
    kit.write_text('[type.title]\nfamily = "Plus Jakarta Sanz"\n'
                   '[type.eyebrow]\nfamily = "Plus Jakarta Sanz"\n', encoding="utf-8")
    with pytest.raises(ProblemList) as info:
        open_job("new-book", None, brand_path=kit)
    fields = sorted(p.location.field for p in info.value.problems)
    assert fields == ["type.eyebrow.family", "type.title.family"]
    assert all("Plus Jakarta Sanz" in p.message for p in info.value.problems)
