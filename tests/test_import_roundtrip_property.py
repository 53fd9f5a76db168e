"""Export then import gives back data-equal questions, for generated banks with images: every
format qbank both writes and reads here (QTI 1.2, QTI 2.1, CSV, Anki), each for what it holds."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_helpers import PIXEL, bank_data, comparable, export
from qbank.importers import reader
from qbank.importers.base import ImportOptions

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
# A word as authors write them: plain, emphasised, strong, code, math, or with punctuation after it.
MARKED = st.one_of(WORD, WORD.map(lambda w: f"*{w}*"), WORD.map(lambda w: f"**{w}**"), WORD.map(lambda w: f"`{w}`"),
                   WORD.map(lambda w: f"${w}_{{1}}$"), st.tuples(WORD, st.sampled_from(",;:?!")).map("".join))
SENTENCE = st.lists(MARKED, min_size=1, max_size=8).map(lambda ws: "A " + " ".join(ws) + ".")
LINK = WORD.map(lambda w: f"[{w}](https://example.org/{w})")
BLOCK = st.one_of(
    SENTENCE, SENTENCE, SENTENCE,
    st.lists(SENTENCE, min_size=1, max_size=3).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(SENTENCE, min_size=1, max_size=3).map(lambda xs: "\n".join(f"{i}. {x}" for i, x in enumerate(xs, 1))),
    SENTENCE.map(lambda x: f"> {x}"),
    st.lists(WORD, min_size=1, max_size=4).map(lambda ws: "```\n" + " = ".join(ws) + "\n```"),
    st.tuples(SENTENCE, LINK).map(lambda t: f"{t[0]} See {t[1]}."),
)
# Each block followed by a paragraph: two lists side by side are one list in Markdown, which can
# be spelt several ways; this keeps the generated Markdown in the one spelling that comes back.
PARAGRAPHS = st.lists(st.tuples(BLOCK, SENTENCE).map("\n\n".join), min_size=1, max_size=3).map("\n\n".join)


@st.composite
def questions(draw, n: int) -> list[dict]:
    out = []
    for i in range(n):
        count = draw(st.integers(2, 5))
        key = draw(st.integers(0, count - 1))
        options = []
        for j in range(count):
            option = {"text": f"Option {j} " + draw(SENTENCE)}
            if j == key:
                option["correct"] = True
            if j != key or draw(st.booleans()):
                option["rationale"] = draw(SENTENCE)
            options.append(option)
        stem = draw(PARAGRAPHS)
        if draw(st.booleans()):
            stem += "\n\n![A chart](media/chart.png)"
        data = {"id": f"gen-{i:03d}", "stem": stem + "\n\nWhich is right?", "options": options,
                "explanation": draw(PARAGRAPHS), "topic": f"Topic {draw(st.integers(1, 3))}"}
        if draw(st.booleans()):
            data["shuffle"] = False
        if draw(st.booleans()):
            data["points"] = draw(st.sampled_from([2, 0.5, 3.25]))
        out.append(data)
    return out


FORMATS = {  # format -> reader, and the fields it holds
    "qti12": ("canvas", ("id", "stem", "options", "shuffle", "explanation", "points")),
    "qti21": ("qti21", ("id", "stem", "options", "shuffle", "explanation", "points")),
    "csv": ("csv", ("id", "stem", "options", "shuffle", "explanation", "topic", "points")),
    "anki": ("apkg", ("id", "stem", "options", "shuffle", "explanation", "topic")),
}


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(bank=questions(3))
def test_export_then_import_gives_the_bank_back(fmt, bank):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bank"
        (root / "media").mkdir(parents=True)
        (root / "media" / "chart.png").write_bytes(PIXEL)
        (root / "qbank.toml").write_text('name = "Generated"\n', encoding="utf-8")
        for data in bank:
            (root / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        package, written = export(root, fmt, Path(tmp) / "out")
        name, fields = FORMATS[fmt]
        result = reader(name)(package, ImportOptions())
        assert result.diagnostics == []
        items = sorted(result.items, key=lambda i: i.data["id"])
        expected = [bank_data(q, root, fields) for q in written]
        if fmt == "csv":  # the CSV holds the Markdown source: image references as written
            got = [i.data for i in items]
            for q, data in zip(written, expected):
                data["stem"] = q.stem.rstrip("\n")
        else:
            got = [comparable(i) for i in items]
        assert got == expected
        shutil.rmtree(root)
