"""Exit codes, defaults and the installed command used from anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import GOOD, REPO, write


def test_exit_codes(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    assert cli("validate", bank).exit_code == 0
    assert cli("validate", bank, "--format", "xml").exit_code == 2
    assert cli("validate", bank / "missing").exit_code == 2
    write(bank, "bad.yaml", "id: [\n")
    assert cli("validate", bank).exit_code == 1


def test_default_path_is_bank_folder(cli, bank, monkeypatch):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    monkeypatch.chdir(bank.parent)
    result = cli("validate")
    assert result.exit_code == 0 and "1 file checked" in result.output


def test_no_bank_here_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("validate").exit_code == 2


def test_installed_command_works_from_another_folder(tmp_path):
    """The console script finds its schema inside the installed package, not in the repo."""
    exe = shutil.which("qbank", path=str(Path(sys.executable).parent)) or shutil.which("qbank")
    assert exe, "the qbank console script is not installed"
    write(tmp_path / "mybank", "q.yaml", GOOD.format(id="q1"))
    proc = subprocess.run([exe, "validate", "mybank"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed" in proc.stdout


def test_the_console_script_exits_fast_but_finishes_its_work(tmp_path, cli, monkeypatch):
    """`qbank` skips tearing down the interpreter: output, exit codes and written files
    must be exactly those of a normal exit."""
    exe = shutil.which("qbank", path=str(Path(sys.executable).parent)) or shutil.which("qbank")
    assert exe, "the qbank console script is not installed"
    bank = tmp_path / "mybank"
    write(bank, "q.yaml", GOOD.format(id="q1"))
    write(bank, "bad.yaml", GOOD.format(id="q2").replace("    correct: true\n", ""))
    env = {**os.environ, "PYTHONPATH": ""}
    proc = subprocess.run([exe, "lint", "mybank", "--format", "json", "--no-cache"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    monkeypatch.chdir(tmp_path)
    assert proc.returncode == 1 and proc.stdout == cli("lint", "mybank", "--format", "json", "--no-cache").output
    (bank / "bad.yaml").unlink()
    for out, run in ((tmp_path / "script", lambda *a: subprocess.run([exe, *map(str, a)], env=env)),
                     (tmp_path / "inproc", cli)):
        run("export", "--anki", "--out", out, bank)
        run("export", "--qti21", "--out", out, bank)
    # QTI is byte-deterministic; an .apkg carries the export time, so check it is whole.
    assert (tmp_path / "script" / "mybank.qti21.zip").read_bytes() == (tmp_path / "inproc" / "mybank.qti21.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "script" / "mybank.apkg") as apkg:
        assert apkg.testzip() is None and "collection.anki2" in apkg.namelist()


def test_bundled_schema_is_the_repository_schema():
    from qbank.schema import schema_text

    assert schema_text() == (REPO / "schema" / "question.schema.json").read_text("utf-8"), \
        "the package's copy is stale: run `python -m qbank.schema --sync`"


def test_bundled_bank_validates(cli):
    result = cli("validate", REPO / "bank")
    assert result.exit_code == 0, result.output


def test_lint_starts_without_the_export_and_rewrite_libraries(bank):
    """Commands are imported when run: `qbank lint` (cold or warm) never loads genanki, lxml,
    ruamel.yaml or the fmt and export modules."""
    write(bank, "q.yaml", GOOD.format(id="q1"))
    code = ("import sys\nfrom qbank.cli import main\ntry:\n    main(['lint', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "heavy = ('genanki', 'lxml', 'ruamel.yaml', 'markdown_it', 'qbank.fmt', 'qbank.export')\n"
            "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)")
    for run in ("cold", "warm"):
        proc = subprocess.run([sys.executable, "-c", code, str(bank)], capture_output=True, text=True)
        assert proc.stderr.strip() == "[]", (run, proc.stderr)


def test_a_misspelt_command_gets_a_suggestion(cli):
    import click

    if not hasattr(click.exceptions, "NoSuchCommand"):
        pytest.skip("click < 8.2 does not suggest command names")
    for typo, meant in (("lnt", "lint"), ("fnt", "fmt"), ("exprt", "export")):
        result = cli(typo)
        assert result.exit_code == 2 and f"Did you mean '{meant}'?" in result.output
