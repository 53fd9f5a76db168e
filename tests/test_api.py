"""The Python API: the commands as functions that return results and raise typed errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import qbank
from conftest import GOOD, REPO, write


def readme_example() -> str:
    section = (REPO / "README.md").read_text("utf-8").split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    shutil.copytree(REPO / "bank", tmp_path / "bank")
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_example(), "README.md", "exec"), {})
    out = capsys.readouterr().out
    files = len(list((tmp_path / "bank").rglob("*.yaml")))
    assert f"{files} files checked; passed" in out
    assert "would reformat: [" in out
    written = [tmp_path / "exports" / f"lcsw-clinical-practice.{ext}" for ext in ("apkg", "csv")]
    assert f"wrote {written[0]} {written[1]}\n" in out and all(p.is_file() for p in written)
    assert not (tmp_path / "bank" / "exports").exists()  # the bundled bank exports to ../exports


def test_lint_gives_what_the_command_reports(bank, cli):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    write(bank, "bad.yaml", GOOD.format(id="q2").replace("    correct: true\n", ""))
    result = qbank.lint([bank], cache=False)
    assert result.files == 2 and result.failed()
    command = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    assert [d.to_dict() for d in result.diagnostics] == command
    only_files = qbank.lint([bank], rules=False)
    assert {d.code for d in only_files.diagnostics} == {"QB101"}
    assert qbank.lint([bank], select="QB101", cache=False).diagnostics == only_files.diagnostics


def test_one_path_may_be_given_alone_not_only_in_a_list(bank, tmp_path):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    write(bank, "bad.yaml", GOOD.format(id="q2").replace("    correct: true\n", ""))
    assert qbank.lint(str(bank)).diagnostics == qbank.lint([bank]).diagnostics
    assert qbank.lint(bank).files == qbank.lint([str(bank)]).files > 1
    assert qbank.load_bank(str(bank)).questions == qbank.load_bank([bank]).questions


def test_lint_fix_says_what_it_fixed(bank):
    path = write(bank, "q.yaml", GOOD.format(id="q1").replace("What should the social worker explore FIRST?",
                                                              "What should the social worker explore first?"))
    result = qbank.lint([bank], fix=True, cache=False)
    assert (result.fixed, result.fixed_files) == (1, 1)
    assert "explore FIRST?" in path.read_text(encoding="utf-8")
    assert not any(d.code == "QB204" for d in result.diagnostics)


def test_a_dry_run_fix_says_what_it_would_change_and_writes_nothing(bank):
    text = GOOD.format(id="q1").replace("explore FIRST?", "explore first?")
    path = write(bank, "q.yaml", text)
    result = qbank.lint([bank], fix=True, dry_run=True, cache=False)
    assert path.read_text(encoding="utf-8") == text
    assert (result.fixed, result.fixed_files, result.fixes) == (1, 1, {(str(path), "QB204"): 1})
    (change,) = result.changes
    assert change.before == text and change.after == text.replace("explore first?", "explore FIRST?")


def test_lint_source_checks_one_question_as_if_it_were_the_named_file(bank):
    write(bank, "qbank.toml", '[lint]\nignore = ["QB2"]\n')
    text = GOOD.format(id="q1").replace("explore FIRST?", "explore first?")
    assert qbank.lint_source(text, str(bank / "q.yaml")).diagnostics == []  # the bank's config applies
    found = qbank.lint_source(text, "elsewhere/q.yaml").diagnostics
    assert [(d.path, d.code) for d in found] == [("elsewhere/q.yaml", "QB204")]


def test_reformat_reports_each_file_as_it_goes(bank):
    messy = write(bank, "messy.yaml", "stem: What?\nid: q-1\n")
    seen = []
    run = qbank.reformat([bank], check=True, on_file=lambda r: seen.append((r.path, r.state)))
    assert seen == [(str(messy), "would-reformat")] and run.changed == [str(messy)] and run.failed
    assert messy.read_text(encoding="utf-8") == "stem: What?\nid: q-1\n"
    run = qbank.reformat([bank])
    assert run.changed == [str(messy)] and not run.failed
    assert messy.read_text(encoding="utf-8") == "id: q-1\nstem: What?\n"


def test_export_refuses_a_bank_with_errors_and_writes_nothing(bank, tmp_path):
    write(bank, "bad.yaml", GOOD.format(id="q2").replace("    correct: true\n", ""))
    with pytest.raises(qbank.BankHasErrors) as refused:
        qbank.export_bank([bank], "csv", out=tmp_path / "out")
    assert [d.code for d in refused.value.diagnostics] == ["QB101"]
    assert not (tmp_path / "out").exists()


def test_export_with_a_filter_that_matches_nothing(bank, tmp_path):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    with pytest.raises(qbank.NothingSelected, match=r"no question has tag 'nope' \(no question in the bank has a tag\)"):
        qbank.export_bank([bank], ["qti21"], out=tmp_path / "out", tags=["nope"])
    with pytest.raises(qbank.NothingSelected, match="no question matches --exclude-tag x --id x1"):
        write(bank, "x.yaml", GOOD.format(id="x1") + "tags: [x]\n")
        qbank.export_bank([bank], ["qti21"], out=tmp_path / "out", ids=["x1"], exclude_tags=["x"])
    exported = qbank.export_bank([bank], ["qti21", "csv"], out=tmp_path / "out")
    assert exported.paths == [tmp_path / "out" / "bank.qti21.zip", tmp_path / "out" / "bank.csv"]
    assert (exported.files, exported.questions, exported.diagnostics) == (2, 2, [])


def test_export_reports_what_a_format_cannot_carry_and_leaves_retired_questions_out(bank, tmp_path):
    write(bank, "q.yaml", GOOD.format(id="q1") + "shuffle: false\n")
    write(bank, "old.yaml", GOOD.format(id="old") + "status: retired\n")
    exported = qbank.export_bank([bank], ["aiken"], out=tmp_path / "out")
    assert exported.questions == 1 and exported.paths[0].read_text("utf-8").count("ANSWER:") == 1
    assert [(d.code, Path(d.path).name) for d in exported.diagnostics] == [("QB011", "q.yaml")]
    exported = qbank.export_bank([bank], ["aiken"], out=tmp_path / "out", include_retired=True)
    assert exported.questions == 2 and exported.paths[0].read_text("utf-8").count("ANSWER:") == 2


def test_export_goes_to_exports_in_the_bank_root_by_default(bank, tmp_path, monkeypatch):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    exported = qbank.export_bank([bank], "csv")
    assert exported.paths == [bank / "exports" / "bank.csv"]
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("call, message", [
    (lambda p: qbank.lint([p / "missing"]), "no such file or folder"),
    (lambda p: qbank.lint([p], select=["QB3", "E501"]), "E501: use rule codes"),
    (lambda p: qbank.reformat([p / "missing"]), "no such file or folder"),
    (lambda p: qbank.export_bank([p], ["pdf"]), "unknown export format pdf"),
    (lambda p: qbank.export_bank([p], []), "no export format chosen"),
])
def test_usage_errors_are_typed_not_exits(bank, call, message):
    with pytest.raises(qbank.UsageError, match=message):
        call(bank)


def test_no_bank_here_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(qbank.UsageError, match="no bank/ folder here"):
        qbank.lint()


def test_the_api_names_survive_importing_the_modules_that_do_the_work():
    """A submodule, once imported, becomes an attribute of its package: no API name may be one."""
    import qbank.export  # noqa: F401
    import qbank.fmt  # noqa: F401

    package = Path(qbank.__file__).parent
    for name in qbank.__all__:
        assert not (package / f"{name}.py").exists() and not (package / name).is_dir(), name
    assert callable(qbank.reformat) and callable(qbank.export_bank) and callable(qbank.lint)


def test_import_qbank_imports_nothing_else():
    code = "import qbank, sys; print(sorted(m for m in sys.modules if m.startswith('qbank')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['qbank']"
