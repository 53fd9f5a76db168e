"""`qbank export --form FILE --pdf`: the printed exam and its answer key, read back from the
PDFs' text (pypdf)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from qbank.cli import main
from qbank.export.paper import EXAM, compile_pdf, paper_data

MARKUP = "Which typst-looking text prints as written: #set page(width: 1cm) $x^2$ @ref <label> [a] \\\\ // no comment?"


def png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def item(qid: str, stem: str, options: list[str], key: int, extra: str = "") -> str:
    opts = "".join(f"  - text: \"{t}\"\n"
                   + ("    correct: true\n" if i == key else f"    rationale: \"Wrong, because {t.lower()} misses it.\"\n")
                   for i, t in enumerate(options))
    return (f"id: {qid}\nstem: |\n  {stem}\n{extra}options:\n{opts}"
            f"explanation: |\n  Explanation of {qid}: the key is what matters first.\n")


def write_bank(root: Path, n_long: int = 0) -> Path:
    root.mkdir()
    (root / "qbank.toml").write_text('name = "Paper Test"\n')
    (root / "img").mkdir()
    (root / "img" / "chart.png").write_bytes(png())
    (root / "one.yaml").write_text(item("q-one", "A client asks about records. What should the worker do FIRST?",
                                        ["Explain the policy", "Refuse", "Ignore it"], 0))
    (root / "two.yaml").write_text(item("q-two", "Look at the chart.\n\n  ![A red square](img/chart.png)\n\n"
                                                 "  What does the chart show?",
                                        ["A red square", "A blue circle", "A green line", "Nothing"], 3))
    (root / "three.yaml").write_text(item("q-three", MARKUP.replace("\\", "\\\\"),
                                          ["Option with #hash", "Option with $dollar$", "Plain"], 1))
    for i in range(n_long):
        vignette = " ".join(f"Sentence {j} of long vignette {i} goes on about the client's history." for j in range(12))
        (root / f"long{i:02d}.yaml").write_text(item(f"long-{i:02d}", f"{vignette} What is the BEST next step {i}?",
                                                     [f"Long option {i}-{k}" for k in range(4)], i % 4))
    return root


def write_form(path: Path, entries: list[tuple[str, str, list[int]]]) -> Path:
    lines = ["form: A", "blueprint: test", "seed: 7", "items:"]
    for qid, area, order in entries:
        lines += [f"  - id: {qid}", f"    area: {area}", f"    order: {order}"]
    path.write_text("\n".join(lines) + "\n")
    return path


FORM = [("q-two", "Assessment", [3, 0, 1, 2]), ("q-three", "Ethics", [2, 1, 0]), ("q-one", "Ethics", [1, 2, 0])]


def export(tmp_path: Path, bank: Path, form: Path):
    return CliRunner().invoke(main, ["export", str(bank), "--form", str(form), "--pdf", "--out", str(tmp_path / "out")],
                              catch_exceptions=False)


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_the_exam_prints_the_forms_items_in_order_with_options_lettered_in_the_forms_order(tmp_path):
    bank = write_bank(tmp_path / "bank")
    r = export(tmp_path, bank, write_form(tmp_path / "A.yaml", FORM))
    assert r.exit_code == 0, r.output
    exam = tmp_path / "out" / "paper-test-form-a.pdf"
    text = squash(text_of(exam))
    expected = [
        "1. Look at the chart.", "What does the chart show?", "A. Nothing", "B. A red square", "C. A blue circle",
        "D. A green line",
        "2. Which typst-looking text", "A. Plain", "B. Option with $dollar$", "C. Option with #hash",
        "3. A client asks about records.", "A. Refuse", "B. Ignore it", "C. Explain the policy"]
    at = [text.find(s) for s in expected]
    assert -1 not in at, [s for s, i in zip(expected, at) if i < 0]
    assert at == sorted(at)
    assert "Paper Test, form A" in text
    assert len(PdfReader(exam).pages[0].images) == 1  # the chart, from the bank's own file


def test_author_text_that_looks_like_typst_markup_prints_as_written(tmp_path):
    bank = write_bank(tmp_path / "bank")
    assert export(tmp_path, bank, write_form(tmp_path / "A.yaml", FORM)).exit_code == 0
    text = squash(text_of(tmp_path / "out" / "paper-test-form-a.pdf"))
    assert squash(MARKUP) in text


def test_the_answer_key_gives_each_items_key_letter_area_and_rationales(tmp_path):
    bank = write_bank(tmp_path / "bank")
    assert export(tmp_path, bank, write_form(tmp_path / "A.yaml", FORM)).exit_code == 0
    text = squash(text_of(tmp_path / "out" / "paper-test-form-a-key.pdf"))
    # q-two's key (Nothing, option 3) is first in the form's order: A; q-three's (option 1) stays B;
    # q-one's (option 0) moves to C
    assert "1 A Assessment 2 B Ethics 3 C Ethics" in text
    for n, key, qid in (("1", "A", "q-two"), ("2", "B", "q-three"), ("3", "C", "q-one")):
        assert f"{n}. Key {key}" in text and f"Explanation of {qid}" in text
    assert "Wrong, because a red square misses it." in text


def test_no_item_is_split_across_pages(tmp_path):
    bank = write_bank(tmp_path / "bank", n_long=14)
    entries = [(f"long-{i:02d}", "Practice", [0, 1, 2, 3]) for i in range(14)]
    assert export(tmp_path, bank, write_form(tmp_path / "A.yaml", entries)).exit_code == 0
    pages = [squash(p.extract_text()) for p in PdfReader(tmp_path / "out" / "paper-test-form-a.pdf").pages]
    assert len(pages) > 2
    for i in range(14):
        starts = [n for n, p in enumerate(pages) if f"Sentence 0 of long vignette {i} " in p]
        ends = [n for n, p in enumerate(pages) if f"D. Long option {i}-3" in p]
        assert starts == ends and len(starts) == 1, (i, starts, ends)


def test_the_same_form_gives_the_same_bytes(tmp_path):
    bank = write_bank(tmp_path / "bank")
    form = write_form(tmp_path / "A.yaml", FORM)
    assert export(tmp_path, bank, form).exit_code == 0
    first = [(tmp_path / "out" / n).read_bytes() for n in ("paper-test-form-a.pdf", "paper-test-form-a-key.pdf")]
    assert export(tmp_path, bank, form).exit_code == 0
    assert [(tmp_path / "out" / n).read_bytes() for n in ("paper-test-form-a.pdf", "paper-test-form-a-key.pdf")] == first


@pytest.mark.parametrize("entries, where, words", [
    ([("q-one", "Ethics", [0, 1, 2]), ("not-here", "Ethics", [0, 1])], "A.yaml:8:", "the bank has no valid question `not-here`"),
    ([("q-one", "Ethics", [0, 0, 1])], "A.yaml:5:", "the order [0, 0, 1] of `q-one`"),
])
def test_a_form_the_bank_cannot_fill_writes_nothing_and_says_where(tmp_path, entries, where, words):
    bank = write_bank(tmp_path / "bank")
    r = export(tmp_path, bank, write_form(tmp_path / "A.yaml", entries))
    [line] = [x for x in r.output.splitlines() if "QB022" in x]
    assert r.exit_code == 1 and where in line and words in line and "nothing was written" in r.output
    assert not list(tmp_path.rglob("*.pdf"))


def test_pdf_needs_a_form_and_takes_no_other_format(tmp_path):
    bank = write_bank(tmp_path / "bank")
    assert CliRunner().invoke(main, ["export", str(bank), "--pdf"]).exit_code == 2
    form = write_form(tmp_path / "A.yaml", FORM)
    assert CliRunner().invoke(main, ["export", str(bank), "--pdf", "--form", str(form), "--csv"]).exit_code == 2


def test_a_page_renders_to_png(tmp_path):
    bank = write_bank(tmp_path / "bank")
    from qbank import api
    from qbank.export.paper import PaperItem
    from qbank.forms import apply, read

    form = read(write_form(tmp_path / "A.yaml", FORM))
    items = [PaperItem(q, e.area) for q, e in zip(apply(form, api.load_bank([bank]).questions), form.items)]
    pages = compile_pdf(EXAM, paper_data("Paper Test, form A", items, bank, []), bank, fmt="png", ppi=50)
    assert len(pages) == 1 and pages[0].startswith(b"\x89PNG\r\n\x1a\n")
