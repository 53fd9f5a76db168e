"""`qbank fmt` never refuses a valid file for its layout, never loses data to a YAML 1.1
reader, and never leaves its temporary files behind (issue 10, point 8: the fmt parts)."""

from __future__ import annotations

import pytest
import yaml

from qbank.fmt import format_text
from qbank.loader import load
from qbank.rewrite import RewriteRefused

from conftest import GOOD, write

HEAD = "id: q-1\nstem: What should the social worker do FIRST?\noptions:\n  - text: Ask\n    correct: true\n"


def data(text: str):
    doc, diags = load("q.yaml", text.encode("utf-8"))
    assert not diags and doc is not None, diags
    return doc.data


def formats_keeping_the_data(text: str) -> str:
    out = format_text(text, "q.yaml")
    assert data(out) == data(text)
    assert format_text(out, "q.yaml") == out
    return out


# --- valid files whose last line is only whitespace, and tabs after values -------------------

ENDINGS = ["explanation: e", "explanation: |\n  e", "explanation: |-\n  e\n  f", "explanation: |+\n  e",
           "explanation: >\n  e", "explanation: >+\n  e\n", "explanation: |2\n    e", "explanation: |\n  e\n\n  f",
           "explanation: 'e\n  f'", 'explanation: "e\n  f"', "tags:\n  - a", "tags: [a, b]"]
WHITESPACE_LAST_LINES = [" ", "   ", "    ", "     ", "\t", " \t", "\n ", "\n    ", "\n\t", "\n\n   ", "   \n", "    \n"]


def _valid(text: str) -> bool:
    doc, diags = load("q.yaml", text.encode("utf-8"))
    return not diags and doc is not None


@pytest.mark.parametrize("text", [t for t in (HEAD + e + w for e in ENDINGS for w in WHITESPACE_LAST_LINES)
                                  if _valid(t)])
def test_a_valid_file_whose_last_line_is_only_whitespace_is_formatted(text):
    formats_keeping_the_data(text)


def test_spaces_deeper_than_a_block_are_text_and_stay_in_the_value():
    text = HEAD + "explanation: |\n  Ask first.\n    "
    assert data(text)["explanation"] == "Ask first.\n  "
    out = formats_keeping_the_data(text)
    assert out.endswith("explanation: |-\n  Ask first.\n    \n")


def test_a_tab_after_a_value_or_at_the_end_of_the_file_is_layout():
    text = HEAD + "    rationale: Asking comes first.\t\ntopic: Risk \t\ntags: [a]\t"
    assert formats_keeping_the_data(text).endswith("    rationale: Asking comes first.\ntopic: Risk\ntags:\n  - a\n")


def test_a_space_escaped_at_the_end_of_a_quoted_line_is_kept():
    text = HEAD + 'explanation: "Ends with an escaped space\\ \t\n  then more"\n'
    assert data(text)["explanation"] == "Ends with an escaped space  then more"
    formats_keeping_the_data(text)


# --- U+0085 (NEL) and the other line breaks YAML readers disagree about ----------------------

def test_a_nel_line_break_is_written_as_the_lf_it_reads_as():
    text = HEAD + "explanation: Asking\x85  comes first.\n# a note\x85topic: Risk\n"
    assert data(text)["explanation"] == "Asking comes first."
    out = formats_keeping_the_data(text)
    assert "\x85" not in out
    assert out.endswith("explanation: Asking comes first.\n# a note\ntopic: Risk\n")


def test_a_nel_in_a_value_written_as_an_escape_stays_an_escape():
    text = HEAD + 'explanation: "Asking\\Ncomes first."\n'
    assert data(text)["explanation"] == "Asking\x85comes first."
    assert 'explanation: "Asking\\Ncomes first."\n' in formats_keeping_the_data(text)


@pytest.mark.parametrize("char, name", [("\u2028", "line separator"), ("\u2029", "paragraph separator")])
def test_a_line_separator_is_refused_at_its_line_and_column_in_plain_words(char, name):
    text = HEAD + f"explanation: Asking{char} comes first.\n"
    with pytest.raises(RewriteRefused) as refused:
        format_text(text, "q.yaml")
    [d] = refused.value.diagnostics
    assert (d.code, d.line, d.column) == ("QB009", 6, len("explanation: Asking") + 1)
    assert f"U+{ord(char):04X} ({name})" in d.message
    assert "internal" not in d.message and "report" not in d.message


