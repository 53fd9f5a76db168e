"""`qbank lint --fix`: fixes change only what they fix, and never a comment or another value."""

from __future__ import annotations

import datetime
import os
import shutil
from typing import Any, MutableMapping

import pytest

from qbank.diagnostics import Severity
from qbank.fix import MAX_ROUNDS, apply_fixes, fix_text
from qbank.fmt import format_file
from qbank.rules import all_rules
from qbank.rules.base import Rule, RuleOptions

from conftest import GOOD, REPO, write
from test_fmt import comment_texts, fast_data

OPTIONS = RuleOptions()


class ShoutTopic(Rule):
    """Test rule: the topic must be in capitals (safe fix)."""

    code = "QB990"
    name = "shout-topic"
    severity = Severity.WARNING
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        topic = data.get("topic")
        if not isinstance(topic, str) or topic == topic.upper():
            return False
        data["topic"] = topic.upper()
        return True


class DropRationales(Rule):
    """Test rule with an unsafe fix: removes the key's rationale."""

    code = "QB991"
    name = "drop-key-rationale"
    severity = Severity.WARNING
    fix_safety = "unsafe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        changed = False
        for opt in data.get("options", []):
            if opt.get("correct") is True and "rationale" in opt:
                del opt["rationale"]
                changed = True
        return changed


class Exclaim(Rule):
    """Test rule whose fix needs several rounds: one '!' per round up to three."""

    code = "QB992"
    name = "exclaim"
    severity = Severity.INFO
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        if data["topic"].endswith("!!!"):
            return False
        data["topic"] = data["topic"] + "!"
        return True


class Restless(Rule):
    """Test rule whose fix never settles."""

    code = "QB993"
    name = "restless"
    severity = Severity.INFO
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        data["topic"] = data["topic"] + "x"
        return True


class Broken(Rule):
    code = "QB994"
    name = "broken"
    severity = Severity.INFO
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        raise KeyError("boom")


class DateTopic(Rule):
    """Test rule that writes a value the question format cannot hold."""

    code = "QB995"
    name = "date-topic"
    severity = Severity.INFO
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        data["topic"] = datetime.date(2024, 1, 2)
        return True


class Touch(Rule):
    """Test rule that claims a change and makes none: the file must come out as it went in."""

    code = "QB996"
    name = "touch"
    severity = Severity.INFO
    fix_safety = "safe"

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        return True


TOY = {r.code: r for r in (ShoutTopic(), DropRationales(), Exclaim(), Restless(), Broken(), DateTopic(), Touch())}

# An author's own layout: list items flush with their key, a 3-space gap before comments.
AUTHOR = """\
# Reviewed: 2024
id: q-1
topic: engagement   # area
stem: 'A client misses sessions. What should the worker do FIRST?'
options:
- text: Call the client
  correct: true
  rationale: Engagement first.
# the court option
- text: Tell the court
  rationale: Too early.

- text: Close the case
  rationale: Abandons the client.
explanation: >-
  Engagement comes first
  with mandated clients.
tags: [engagement]
"""


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


# --- the driver (with test rules) -------------------------------------------------------------

def test_a_safe_fix_changes_only_its_line_and_keeps_the_authors_layout(tmp_path):
    path = write(tmp_path, "q.yaml", AUTHOR)
    outcome = apply_fixes(path, {"QB990"}, OPTIONS, unsafe=False, rules=TOY)
    assert (outcome.fixed, outcome.written, outcome.diagnostics) == (("QB990",), True, [])
    after = path.read_text(encoding="utf-8")
    assert changed_lines(AUTHOR, after) == [("topic: engagement   # area", "topic: ENGAGEMENT   # area")]


def test_a_fix_pass_reproduces_every_bundled_and_fixture_file_byte_for_byte():
    files = sorted((REPO / "bank").rglob("*.yaml")) + sorted((REPO / "tests" / "fixtures").rglob("*.yaml"))
    assert len(files) >= 20
    for path in [*files, None]:
        text = AUTHOR if path is None else path.read_text(encoding="utf-8")
        out, fixed = fix_text(text, {"QB996"}, OPTIONS, False, path=str(path), rules=TOY)
        assert fixed == ("QB996",)
        assert out == text, path


