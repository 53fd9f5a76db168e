"""CONTRIBUTING.md's rule recipe, walked in a copy of the package: the three edits it names
(a registry row, the rule module, its test) plus regenerated docs give a working rule that
`qbank rules`, qbank.toml, the docs tests and lint all know, so the recipe cannot rot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECIPE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^   ```python (?P<info>[^\n]*)\n(?P<body>.*?)^   ```$", re.M | re.S)


def _section(title: str) -> str:
    start = RECIPE.index(f"## {title}")
    end = RECIPE.find("\n## ", start + 1)
    return RECIPE[start:end if end > 0 else None]


def _blocks() -> tuple[str, dict[str, str]]:
    row, files = "", {}
    for m in _BLOCK.finditer(_section("Add a lint rule")):
        body = textwrap.dedent(m.group("body"))
        if m.group("info") == "codes-row":
            row = body
        elif m.group("info").startswith("file="):
            files[m.group("info")[len("file="):]] = body
    return row, files


def _insert_row(codes_py: str, row: str) -> str:
    """The registry with ``row`` in code order (as the recipe says to put it)."""
    code = re.search(r'Code\("(QB\d{3})"', row).group(1)
    for m in re.finditer(r'^    Code\("(QB\d{3})"', codes_py, re.M):
        if m.group(1) > code:
            return codes_py[:m.start()] + textwrap.indent(row, "    ") + codes_py[m.start():]
    raise AssertionError("no place for the row")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(cwd / "src"), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_rule_recipe_edits_three_files_and_gives_a_working_rule(tmp_path):
    row, files = _blocks()
    assert row and len(files) == 2, "the recipe shows a registry row, a rule module and a test"
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(REPO / "tests", tmp_path / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    for name in ("pyproject.toml", "README.md", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, tmp_path / name)
    codes_py = tmp_path / "src/qbank/codes.py"
    codes_py.write_text(_insert_row(codes_py.read_text(encoding="utf-8"), row), encoding="utf-8")
    for rel, body in files.items():
        assert not (tmp_path / rel).exists(), f"the recipe's example {rel} already exists"
        (tmp_path / rel).write_text(body, encoding="utf-8")
    edited = {"src/qbank/codes.py", *files}
    assert len(edited) <= 3

    regen = _run(["-m", "qbank.rules.docs", "docs/rules"], tmp_path)
    assert regen.returncode == 0, regen.stderr
    test_file = next(rel for rel in files if rel.startswith("tests/"))
    tests = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", test_file, "tests/test_rule_docs.py",
                  "tests/test_codes.py", "-k", "QB205 or stem_questions or registry or catalog"], tmp_path)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]

    bank = tmp_path / "bank"
    bank.mkdir()
    from qbank.rules.examples import example_item

    (bank / "q.yaml").write_text(example_item(
        "stem: |\n  Is this insomnia? What should the social worker explore FIRST?\n"), encoding="utf-8")
    lint = _run(["-m", "qbank.cli", "lint", "--no-cache", str(bank)], tmp_path)
    assert "QB205 several-questions" in lint.stdout, lint.stdout + lint.stderr
    (bank / "qbank.toml").write_text('[lint.options]\nmax-questoins = 2\n', encoding="utf-8")
    lint = _run(["-m", "qbank.cli", "lint", "--no-cache", str(bank)], tmp_path)
    assert "did you mean `max-questions`" in lint.stdout, lint.stdout + lint.stderr
    (bank / "qbank.toml").write_text('[lint.options]\nmax-questions = 2\n', encoding="utf-8")
    lint = _run(["-m", "qbank.cli", "lint", "--no-cache", str(bank)], tmp_path)
    assert lint.returncode == 0 and "QB205" not in lint.stdout, lint.stdout
    page = _run(["-m", "qbank.cli", "rules", "QB205"], tmp_path)
    assert "max-questions" in page.stdout and "Fix safety" in page.stdout
    assert (tmp_path / "docs/rules/QB205.md").is_file()
