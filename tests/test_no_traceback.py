"""Whatever bytes a file holds, reading it gives data or diagnostics, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbank.diagnostics import Diagnostic
from qbank.checker import Job, check_file
from qbank.loader import load
from qbank.rules.base import RuleOptions
from qbank.validate import check_document

JOB = Job(bank_root=".", lint=True, options=RuleOptions(), want_questions=True)

yamlish = st.text(alphabet=st.sampled_from(list("ab:- \n\t\"'|>[]{},#&*!%@`?0123456789yesNo.\\\r\ufeffé🙂")), max_size=300)
fragments = st.lists(st.sampled_from([
    "id: q1\n", "stem: |\n  Which?\n", "options:\n", "  - text: a\n", "    correct: true\n", "    correct: yes\n",
    "    rationale: r\n", "explanation: e\n", "  - &a text: b\n", "  - *a\n", "tags: [x, x]\n", "lint: {ignore: {QB3: ''}}\n",
    "topic: !!binary aGk=\n", "difficulty: Hard\n", "  -\n", "options: 3\n", "? [a]\n: b\n", "stem: ![x](../../etc/passwd)\n",
]), max_size=14).map("".join)


def _check(raw: bytes) -> None:
    doc, diags = load("f.yaml", raw)
    assert all(isinstance(d, Diagnostic) for d in diags)
    if doc is not None:
        assert all(isinstance(d, Diagnostic) for d in check_document(doc))
    result = check_file("f.yaml", raw, JOB)
    assert all(d.code != "QB000" for d in result.diagnostics), result.diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(raw):
    _check(raw)


@settings(max_examples=300, deadline=None)
@given(yamlish)
def test_arbitrary_yamlish_text(text):
    _check(text.encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(fragments)
def test_arbitrary_question_fragments(text):
    _check(text.encode("utf-8"))


any_text = st.text(min_size=1, max_size=80).filter(lambda s: s.strip())
valid_questions = st.builds(
    lambda stem, texts, key, expl, tags: {
        "id": "q1", "stem": stem, "explanation": expl, "tags": sorted(set(tags)),
        "options": [{"text": t, "rationale": f"{t} rationale", **({"correct": True} if i == key % len(texts) else {})}
                    for i, t in enumerate(texts)],
    },
    any_text, st.lists(any_text, min_size=2, max_size=6), st.integers(0, 5), any_text, st.lists(any_text, max_size=3))


@settings(max_examples=300, deadline=None)
@given(valid_questions)
def test_every_rule_survives_arbitrary_text_in_a_valid_question(question):
    """JSON is YAML: a valid question with any text in it runs every item rule without a crash."""
    import json

    _check(json.dumps(question, ensure_ascii=False).encode("utf-8"))
