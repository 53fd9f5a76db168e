"""Starting a bank (issue 10, point 17): `qbank init`, `qbank new` and `qbank schema`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from conftest import REPO, write

from qbank.schema import schema_text


def test_init_scaffolds_a_bank_that_lints_clean_and_is_formatted(cli, tmp_path, monkeypatch):
    result = cli("init", tmp_path / "mybank")
    assert result.exit_code == 0, result.output
    bank = tmp_path / "mybank"
    assert sorted(str(p.relative_to(bank)) for p in bank.rglob("*") if p.is_file()) == [
        ".github/workflows/qbank.yml", ".pre-commit-config.yaml", "example-001.yaml", "qbank.toml",
        "question.schema.json"]
    monkeypatch.chdir(bank)  # the bank is found from its own folder, as the hooks and CI run
    lint = cli("lint", "--no-cache", "--strict")
    assert lint.exit_code == 0 and lint.output == "All checks passed (1 file checked).\n"
    assert cli("fmt", "--check").exit_code == 0
    assert cli("rules", "--format", "json").exit_code == 0


def test_init_writes_a_schema_reference_that_works_outside_this_repository(cli, tmp_path):
    cli("init", tmp_path / "mybank")
    bank = tmp_path / "mybank"
    first = (bank / "example-001.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=question.schema.json"
    assert (bank / "question.schema.json").read_text() == schema_text()


def test_init_writes_hooks_and_a_workflow_that_run_the_checks(cli, tmp_path):
    cli("init", tmp_path / "mybank")
    hooks = yaml.safe_load((tmp_path / "mybank" / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for h in hooks["repos"][0]["hooks"]] == ["qbank-lint", "qbank-fmt"]
    workflow = yaml.safe_load((tmp_path / "mybank" / ".github" / "workflows" / "qbank.yml").read_text())
    runs = [step.get("run") for step in workflow["jobs"]["lint"]["steps"]]
    assert "qbank lint --format github" in runs and "qbank fmt --check" in runs


def test_init_inside_a_repository_points_hooks_and_workflow_at_the_bank(cli, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = cli("init", tmp_path / "courses" / "bank1")
    assert result.exit_code == 0 and "move .pre-commit-config.yaml and .github/ there" in result.output
    hooks = yaml.safe_load((tmp_path / "courses" / "bank1" / ".pre-commit-config.yaml").read_text())
    assert all(h["args"] == ["courses/bank1"] for h in hooks["repos"][0]["hooks"])


def test_init_refuses_to_overwrite_anything(cli, tmp_path):
    write(tmp_path / "mybank", "qbank.toml", 'name = "Mine"\n')
    result = cli("init", tmp_path / "mybank")
    assert result.exit_code == 2 and "refusing to overwrite" in result.output and "nothing was written" in result.output
    assert [p.name for p in (tmp_path / "mybank").iterdir()] == ["qbank.toml"]
    assert (tmp_path / "mybank" / "qbank.toml").read_text() == 'name = "Mine"\n'


def test_new_writes_a_template_in_fmt_layout_whose_placeholders_lint_reports(cli, tmp_path, monkeypatch):
    cli("init", tmp_path / "mybank")
    (tmp_path / "mybank" / "ethics").mkdir()
    monkeypatch.chdir(tmp_path / "mybank" / "ethics")
    result = cli("new", "ethics-012", "--topic", "Ethics: dual roles")
    assert result.exit_code == 0, result.output
    text = Path("ethics-012.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../question.schema.json\nid: ethics-012\n")
    assert "topic: 'Ethics: dual roles'\n" in text
    assert cli("fmt", "--check", "ethics-012.yaml").exit_code == 0
    found = json.loads(cli("lint", "--no-cache", "--format", "json", "ethics-012.yaml").output)
    lines = text.splitlines()
    placeholders = [n for n, line in enumerate(lines, 1) if line.endswith("''")]
    # every placeholder and nothing else; a missing rationale is reported at its option's `- text:`
    expected = [(n - 1, "QB105") if "rationale:" in lines[n - 1] else (n, "QB105" if "explanation" in lines[n - 1]
                                                                        else "QB003") for n in placeholders]
    assert sorted((d["line"], d["code"]) for d in found) == sorted(expected)
    assert [d["message"] for d in found if d["line"] == placeholders[0]] == ["`stem` is empty; write it"]


def test_a_filled_in_template_lints_clean_and_stays_formatted(cli, tmp_path, monkeypatch):
    from qbank.rules.examples import BASE_ITEM

    cli("init", tmp_path / "mybank")
    monkeypatch.chdir(tmp_path / "mybank")
    cli("new", "practice-sleep-001")
    path = Path("practice-sleep-001.yaml")
    base = yaml.safe_load(BASE_ITEM)
    options = sorted(base["options"], key=lambda o: not o.get("correct"))  # the template has the key first
    texts = iter([base["stem"].rstrip("\n"), options[0]["text"],
                  *[x for o in options[1:] for x in (o["text"], o["rationale"])], base["explanation"].rstrip("\n")])
    filled = "".join(line.replace("''", json.dumps(next(texts))) if line.endswith("''\n") else line
                     for line in path.read_text().splitlines(keepends=True))
    path.write_text(filled)
    assert cli("fmt", path).exit_code == 0
    assert cli("lint", "--no-cache", "--strict", path).exit_code == 0, cli("lint", "--no-cache", path).output


def test_new_takes_the_option_count_from_the_bank_and_never_overwrites(cli, bank):
    write(bank, "qbank.toml", "[lint.options]\nmin-options = 5\nmax-options = 5\n")
    assert cli("new", "q1", "--dir", bank).exit_code == 0
    assert (bank / "q1.yaml").read_text().count("  - text:") == 5
    again = cli("new", "q1", "--dir", bank)
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    assert cli("new", "Not_An_Id", "--dir", bank).exit_code == 2


def test_new_goes_into_the_default_bank_from_the_repository_root(cli, bank, monkeypatch):
    monkeypatch.chdir(bank.parent)
    assert cli("new", "q2").exit_code == 0
    text = (bank / "q2.yaml").read_text()
    assert not text.startswith("# yaml-language-server")  # the bank has no copy of the schema to point at


def test_schema_prints_or_writes_the_question_schema(cli, tmp_path):
    printed = cli("schema")
    assert printed.exit_code == 0 and printed.output == (REPO / "schema" / "question.schema.json").read_text()
    out = tmp_path / "question.schema.json"
    assert cli("schema", "--out", out).exit_code == 0
    assert json.loads(out.read_text())["title"] == "qbank question"
    assert cli("schema", "--out", tmp_path / "missing" / "x.json").exit_code == 2