def test_fixes_keep_the_byte_order_mark_and_crlf_line_endings(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + AUTHOR.replace("\n", "\r\n").encode("utf-8"))
    assert apply_fixes(path, {"QB990"}, OPTIONS, unsafe=False, rules=TOY).written
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# Reviewed: 2024\r\nid: q-1\r\n")
    assert b"topic: ENGAGEMENT   # area\r\n" in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_only_the_reported_codes_are_fixed_and_unsafe_fixes_need_unsafe(tmp_path):
    path = write(tmp_path, "q.yaml", AUTHOR)
    assert apply_fixes(path, {"QB991"}, OPTIONS, unsafe=False, rules=TOY).fixed == ()
    assert apply_fixes(path, {"QB311"}, OPTIONS, unsafe=True, rules=TOY).fixed == ()  # no such rule here
    assert path.read_text(encoding="utf-8") == AUTHOR
    outcome = apply_fixes(path, {"QB991"}, OPTIONS, unsafe=True, rules=TOY)
    assert outcome.fixed == ("QB991",)
    assert "Engagement first." not in path.read_text(encoding="utf-8")
    assert fast_data(path.read_text(encoding="utf-8"))["topic"] == "engagement"


def test_fixes_run_again_until_nothing_changes_but_never_forever():
    settled, fixed = fix_text(AUTHOR, {"QB992"}, OPTIONS, False, rules=TOY)
    assert fast_data(settled)["topic"] == "engagement!!!"
    assert fixed == ("QB992",)
    restless, _ = fix_text(AUTHOR, {"QB993"}, OPTIONS, False, rules=TOY)
    assert fast_data(restless)["topic"] == "engagement" + "x" * MAX_ROUNDS


def test_nothing_to_fix_leaves_the_file_untouched(tmp_path):
    path = write(tmp_path, "q.yaml", AUTHOR.replace("engagement   #", "ENGAGEMENT   #"))
    before = path.read_bytes(), path.stat().st_mtime_ns
    outcome = apply_fixes(path, {"QB990"}, OPTIONS, unsafe=False, rules=TOY)
    assert (outcome.fixed, outcome.written) == ((), False)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_fix_that_crashes_is_reported_and_the_file_left_alone(tmp_path):
    path = write(tmp_path, "q.yaml", AUTHOR)
    outcome = apply_fixes(path, {"QB990", "QB994"}, OPTIONS, unsafe=False, rules=TOY)
    assert [d.code for d in outcome.diagnostics] == ["QB000"]
    assert "QB994" in outcome.diagnostics[0].message
    assert not outcome.written and path.read_text(encoding="utf-8") == AUTHOR


def test_a_fix_whose_result_would_read_back_differently_is_refused(tmp_path):
    path = write(tmp_path, "q.yaml", AUTHOR)
    outcome = apply_fixes(path, {"QB995"}, OPTIONS, unsafe=False, rules=TOY)
    assert [d.code for d in outcome.diagnostics] == ["QB009"]
    assert path.read_text(encoding="utf-8") == AUTHOR


def test_a_file_with_loader_errors_is_never_fixed(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"id: q-1\ntopic: a\ntopic: b\n")
    outcome = apply_fixes(broken, {"QB990"}, OPTIONS, unsafe=False, rules=TOY)
    assert [(d.code, d.line) for d in outcome.diagnostics] == [("QB004", 3)]
    assert broken.read_bytes() == b"id: q-1\ntopic: a\ntopic: b\n"
    assert [d.code for d in apply_fixes(tmp_path / "missing.yaml", {"QB990"}, OPTIONS, False,
                                        rules=TOY).diagnostics] == ["QB002"]


def test_a_crash_while_writing_a_fix_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    path = write(tmp_path, "q.yaml", AUTHOR)

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        apply_fixes(path, {"QB990"}, OPTIONS, unsafe=False, rules=TOY)
    assert path.read_text(encoding="utf-8") == AUTHOR
    assert [p.name for p in tmp_path.iterdir()] == ["q.yaml"]


# --- the real fixes ---------------------------------------------------------------------------

NUMERIC = """\
id: hipaa-access-001   # the id
stem: |
  A client asks the agency for a copy of her records.
  Within how many days must the agency act on the request?
options:
  # the slowest
  - text: 90 days
    rationale: Ninety days is far beyond what the Privacy Rule allows.  # r90
  - text: 30 days  # the key
    correct: true
    rationale: |
      The Privacy Rule gives 30 days, extendable once by 30 more.
  # the fastest
  - text: 10 days
    rationale: Ten days is shorter than the rule requires of the agency.
  - text: 60 days
    rationale: Sixty days is only reached with a written extension notice.
explanation: |
  Under the HIPAA Privacy Rule a covered entity must act on a request for access within
  30 days, extendable once by another 30 days with written notice to the individual.
"""


def test_sorting_numeric_options_moves_each_option_whole_with_its_comments():
    assert all_rules()["QB311"].fix_safety == "safe"
    out, fixed = fix_text(NUMERIC, {"QB311"}, OPTIONS, False)
    assert fixed == ("QB311",)
    options = fast_data(out)["options"]
    assert [o["text"] for o in options] == ["10 days", "30 days", "60 days", "90 days"]
    before = {o["text"]: o for o in fast_data(NUMERIC)["options"]}
    assert all(o == before[o["text"]] for o in options)  # rationale and key moved with their option
    assert "  # the fastest\n  - text: 10 days\n" in out
    assert "  - text: 30 days  # the key\n    correct: true\n" in out
    assert "  # the slowest\n  - text: 90 days\n    rationale: Ninety days is far beyond what the Privacy Rule allows.  # r90\n" in out
    assert comment_texts(out) == comment_texts(NUMERIC)


