"""Messages and the summary line say what is true (issue 10, point 20)."""

from __future__ import annotations

import json
import tomllib

from conftest import GOOD, REPO, write

from qbank.diagnostics import plural


def lint_json(cli, bank, *args) -> list[dict]:
    return json.loads(cli("lint", "--no-cache", "--format", "json", *args, bank).output)


def test_the_summary_counts_the_files_with_findings_apart_from_the_files_checked(cli, bank):
    for i in range(6):
        write(bank, f"q{i}.yaml", GOOD.format(id=f"q{i}").replace("34-year-old", f"{30 + i}-year-old")
              .replace("new job", f"new job number {i} in a town {i * 7} miles away"))
    write(bank, "q0.yaml", GOOD.format(id="q0").replace("    correct: true\n", "") + "extra: 1\n")  # QB101, QB003
    last = cli("lint", "--no-cache", "--select", "QB0,QB1", bank).output.splitlines()[-1]
    assert last == "Found 2 errors in 1 file (6 files checked)."
    assert cli("lint", "--no-cache", bank / "q1.yaml").output.splitlines()[-1] == "All checks passed (1 file checked)."


def test_counts_are_singular_for_one():
    assert [plural(1, "word"), plural(2, "word"), plural(0, "file"), plural(1, "other question")] == [
        "1 word", "2 words", "0 files", "1 other question"]


def test_a_one_word_explanation_is_one_word(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q").split("explanation:")[0] + "explanation: Routine.\n")
    messages = [d["message"] for d in lint_json(cli, bank) if d["code"] == "QB401"]
    assert messages == ['the explanation ("Routine.") has 0 words besides verdicts, links and the key\'s own words; '
                        "say why the key is right in at least 1 such word"]


def test_the_quoting_hint_quotes_the_number_as_written(cli, bank):
    text = GOOD.format(id="q").replace("  - text: Eligibility for a medication referral", "  - text: 0.50")
    write(bank, "q.yaml", text.replace("explanation:", "topic: 1e3\nexplanation:"))
    messages = [d["message"] for d in lint_json(cli, bank) if d["code"] == "QB003"]
    assert '`options[4].text` must be text, not the number 0.50; put it in quotes, e.g. "0.50"' in messages
    assert '`topic` must be text, not the number 1e3; put it in quotes, e.g. "1e3"' in messages


def test_a_utf16_file_is_called_utf16_not_binary(cli, bank):
    (bank / "bom.yaml").write_bytes(GOOD.format(id="a").encode("utf-16"))
    (bank / "plain.yaml").write_bytes(GOOD.format(id="b").encode("utf-16-le"))
    (bank / "png.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    found = {d["path"].rsplit("/", 1)[-1]: d["message"] for d in lint_json(cli, bank)}
    assert found["bom.yaml"] == found["plain.yaml"] == "file is UTF-16, not UTF-8; save it as UTF-8"
    assert "binary" in found["png.yaml"]


def test_a_missing_image_is_reported_at_its_own_line(cli, bank):
    text = GOOD.format(id="q").replace("  What should the social worker explore FIRST?",
                                       "\n  ![Sleep diary](img/diary.png)\n\n  What should the social worker explore FIRST?")
    path = write(bank, "q.yaml", text)
    (found,) = [d for d in lint_json(cli, bank) if d["code"] == "QB006"]
    line = next(n for n, ln in enumerate(path.read_text().splitlines(), 1) if "![Sleep diary]" in ln)
    assert (found["line"], found["column"]) == (line, len("  ![Sleep diary](") + 1)


def test_yaml_that_is_not_a_question_says_so_and_how_to_exclude_it(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q"))
    write(bank, "mkdocs.yml", "site_name: My docs\nnav:\n  - index.md\n")
    found = [d for d in lint_json(cli, bank) if d["path"].endswith("mkdocs.yml")]
    assert [(d["code"], d["line"]) for d in found] == [("QB003", 1)]
    assert "does not look like a question" in found[0]["message"]
    assert 'exclude = ["mkdocs.yml"]' in found[0]["message"] and "did you mean" not in found[0]["message"]
    write(bank, "qbank.toml", 'exclude = ["mkdocs.yml"]\n')
    assert cli("lint", "--no-cache", bank).exit_code == 0


def test_config_typos_get_a_did_you_mean(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q"))
    write(bank, "qbank.toml", '[lint]\nignroe = ["QB305"]\n[lint.severity]\nQB304 = "warn"\n')
    messages = [d["message"] for d in lint_json(cli, bank)]
    assert any("did you mean `ignore`?" in m for m in messages)
    assert any("did you mean `warning`?" in m for m in messages)


def test_sarif_names_the_project_url_and_every_rule_carries_help(cli, bank):
    from qbank.codes import PROJECT_URL

    write(bank, "q.yaml", GOOD.format(id="q"))
    driver = json.loads(cli("lint", "--no-cache", "--format", "sarif", bank).output)["runs"][0]["tool"]["driver"]
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert driver["informationUri"] == PROJECT_URL == urls["Homepage"]
    assert all(rule["help"]["text"] and rule["helpUri"].startswith(PROJECT_URL) for rule in driver["rules"])