def test_fmt_on_the_command_line_formats_nel_files_and_says_where_a_separator_is(bank, cli):
    nel = write(bank, "nel.yaml", GOOD.format(id="q-1").replace("new job.", "new job.\x85 "))
    sep = write(bank, "sep.yaml", GOOD.format(id="q-2").replace("\n    rationale: Routine", "\u2028\n    rationale: Routine"))
    res = cli("fmt", bank)
    assert res.exit_code == 1
    assert "\x85" not in nel.read_text(encoding="utf-8")
    line, column = 7, len("    correct: true") + 1
    assert f"{sep}:{line}:{column}: QB009 rewrite-refused: the character U+2028 (line separator)" in res.output
    assert "internal" not in res.output and "1 file reformatted" in res.output


# --- strings stay strings for YAML 1.1 readers -----------------------------------------------

YAML11_NOT_TEXT = [
    # booleans (PyYAML) and the one-letter ones of the YAML 1.1 spec
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    "true", "False",
    # integers: octal, binary, hex, underscores, sexagesimal
    "017", "0o17", "0b1010", "0x1F", "0x_1F", "1_000", "+12", "-3", "1:30", "190:20:30",
    # floats
    "1.5", "1_000.5", ".5", "-.Inf", ".inf", ".NaN", "6.8523015e+5", "190:20:30.15", "1e3",
    # null, timestamps, merge and value keys
    "~", "null", "Null", "NULL", "", "2024-01-31", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "<<", "=",
]


def test_every_string_stays_a_string_for_a_yaml_11_reader_after_fmt():
    listed = "".join(f"  - '{s}'\n" for s in YAML11_NOT_TEXT)
    text = f"id: q-1\ntopic: 'Yes'\ntags:\n{listed}difficulty: 'off'\n"
    out = formats_keeping_the_data(text)
    read = yaml.safe_load(out)  # PyYAML: a YAML 1.1 reader
    assert read["tags"] == YAML11_NOT_TEXT
    assert (read["topic"], read["difficulty"]) == ("Yes", "off")


def test_plain_words_that_a_yaml_11_reader_takes_for_booleans_get_quotes():
    text = "id: q-1\ntopic: Yes\ntags: [on, No, 1:30, ordinary]\n"
    out = formats_keeping_the_data(text)
    assert out == "id: q-1\ntopic: 'Yes'\ntags:\n  - 'on'\n  - 'No'\n  - '1:30'\n  - ordinary\n"
    assert yaml.safe_load(out)["tags"] == ["on", "No", "1:30", "ordinary"]


def test_ordinary_text_stays_plain():
    text = "id: q-1\ntopic: Yesterday at 1:30 pm\ntags: ['ethics', 'nope', 'offline']\n"
    assert formats_keeping_the_data(text) == "id: q-1\ntopic: Yesterday at 1:30 pm\ntags:\n  - ethics\n  - nope\n  - offline\n"


# --- temporary files a killed run leaves behind ----------------------------------------------

def _killed_while_writing(target) -> None:
    """Run a process that dies by SIGKILL in the middle of qbank's atomic write of ``target``."""
    import signal
    import subprocess
    import sys

    script = ("import os, signal, sys\nfrom qbank.fsutil import atomic_writer\n"
              "with atomic_writer(sys.argv[1]) as fh:\n    fh.write(b'half a question')\n    fh.flush()\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(target)])
    assert proc.returncode == -signal.SIGKILL


def _temps(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".qbank-tmp"))


def test_fmt_names_its_temporary_files_so_they_are_recognisably_qbanks(bank, monkeypatch):
    import os

    from qbank.fmt import format_file
    from qbank.fsutil import is_temp_name

    messy = write(bank, "q.yaml", "id: q-1\ntags: [a]\n")
    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (seen.append(os.path.basename(src)), real(src, dst)))
    assert format_file(messy, check=False).written
    [name] = seen
    assert name.startswith(".q.yaml.") and name.endswith(".qbank-tmp") and is_temp_name(name)


