"""GIFT export, read back with a reader written here from the grammar in shared/moodle-facts.md
(as Moodle reads a file: questions end at a blank line, `//` lines are comments, backslash
escapes, `$CATEGORY:`, `::title::`, `[format]`, `=`/`~` answers, `#` feedback, `####` general
feedback)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOOD, write
from qbank.export import run_export
from qbank.export.gift import escape
from qbank.export.moodle import category_path
from test_export_common import BANKS, TRICKY, export_one, load
from test_export_qti import shuffle_bank

SPECIAL = "~=#{}:"
PLACEHOLDER = {c: f"\x00{ord(c)}\x00" for c in SPECIAL + "n"}


@dataclass
class Gift:
    category: str | None
    title: str
    format: str
    text: str
    answers: list[tuple[bool, str, str]] = field(default_factory=list)   # (correct, text, feedback)
    weights: list[float] = field(default_factory=list)   # `%50%` before a `~` answer: a partial grade
    general: str = ""


def _protect(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\\" if nxt == "\\" else PLACEHOLDER.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    for c, ph in PLACEHOLDER.items():
        text = text.replace(ph, "\n" if c == "n" else c)
    return text.strip()


def read_gift(source: str) -> list[Gift]:
    blocks, current = [], []
    for line in source.split("\n") + [""]:
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        elif not line.strip().startswith("//"):
            current.append(line)
    category, found = None, []
    for lines in blocks:
        text = _protect("\n".join(lines).strip())
        if text.startswith("$CATEGORY:"):
            category = text[len("$CATEGORY:"):].strip()
            continue
        assert text.startswith("::")
        title, text = text[2:].split("::", 1)
        start, end = text.index("{"), text.index("}")
        assert text.rstrip().endswith("}") and end == len(text.rstrip()) - 1, "text after the answers"
        stem, body = text[:start], text[start + 1:end]
        fmt = ""
        if stem.startswith("["):
            fmt, stem = stem[1:].split("]", 1)
        general = ""
        if "####" in body:
            body, general = body.rsplit("####", 1)
        q = Gift(category, _restore(title), fmt, _restore(stem), general=_restore(general))
        for part in body.replace("=", "~=").split("~")[1:]:
            part = part.strip()
            correct = part.startswith("=")
            weight = re.match(r"%(-?\d{1,2}(?:\.\d*)?)%", part)
            q.weights.append(100.0 if correct else float(weight.group(1)) if weight else 0.0)
            part = part[weight.end():] if weight and not correct else part
            answer, _, feedback = part.lstrip("=").partition("#")
            q.answers.append((correct, _restore(answer), _restore(feedback)))
        found.append(q)
    return found


def gift(path: Path) -> dict[str, Gift]:
    return {q.title: q for q in read_gift(path.read_text("utf-8"))}


@BANKS
def test_gift_reads_back_as_the_bank(bank_dir, tmp_path):
    from qbank.export.common import render_all

    bank = load(bank_dir)
    got = gift(export_one(bank, "gift", tmp_path))
    rendered = {rq.id: rq for rq in render_all(bank.questions, bank.root)[0]}
    written = {qid for qid, rq in rendered.items() if not rq.images}
    assert set(got) == written
    for qid in written:
        rq, g = rendered[qid], got[qid]
        assert g.format == "html" and g.text == rq.stem.strip() and g.general == rq.explanation.strip()
        assert g.category == category_path(bank.name, rq.question.topic)
        assert g.answers == [(i == rq.key_index, o.strip(), (rq.rationales[i] or "").strip())
                             for i, o in enumerate(rq.options)]


def test_an_equals_sign_in_a_rationale_stays_text(tmp_path):
    # moodle-facts.md: an unescaped `#4 = 2 x 2.` in feedback made "2 x 2." a fourth, 100% answer.
    write(tmp_path / "bank", "eq.yaml", GOOD.format(id="eq").replace(
        "Too distant from a problem that began with a recent life change.", "'#4 = 2 x 2.'"))
    raw = export_one(load(tmp_path / "bank"), "gift", tmp_path / "out").read_text("utf-8")
    assert "\\#4 \\= 2 x 2." in raw
    (q,) = read_gift(raw)
    assert len(q.answers) == 4 and [c for c, _, _ in q.answers].count(True) == 1
    assert q.answers[2][2] == "<p>#4 = 2 x 2.</p>"


def test_an_option_that_starts_like_a_partial_grade_stays_text_and_scores_zero(tmp_path):
    write(tmp_path / "bank", "pct.yaml", GOOD.format(id="pct").replace(
        "Early childhood attachment patterns", "'%50% of childhood attachment patterns'"))
    (q,) = read_gift(export_one(load(tmp_path / "bank"), "gift", tmp_path / "out").read_text("utf-8"))
    assert q.weights == [100.0, 0.0, 0.0, 0.0] and q.answers[2][1] == "<p>%50% of childhood attachment patterns</p>"


def test_every_special_character_is_escaped_in_every_text(tmp_path):
    odd = "a ~ b = c # d { e } f : g \\\\ h \\\\n i"
    text = GOOD.format(id="odd")
    for old in ("What should the social worker explore FIRST?", "Recent changes in the client's daily routine",
                "Useful later, but it does not address the recent onset tied to the job.",
                "which are the most likely and most modifiable contributors to poor sleep."):
        in_block = old.startswith(("What", "which"))  # the stem and explanation are `|` blocks
        text = text.replace(old, f"{odd.replace(chr(92) * 2, chr(92))} {old}" if in_block else f'"{odd} {old}"')
    write(tmp_path / "bank", "odd.yaml", text)
    bank = load(tmp_path / "bank")
    (q,) = read_gift(export_one(bank, "gift", tmp_path / "out").read_text("utf-8"))
    plain = odd.replace("\\\\", "\\")
    assert plain in q.text and plain in q.answers[0][1] and plain in q.answers[1][2] and plain in q.general
    assert [c for c, _, _ in q.answers] == [True, False, False, False]


def test_no_line_of_a_question_is_blank_or_a_comment(tmp_path):
    write(tmp_path / "bank", "code.yaml", GOOD.format(id="code").replace(
        "  What should the social worker explore FIRST?\n",
        "\n  ```\n  // a comment in code\n\n  x = {1: 2}\n  ```\n\n  What should the social worker explore FIRST?\n"))
    bank = load(tmp_path / "bank")
    raw = export_one(bank, "gift", tmp_path / "out").read_text("utf-8")
    question = raw.split("\n\n")[1]
    assert all(line.strip() and not line.strip().startswith("//") for line in question.split("\n"))
    (q,) = read_gift(raw)
    assert "// a comment in code\n\nx = {1: 2}" in q.text


def test_a_question_with_an_image_is_left_out_with_a_located_warning(tmp_path):
    findings: list = []
    (path,) = run_export(load(TRICKY), ["gift"], tmp_path, findings=findings)
    got = gift(path)
    assert "tricky-chart-a" not in got and "tricky-chart-b" not in got and got
    warned = {Path(d.path).name: d for d in findings if "images" in d.message}
    assert set(warned) == {"chart-a.yaml", "chart-b.yaml"}
    d = warned["chart-a.yaml"]
    assert (d.code, d.severity.value, d.line) == ("QB011", "warning", 2)  # at `stem:`, where the image is


def test_an_item_whose_options_keep_their_order_is_written_with_a_warning(tmp_path):
    findings: list = []
    (path,) = run_export(load(shuffle_bank(tmp_path / "bank")), ["gift"], tmp_path / "out", findings=findings)
    assert set(gift(path)) == {"plain", "kept", "none", "combined", "numeric"}
    assert sorted(Path(d.path).stem for d in findings) == ["combined", "kept", "none", "numeric"]
    kept = next(d for d in findings if d.path.endswith("kept.yaml"))
    lines = Path(kept.path).read_text().splitlines()
    assert lines[kept.line - 1] == "shuffle: false" and "shuffle: false" in kept.message


@BANKS
def test_two_gift_exports_are_byte_identical(bank_dir, tmp_path):
    bank = load(bank_dir)
    assert export_one(bank, "gift", tmp_path / "a").read_bytes() == export_one(bank, "gift", tmp_path / "b").read_bytes()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("~=#{}:\\n\n\r %ab/<>&[]")), max_size=40))
def test_any_text_escaped_reads_back_as_itself_on_one_line(text):
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert all(c not in _protect(escaped) for c in SPECIAL)   # nothing left that the grammar acts on
    assert _restore(_protect(escaped)) == text.replace("\r", "\n").strip()


def test_a_topic_with_backslashes_and_specials_is_the_category_moodle_reads(tmp_path):
    write(tmp_path / "bank", "t.yaml", GOOD.format(id="t") + "topic: 'C:\\new {x} = y / z'\n")
    (q,) = read_gift(export_one(load(tmp_path / "bank"), "gift", tmp_path / "out").read_text("utf-8"))
    assert q.category == "$course$/top/bank/C:\\new {x} = y // z"
