"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself in a scratch git
repository. The hooks are declared as `repo: local` hooks with our manifest's own settings
(always_run, pass_filenames, files) and the installed console script as the entry, so
pre-commit decides when they run and what they are given exactly as it would for a bank."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import GOOD, REPO, write

pytest.importorskip("pre_commit", reason="pre-commit is a test extra: pip install -e '.[test]'")

BIN = Path(sys.executable).parent
QBANK = shutil.which("qbank", path=str(BIN))
HOOK_SETTINGS = ("always_run", "pass_filenames", "files", "exclude", "types", "types_or", "stages")
WITH_IMAGE = GOOD.replace("  A 34-year-old client", "  ![sleep diary](img/diary.png)\n\n  A 34-year-old client")


def manifest() -> list[dict]:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def local_config(args: list[str] | None = None) -> str:
    """A .pre-commit-config.yaml running our hooks, with their manifest settings, from this venv."""
    hooks = []
    for hook in manifest():
        command, *rest = hook["entry"].split()
        assert command == "qbank"
        local = {"id": hook["id"], "name": hook["name"], "language": "system",
                 "entry": " ".join([QBANK, *rest]),
                 **{k: hook[k] for k in HOOK_SETTINGS if k in hook}}
        if args:
            local["args"] = args
        hooks.append(local)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def pre_commit(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`pre-commit run` on what is staged, as `git commit` would run it."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PYTHONPATH": "",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "pre-commit"), "run", "--color", "never"], cwd=repo, capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "writer@example.org")
    git(repo, "config", "user.name", "Writer")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def commit_bank(repo: Path, folder: str, args: list[str] | None = None) -> None:
    write(repo / folder, "q1.yaml", WITH_IMAGE.format(id="q1"))
    (repo / folder / "img").mkdir()
    (repo / folder / "img" / "diary.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (repo / ".pre-commit-config.yaml").write_text(local_config(args))
    (repo / "README.md").write_text("A bank.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bank", "--no-verify")


def test_the_manifest_runs_lint_on_every_commit_over_the_whole_bank():
    hooks = {h["id"]: h for h in manifest()}
    assert hooks["qbank-lint"]["always_run"] is True and hooks["qbank-lint"]["pass_filenames"] is False
    assert hooks["qbank-fmt"]["pass_filenames"] is False


def test_deleting_an_image_a_question_shows_fails_the_commit(repo, tmp_path):
    commit_bank(repo, "bank")
    git(repo, "rm", "-q", "bank/img/diary.png")  # the only change: no YAML is staged
    proc = pre_commit(repo, tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "qbank lint" in proc.stdout and "Failed" in proc.stdout
    assert "QB006" in proc.stdout and "img/diary.png" in proc.stdout


def stage_readme_edit(repo: Path) -> None:
    """A commit that touches no file of the bank."""
    (repo / "README.md").write_text("A bank of questions.\n")
    git(repo, "add", "README.md")


def test_a_change_outside_the_bank_still_checks_it_and_passes_when_clean(repo, tmp_path):
    commit_bank(repo, "bank")
    stage_readme_edit(repo)
    proc = pre_commit(repo, tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "qbank lint" in proc.stdout and "Passed" in proc.stdout


def test_a_bank_not_named_bank_fails_with_exit_2_and_says_how_to_name_it(repo, tmp_path):
    commit_bank(repo, "questions")
    stage_readme_edit(repo)
    proc = pre_commit(repo, tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "exit code: 2" in proc.stdout
    assert "args: [path/to/bank]" in proc.stdout


def test_args_point_the_hooks_at_a_bank_folder_of_any_name(repo, tmp_path):
    commit_bank(repo, "questions", args=["questions"])
    git(repo, "rm", "-q", "questions/img/diary.png")
    proc = pre_commit(repo, tmp_path)
    assert proc.returncode == 1 and "QB006" in proc.stdout, proc.stdout
    git(repo, "reset", "-q", "--hard")
    stage_readme_edit(repo)
    assert pre_commit(repo, tmp_path).returncode == 0


def test_the_config_qbank_init_writes_names_the_manifest_hooks(tmp_path, cli):
    assert cli("init", tmp_path / "mybank").exit_code == 0
    config = yaml.safe_load((tmp_path / "mybank" / ".pre-commit-config.yaml").read_text())
    (entry,) = config["repos"]
    from qbank import __version__
    from qbank.codes import PROJECT_URL

    assert entry["repo"] == PROJECT_URL and entry["rev"] == f"v{__version__}"
    assert [h["id"] for h in entry["hooks"]] == [h["id"] for h in manifest()]