def test_a_temp_file_left_by_a_killed_run_is_removed_by_the_next_fmt(bank, cli, tmp_path):
    import os
    import time

    question = write(bank, "topic/q.yaml", GOOD.format(id="q-1"))
    _killed_while_writing(question)
    [left] = _temps(question.parent)
    assert question.read_text(encoding="utf-8") == GOOD.format(id="q-1")  # the original is intact
    an_hour_ago = time.time() - 3600
    os.utime(question.parent / left, (an_hour_ago, an_hour_ago))
    lookalike = write(bank, "topic/.q.yaml.notes.tmp", "someone else's")
    outside = tmp_path / "elsewhere"
    _killed_while_writing(write(outside, "q.yaml", "id: x\n"))
    for p in outside.iterdir():
        os.utime(p, (an_hour_ago, an_hour_ago))

    assert cli("fmt", "--check", bank).exit_code == 0
    assert _temps(question.parent) == [left]  # --check writes (and deletes) nothing

    _killed_while_writing(question)  # a temp file as new as the run: maybe a live writer's
    assert len(_temps(question.parent)) == 2
    assert cli("fmt", bank).exit_code == 0
    assert left not in _temps(question.parent) and len(_temps(question.parent)) == 1
    assert lookalike.exists() and len(_temps(outside)) == 1


def test_lint_fix_also_removes_the_temp_files_a_killed_run_left_beside_the_files_it_fixes(bank, cli):
    import os
    import time

    question = write(bank, "q.yaml", GOOD.format(id="q-1").replace("trouble sleeping", "trouble  sleeping"))
    _killed_while_writing(question)
    [left] = _temps(bank)
    an_hour_ago = time.time() - 3600
    os.utime(bank / left, (an_hour_ago, an_hour_ago))
    res = cli("lint", "--fix", "--no-cache", bank)
    assert "Fixed 1 problem in 1 file." in res.output
    assert _temps(bank) == []


# --- the fast path: contents found formatted before are only hashed --------------------------

MESSY = "id: q-9\ntags: [a, b]\nstem: What FIRST?\n"


def _mixed(bank):
    tidy = [write(bank, f"tidy{i}.yaml", format_text(GOOD.format(id=f"t{i}"))) for i in range(3)]
    messy = write(bank, "messy.yaml", MESSY)
    broken = write(bank, "broken.yaml", "id: [q\n")
    return tidy, messy, broken


def _no_round_trip(monkeypatch):
    import qbank.fmt as fmt

    def fail(text, path="<text>"):
        raise AssertionError(f"{path} went through the round trip")

    monkeypatch.setattr(fmt, "format_text", fail)


def test_fmt_check_on_a_formatted_bank_only_hashes_the_files_it_found_formatted_before(bank, cli, monkeypatch):
    import json

    _mixed(bank)
    first = cli("fmt", "--check", "--format", "json", bank)
    assert (bank / ".qbank_cache").is_dir()
    for p in ("messy.yaml", "broken.yaml"):
        (bank / p).unlink()
    _no_round_trip(monkeypatch)
    again = cli("fmt", "--check", "--format", "json", bank)
    assert again.exit_code == 0
    assert json.loads(again.output)["files"] == [f for f in json.loads(first.output)["files"] if "tidy" in f["path"]]


def test_the_fast_path_gives_the_same_report_in_the_same_order(bank, cli):
    _mixed(bank)
    cold = cli("fmt", "--check", "--format", "json", "--no-cache", bank).output
    assert not (bank / ".qbank_cache").exists()  # --no-cache writes nothing
    cli("fmt", "--check", bank)
    assert cli("fmt", "--check", "--format", "json", bank).output == cold