def test_a_typography_fix_in_a_literal_block_keeps_it_a_literal_block():
    assert all_rules()["QB501"].fix_safety == "safe"
    text = ("id: q-1\nstem: |  # the vignette\n  A client  reports trouble sleeping. \n"
            "  What should the social worker explore FIRST?\n"
            "options:\n  - text: Recent changes in routine\n    correct: true\n"
            "  - text: Family history\n    rationale: Useful later, but not tied to the recent onset.\n"
            "explanation: |\n  The problem began with the new job.\n")
    out, fixed = fix_text(text, {"QB501"}, OPTIONS, False)
    assert fixed == ("QB501",)
    assert changed_lines(text, out) == [("  A client  reports trouble sleeping. ", "  A client reports trouble sleeping.")]
    assert fast_data(out)["stem"] == ("A client reports trouble sleeping.\n"
                                      "What should the social worker explore FIRST?\n")


def test_capitalising_the_lead_in_qualifier_keeps_the_literal_block_and_the_rest():
    text = ("id: q-1  # keep\nstem: |\n  A client was mandated to attend.\n  What should the social worker do first?\n"
            "options:\n  - text: Explore the mandate\n    correct: true\n  - text: Reschedule\n"
            "    rationale: Wastes the session.\nexplanation: |\n  Engagement first.\n")
    out, fixed = fix_text(text, {"QB204"}, OPTIONS, False)
    assert fixed == ("QB204",)
    assert changed_lines(text, out) == [("  What should the social worker do first?",
                                         "  What should the social worker do FIRST?")]


def test_capitalising_a_negative_lead_in():
    text = ("id: q-1\nstem: |\n  A client reports insomnia.\n  Which action is not appropriate?\n"
            "options:\n  - text: Sleep hygiene\n    rationale: Fine.\n  - text: Sedate\n    correct: true\n"
            "explanation: x\n")
    out, fixed = fix_text(text, {"QB203"}, OPTIONS, False)
    assert fixed == ("QB203",)
    assert "  Which action is NOT appropriate?\n" in out


# --- the whole bank ---------------------------------------------------------------------------

def fixable_codes() -> set[str]:
    return {code for code, rule in all_rules().items() if rule.fix_safety}


def test_fix_then_fmt_over_the_bundled_bank_keeps_every_value_and_comment(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(REPO / "bank", bank)
    files = sorted(bank.rglob("*.yaml"))
    assert len(files) >= 10
    # Give every question comments in awkward places, so there is something to keep.
    for path in files:
        text = path.read_text(encoding="utf-8")
        text = text.replace("\noptions:\n", "\n# before options\noptions:  # the options\n", 1)
        text = text.replace("\n    correct: true\n", "\n    correct: true  # the key\n", 1)
        text = text.replace("\nexplanation:", "\n# about the explanation\nexplanation:", 1)
        path.write_text(text + "# end\n", encoding="utf-8")
    original = {p: p.read_text(encoding="utf-8") for p in files}
    codes = fixable_codes()
    for path in files:
        outcome = apply_fixes(path, codes, OPTIONS, unsafe=True)
        assert outcome.diagnostics == [], path
        fixed_text = path.read_text(encoding="utf-8")
        if not outcome.fixed:  # a clean question: nothing may change
            assert fixed_text == original[path]
        result = format_file(path, check=False)
        assert result.diagnostics == [], path
        final = path.read_text(encoding="utf-8")
        assert fast_data(final) == fast_data(fixed_text), path
        assert comment_texts(final) == comment_texts(original[path]), path
        assert len(comment_texts(final)) >= 4
        assert format_file(path, check=True).changed is False


def test_lint_fix_applies_the_safe_fixes_and_reports_what_is_left(bank, cli):
    text = GOOD.format(id="q-1").replace("explore FIRST?", "explore first?")
    text = text.replace("stem: |\n", "stem: |  # lowercase on purpose\n").replace("options:\n", "# four options\noptions:\n")
    path = write(bank, "q.yaml", text)
    assert "QB204" in cli("lint", "--no-cache", bank).output
    res = cli("lint", "--fix", "--no-cache", bank)
    assert "Fixed 1 problem in 1 file." in res.output
    assert "QB204" not in res.output
    after = path.read_text(encoding="utf-8")
    assert changed_lines(text, after) == [("  What should the social worker explore first?",
                                           "  What should the social worker explore FIRST?")]
