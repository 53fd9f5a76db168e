"""What every export shares: selection, rendering once, media names, identifiers, zips.

Also the helpers the other test_export_* files use (banks to export, Anki imports)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from qbank.bank import Bank
from qbank.engine import load_bank
from qbank.export import run_export
from qbank.errors import NothingSelected
from qbank.export.common import MediaFile, Renderer, item_ident, media_name, slug, write_zip
from qbank.export.selection import Selection, select
from qbank.render import to_html

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "bank"
TRICKY = REPO / "tests" / "fixtures" / "tricky"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def load(path: Path) -> Bank:
    """A bank that must be valid: the exports are only ever run on those."""
    bank = load_bank([path], use_cache=False)
    errors = [d for d in bank.diagnostics if d.severity.value == "error"]
    assert not errors, f"{path} has errors: {errors[:3]}"
    assert bank.questions, f"{path} has no questions to export"
    return bank


def copy_bank(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".qbank_cache"))
    return dst


# Every export test runs on the bundled bank and on the tricky fixture.
BANKS = pytest.mark.parametrize("bank_dir", [BUNDLED, TRICKY], ids=["bundled", "tricky"])


def export_one(bank: Bank, fmt: str, out: Path, **kwargs) -> Path:
    (path,) = run_export(bank, [fmt], out, **kwargs)
    return path


# --- Anki collections (the official anki library, headless) ------------------------------

@contextmanager
def collection(folder: Path):
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def _counts(log) -> dict[str, int]:
    return {k: len(getattr(log, k)) for k in ("new", "updated", "duplicate", "conflicting",
                                              "first_field_match", "missing_notetype")}


def import_apkg(col, path: Path) -> dict[str, int]:
    from anki.collection import ImportAnkiPackageRequest

    options = col._backend.get_import_anki_package_presets()
    return _counts(col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log)


def import_csv(col, path: Path) -> dict[str, int]:
    from anki.collection import ImportCsvRequest

    metadata = col.get_csv_metadata(str(path), None)
    return _counts(col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log)


def notes_by_id(col) -> dict[str, object]:
    """The imported notes keyed by their ID field (the question id)."""
    return {col.get_note(nid)["ID"]: col.get_note(nid) for nid in col.find_notes("")}


# --- tests of the shared parts ------------------------------------------------------------

def test_two_images_with_the_same_name_in_different_folders_get_different_packaged_names():
    a, b = media_name("algebra/media/chart.png"), media_name("statistics/media/chart.png")
    assert a != b and a.endswith("-chart.png") and b.endswith("-chart.png")
    assert media_name("algebra/media/chart.png") == a  # stable across runs
    assert "/" not in a and " " not in media_name("my folder/my chart.png")


def test_each_markdown_text_is_rendered_once_even_when_repeated():
    bank = load(TRICKY)
    renderer = Renderer(bank.root)
    rendered = [renderer.render(q) for q in bank.questions]
    texts = {t for q in bank.questions for t in (q.stem, q.explanation, *(o.text for o in q.options),
                                                   *(o.rationale for o in q.options if o.rationale))}
    assert set(renderer._html) == texts
    first = rendered[0]
    assert first.stem == to_html(bank.questions[0].stem)


def test_image_references_point_at_packaged_files_inside_the_bank():
    bank = load(TRICKY)
    renderer = Renderer(bank.root)
    chart_b = next(renderer.render(q) for q in bank.questions if q.id == "tricky-chart-b")
    assert set(chart_b.images) == {"media/chart.png", "../algebra/media/chart.png"}
    assert len(set(chart_b.images.values())) == 2
    moved = chart_b.localized("pkg/")
    srcs = re.findall(r'<img src="([^"]*)"', moved.stem + moved.explanation)
    assert sorted(set(srcs)) == sorted("pkg/" + n for n in chart_b.images.values())
    assert {Path(m.source).read_bytes() for m in renderer.media.values()} == {
        (TRICKY / "algebra/media/chart.png").read_bytes(), (TRICKY / "statistics/media/chart.png").read_bytes()}


def test_selection_by_tag_and_topic():
    qs = load(TRICKY).questions
    assert {q.id for q in select(qs, Selection(tags=("images",)))} == {"tricky-chart-a", "tricky-chart-b"}
    assert {q.id for q in select(qs, Selection(topics=("spreadsheets & CODE",)))} == {"tricky-code-001",
                                                                                      "0-leading-digit"}
    assert {q.id for q in select(qs, Selection(tags=("rtl", "formulas")))} == {"tricky-rtl-001", "tricky-code-001"}
    with pytest.raises(NothingSelected, match="no question matches --tag images --topic Spreadsheets & code"):
        select(qs, Selection(tags=("images",), topics=("Spreadsheets & code",)))
    assert select(qs) == qs


def test_warnings_are_reported_with_the_export_and_never_block():
    from qbank.diagnostics import Diagnostic, Severity
    from qbank.export import exportable

    bank = load(TRICKY)
    warning = Diagnostic(bank.questions[0].path, 3, 1, "QB007", "suppression", Severity.WARNING, "unused")
    bank.diagnostics.append(warning)
    chosen = exportable(bank)
    assert chosen.questions == bank.questions and chosen.diagnostics == [warning] and chosen.outside_errors == 0


def test_identifiers_are_valid_xml_names_even_for_ids_starting_with_a_digit():
    assert NCNAME.match(item_ident("0-leading-digit"))
    assert item_ident("a.b_c-1") != item_ident("a.b_c-2")
    assert slug("LCSW Practice") == "lcsw-practice"
    assert slug("Prüfung: Teil 2") == "prufung-teil-2"
    assert slug("مرحبا") == "bank"


def zipped(entries, **kwargs) -> bytes:
    buf = io.BytesIO()
    write_zip(buf, entries, **kwargs)
    return buf.getvalue()


def test_zip_depends_only_on_names_and_bytes(tmp_path):
    image = tmp_path / "c.png"
    image.write_bytes(b"\x89PNG" * 1000)
    streamed = MediaFile("c.png", str(image), image.stat().st_size)
    one = zipped({"b.txt": b"2", "a.txt": b"1", "c.png": streamed})
    two = zipped({"c.png": image.read_bytes(), "a.txt": b"1", "b.txt": b"2"})
    assert one == two  # an image streamed from its file zips exactly as its bytes would
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert zf.namelist() == ["a.txt", "b.txt", "c.png"]
        assert zf.read("c.png") == image.read_bytes()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {(i.external_attr >> 16) & 0o777 for i in zf.infolist()} == {0o644}


# --- the paragraphs-only fast path renders exactly like the Markdown renderer --------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qbank.export.common import paragraphs_html  # noqa: E402

_PIECES = st.sampled_from(["a", "Zé", "**", "`x`", "[l](u)", "![i](p.png)", "<b>", "&amp;", "&", "\\*",
                           "<http://x.y>", "~~", "_e_", "[r]", "[r]: /u", "\\\n", "  \n", "\n   ", ")", "שלום", "مرحبا", "1", "2.", "3)", " ", "  ", "    ", "\n", "\n\n", "-", "+",
                           "#", ">", "=", "===", "---", '"', "'", "(", "“", ":", ",", "?", "😀", "\u00a0", "\u2003", "\u3000", "*", "_",
                           "`", "<", "&", "|", "~", "\\", "!", "[", "\t", "$", "%", "/", ";"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_plain_text_fast_path_matches_commonmark(text):
    fast = paragraphs_html(text)
    assert fast is None or fast == to_html(text)


@BANKS
def test_plain_text_fast_path_matches_commonmark_on_every_bank_text(bank_dir):
    for q in load(bank_dir).questions:
        for text in (q.stem, q.explanation, *(o.text for o in q.options), *(o.rationale or "" for o in q.options)):
            fast = paragraphs_html(text)
            assert fast is None or fast == to_html(text), text


def _bank_with_stem(tmp_path: Path, stem: str) -> Bank:
    from qbank.model import Option, Question

    root = tmp_path / "bank"
    root.mkdir(exist_ok=True)
    q = Question("img-1", stem, (Option("a", True), Option("b", False, "no")), "Because.",
                 path=str(root / "q.yaml"))
    return Bank(root=root, name="Img", questions=[q])


def test_an_image_outside_the_bank_is_never_read_and_nothing_is_written(tmp_path):
    from qbank.export import ExportError

    (tmp_path / "secret.png").write_bytes(b"secret")
    bank = _bank_with_stem(tmp_path, "Look: ![x](../secret.png)")
    with pytest.raises(ExportError, match="outside the bank folder"):
        run_export(bank, ["anki", "qti21"], tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_missing_image_stops_the_export(tmp_path):
    from qbank.export import ExportError

    bank = _bank_with_stem(tmp_path, "Look: ![x](gone.png)")
    with pytest.raises(ExportError, match="does not exist"):
        run_export(bank, ["anki"], tmp_path / "out")


def test_web_images_are_left_as_links(tmp_path):
    bank = _bank_with_stem(tmp_path, "Look: ![x](https://example.org/c.png)")
    rq = Renderer(bank.root).render(bank.questions[0])
    assert rq.images == {} and 'src="https://example.org/c.png"' in rq.localized("media/").stem


def test_an_empty_selection_is_an_error_not_an_empty_package(tmp_path):
    from qbank.export import ExportError

    with pytest.raises(ExportError, match="no question"):
        run_export(load(TRICKY), ["qti21"], tmp_path / "out", selection=Selection(tags=("images",), ids=("tricky-rtl-001",)))
    assert not (tmp_path / "out").exists()


# --- large images: streamed into the package, bounded, never held whole --------------------

def _sparse_image(path: Path, size: int) -> Path:
    """A PNG-headed file of ``size`` bytes that takes no disk space (a sparse file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(size)
    return path


_MEASURE = """
import json, resource, sys
from pathlib import Path
from qbank.bank import Bank
from qbank.model import Option, Question
from qbank.export import run_export
root = Path(sys.argv[1])
q = Question("big-1", "Look: ![scan](big.png)", (Option("a", True), Option("b", False, "no")), "Because.",
             path=str(root / "q.yaml"))
bank = Bank(root=root, name="Big", questions=[q])
run_export(bank, ["qti21"], root / "warm-up")   # imports and first-use costs out of the way
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
paths = run_export(bank, ["anki", "qti12", "qti21"], root / "out")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "paths": [str(p) for p in paths]}))
"""


def _same_bytes(member, path: Path) -> bool:
    with open(path, "rb") as fh:
        while True:
            a, b = member.read(1 << 20), fh.read(1 << 20)
            if a != b:
                return False
            if not a:
                return True


def test_a_200_mb_image_is_streamed_into_every_package_not_held_in_memory(tmp_path):
    import json
    import subprocess
    import sys

    size = 200 * 1024 * 1024
    image = _sparse_image(tmp_path / "big.png", size)
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(tmp_path)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    growth = result["growth_kb"] * 1024   # ru_maxrss is in KiB on Linux
    assert growth < size / 8, f"peak RSS grew by {growth / 2**20:.0f} MB for a {size / 2**20:.0f} MB image"
    for package in map(Path, result["paths"]):
        with zipfile.ZipFile(package) as zf:
            (member,) = [i for i in zf.infolist() if i.file_size == size]
            with zf.open(member) as fh:
                assert _same_bytes(fh, image), f"{package.name}: the image's bytes did not round-trip"


def test_an_image_over_the_bound_is_refused_by_name_and_nothing_is_written(tmp_path):
    from qbank.export import ExportError
    from qbank.export.common import MAX_IMAGE_BYTES

    bank = _bank_with_stem(tmp_path, "Look: ![scan](huge.png)")
    _sparse_image(bank.root / "huge.png", MAX_IMAGE_BYTES + 1)
    with pytest.raises(ExportError, match=r"image huge.png is 256.0 MB; images over 256.0 MB are not packaged"):
        run_export(bank, ["qti21"], tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_package_over_the_bound_is_refused_before_anything_is_written(tmp_path):
    from qbank.export import ExportError
    from qbank.export.common import MAX_IMAGE_BYTES, MAX_PACKAGE_BYTES

    count = MAX_PACKAGE_BYTES // MAX_IMAGE_BYTES + 1
    refs = " ".join(f"![p{i}](p{i}.png)" for i in range(count))
    bank = _bank_with_stem(tmp_path, f"Look: {refs}")
    for i in range(count):
        _sparse_image(bank.root / f"p{i}.png", MAX_IMAGE_BYTES)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "img.qti21.zip").write_bytes(b"the previous export")
    with pytest.raises(ExportError, match=r"the package would hold 2,304.0 MB, over the 2,048.0 MB"):
        run_export(bank, ["qti21"], tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["img.qti21.zip"]
    assert (tmp_path / "out" / "img.qti21.zip").read_bytes() == b"the previous export"


def test_shuffle_is_a_boolean_field_that_fmt_puts_after_the_options(tmp_path):
    import qbank
    from conftest import GOOD, write

    bank = tmp_path / "bank"
    write(bank, "pinned.yaml", GOOD.format(id="pinned") + "shuffle: false\n")
    write(bank, "wrong.yaml", GOOD.format(id="wrong") + "shuffle: 'no'\n")
    result = qbank.lint([bank], rules=False)
    (problem,) = result.diagnostics
    assert problem.path.endswith("wrong.yaml") and problem.code == "QB003"
    assert problem.line == GOOD.count("\n") + 1 and problem.message == '`shuffle` must be true or false, not the text "no"'
    (pinned,) = [q for q in load_bank([bank / "pinned.yaml"], use_cache=False).questions]
    assert pinned.shuffle is False
    qbank.reformat([bank / "pinned.yaml"])
    keys = [line.split(":")[0] for line in (bank / "pinned.yaml").read_text("utf-8").splitlines() if line[:1].isalpha()]
    assert keys == ["id", "stem", "options", "shuffle", "explanation"]