def test_the_fast_path_with_worker_processes_keeps_the_order(bank, monkeypatch):
    import qbank.fmt as fmt
    import qbank.pool as pool
    from qbank.fmt_cache import content_digest

    paths = [str(write(bank, f"q{i}.yaml", MESSY if i % 3 else format_text(GOOD.format(id=f"q{i}"))))
             for i in range(9)]
    known = {content_digest((bank / "q0.yaml").read_bytes())}
    monkeypatch.setattr(pool, "PARALLEL_MIN_ITEMS", 2)
    states = [(r.path, r.state) for r in fmt.format_files(paths, True, jobs=2, root=str(bank), known=known)]
    assert states == [(p, "would-reformat" if i % 3 else "unchanged") for i, p in enumerate(paths)]


def test_a_file_edited_after_it_was_found_formatted_is_checked_again(bank, cli):
    tidy, _, _ = _mixed(bank)
    cli("fmt", "--check", bank)
    tidy[0].write_text(tidy[0].read_text(encoding="utf-8") + "tags: [x]\n", encoding="utf-8")
    res = cli("fmt", "--check", bank)
    assert f"Would reformat: {tidy[0]}" in res.output


def test_files_written_by_fmt_are_recorded_once_a_run_finds_them_formatted(bank, cli, monkeypatch):
    _, messy, _ = _mixed(bank)
    assert "1 file reformatted" in cli("fmt", bank).output
    assert "0 files would be reformatted, 4 already formatted" in cli("fmt", "--check", bank).output
    _no_round_trip(monkeypatch)
    assert "0 files would be reformatted, 4 already formatted" in cli("fmt", "--check", bank).output


def _cache_file(bank):
    [path] = (bank / ".qbank_cache").glob("fmt-*.bin")
    return path


def test_a_corrupt_or_forged_cache_is_ignored(bank, cli):
    from qbank.fmt_cache import MAGIC, SIZE, content_digest

    tidy, messy, _ = _mixed(bank)
    cli("fmt", "--check", bank)
    cache = _cache_file(bank)
    blob = cache.read_bytes()
    head = len(MAGIC) + 2 * SIZE
    # the messy file's digest slipped in without a matching checksum: not believed
    cache.write_bytes(blob + content_digest(messy.read_bytes()))
    assert f"Would reformat: {messy}" in cli("fmt", "--check", bank).output
    # one flipped bit in a digest: the checksum no longer matches, the file is checked again
    cache.write_bytes(blob[:head] + bytes([blob[head] ^ 1]) + blob[head + 1:])
    assert "1 file would be reformatted, 3 already formatted" in cli("fmt", "--check", bank).output
    cache.write_bytes(b"not a cache")
    assert "1 file would be reformatted, 3 already formatted" in cli("fmt", "--check", bank).output


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX-only")
def test_a_cache_file_that_is_a_fifo_or_leads_out_of_the_bank_is_not_read(bank, cli, tmp_path):
    import os

    _, messy, _ = _mixed(bank)
    cli("fmt", "--check", bank)
    cache = _cache_file(bank)
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"someone else's file")
    cache.unlink()
    cache.symlink_to(outside)
    assert "1 file would be reformatted, 3 already formatted" in cli("fmt", "--check", bank).output
    assert outside.read_bytes() == b"someone else's file" and not cache.is_symlink()  # the link replaced
    cache.unlink()
    os.mkfifo(cache)
    assert "1 file would be reformatted, 3 already formatted" in cli("fmt", "--check", bank).output


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(bank, cli, tmp_path):
    _mixed(bank)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (bank / ".qbank_cache").symlink_to(elsewhere)
    cli("fmt", "--check", bank)
    assert list(elsewhere.iterdir()) == []


def test_what_another_qbank_version_found_formatted_is_checked_again(bank, cli, monkeypatch):
    import qbank.fmt as fmt
    import qbank.fmt_cache as fmt_cache

    _mixed(bank)
    with monkeypatch.context() as m:
        m.setattr(fmt_cache, "__version__", "0.0.1")
        cli("fmt", "--check", bank)
    seen = []
    real = fmt.format_text
    monkeypatch.setattr(fmt, "format_text", lambda text, path="<text>": (seen.append(path), real(text, path))[1])
    assert "1 file would be reformatted, 3 already formatted" in cli("fmt", "--check", bank).output
    assert len(seen) == 5
