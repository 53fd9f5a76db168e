"""`qbank export` from the command line: formats, defaults, refusals, output paths, progress."""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOOD, REPO, write
from qbank.cli import main
from test_export_common import TRICKY, copy_bank, load

ALL_FILES = ["tricky-bank.apkg", "tricky-bank.csv", "tricky-bank.anki.txt", "tricky-bank.qti12.zip",
             "tricky-bank.qti21.zip", "tricky-bank.moodle.xml", "tricky-bank.gift.txt", "tricky-bank.aiken.txt"]
RUN_EXPORT = "import sys; from qbank.cli import main; main(['export', *sys.argv[1:]])"


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A copy of the tricky bank in an empty working folder."""
    bank = copy_bank(TRICKY, tmp_path)
    monkeypatch.chdir(tmp_path)
    return bank


def run(*args):
    return CliRunner().invoke(main, ["export", *(str(a) for a in args)], catch_exceptions=False)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_all_formats_go_to_exports_in_the_bank_root_named_after_the_bank(work):
    result = run(work.name, "--all")
    assert result.exit_code == 0, result.output
    out = Path(work.name, "exports")
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    assert result.stdout.splitlines() == [str(out / name) for name in ALL_FILES]
    assert leftovers(out) == []


def test_the_default_exports_folder_does_not_depend_on_the_working_folder(work, monkeypatch):
    monkeypatch.chdir(work / "algebra")
    result = run("--csv")  # the bank root (qbank.toml) above the working folder
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(Path("..", "exports", "tricky-bank.csv"))]
    assert not Path("exports").exists() and (work / "exports" / "tricky-bank.csv").is_file()


@pytest.mark.parametrize("args, files", [
    (["--anki"], ["tricky-bank.apkg"]),
    (["--csv"], ["tricky-bank.csv"]),
    (["--csv", "plain"], ["tricky-bank.csv"]),
    (["--csv", "anki"], ["tricky-bank.anki.txt"]),
    (["--csv", "--csv", "anki"], ["tricky-bank.csv", "tricky-bank.anki.txt"]),
    (["--qti12", "--qti21"], ["tricky-bank.qti12.zip", "tricky-bank.qti21.zip"]),
    (["--to", "qti21", "--to", "anki-csv"], ["tricky-bank.qti21.zip", "tricky-bank.anki.txt"]),
    (["--moodle", "--gift", "--aiken"], ["tricky-bank.moodle.xml", "tricky-bank.gift.txt", "tricky-bank.aiken.txt"]),
    (["--to", "moodle"], ["tricky-bank.moodle.xml"]),
])
def test_each_format_flag_writes_its_file(work, args, files):
    result = run(work.name, *args, "--out", "somewhere/else")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("somewhere/else").iterdir()) == sorted(files)


def test_what_a_format_cannot_carry_is_a_located_warning_and_the_export_succeeds(work):
    result = run(work.name, "--gift", "--moodle", "--out", "o")
    assert result.exit_code == 0, result.output
    assert re.search(r"chart-a\.yaml:2:1: QB011 export-lossy: GIFT cannot carry images", result.stderr)
    assert "Moodle" not in result.stderr.split("QB011", 1)[0]   # the Moodle XML carries them: no finding
    assert sorted(p.name for p in Path("o").iterdir()) == ["tricky-bank.gift.txt", "tricky-bank.moodle.xml"]


def test_retired_questions_are_left_out_unless_included(work):
    path = work / "languages" / "whitespace.yaml"
    path.write_text(path.read_text("utf-8") + "status: retired\n", "utf-8")
    result = run(work.name, "--csv", "--out", "o")
    assert result.exit_code == 0, result.output
    ids = [row[0] for row in csv.reader(Path("o/tricky-bank.csv").read_text("utf-8-sig").splitlines()[1:])]
    retired = load(work).questions
    gone = next(q.id for q in retired if q.status == "retired")
    assert gone not in ids and ids
    result = run(work.name, "--csv", "--out", "o", "--include-retired")
    ids = [row[0] for row in csv.reader(Path("o/tricky-bank.csv").read_text("utf-8-sig").splitlines()[1:])]
    assert result.exit_code == 0 and gone in ids
    result = run(work.name, "--csv", "--id", gone, "--out", "p")
    assert result.exit_code == 1 and "1 retired question left out; --include-retired takes them" in result.stderr


def test_csv_before_the_bank_path_takes_the_path_as_a_path(work):
    result = run("--csv", work.name, "--out", "o")
    assert result.exit_code == 0, result.output
    assert [p.name for p in Path("o").iterdir()] == ["tricky-bank.csv"]
    result = run(work.name, "--csv", "plian")
    assert result.exit_code == 2 and "'plian' is not one of 'plain', 'anki'" in result.output


def test_a_format_name_the_registry_lacks_is_a_usage_error_listing_the_formats(work):
    result = run(work.name, "--to", "pdf")
    assert result.exit_code == 2 and "unknown export format pdf; choose from anki, csv" in result.output


def test_no_format_is_a_usage_error(work):
    result = run(work.name)
    assert result.exit_code == 2 and "choose at least one format" in result.output
    assert not Path("exports").exists()


def test_a_bank_with_errors_is_refused_with_its_diagnostics_and_nothing_is_written(work):
    write(work, "broken.yaml", "id: broken\nstem: What?\noptions:\n  - text: A\n  - text: B\nexplanation: x\n")
    result = run(work.name, "--all")
    assert result.exit_code == 1
    assert "broken.yaml:3:" in result.stderr and "QB101" in result.stderr
    assert "nothing was written" in result.stderr
    assert not Path("exports").exists() or list(Path("exports").iterdir()) == []


def ids_in(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row[0] for row in list(csv.reader(fh))[1:]]


def test_tag_topic_and_name_select_and_rename(work):
    result = run(work.name, "--csv", "--tag", "images", "--name", "Chart Drill")
    assert result.exit_code == 0, result.output
    assert ids_in(work / "exports/chart-drill.csv") == ["tricky-chart-a", "tricky-chart-b"]
    result = run(work.name, "--csv", "--topic", "spreadsheets & code", "--out", "t")
    assert result.exit_code == 0
    assert sorted(ids_in(Path("t/tricky-bank.csv"))) == ["0-leading-digit", "tricky-code-001"]


def test_a_selection_that_matches_nothing_writes_nothing(work):
    result = run(work.name, "--all", "--tag", "images", "--difficulty", "hard")
    assert result.exit_code == 1 and "no question matches --tag images --difficulty hard" in result.stderr
    assert not (work / "exports").exists()


def test_a_tag_topic_or_id_nobody_uses_is_refused_with_what_exists(work):
    result = run(work.name, "--all", "--tag", "image")
    assert result.exit_code == 1
    assert "no question has tag 'image'; did you mean 'images'? (tags in this bank: " in result.stderr
    result = run(work.name, "--all", "--topic", "Charts", "--topic", "chart")
    assert result.exit_code == 1
    assert "no question has topic 'chart'; did you mean 'Charts'? (topics in this bank: Charts, " in result.stderr
    result = run(work.name, "--all", "--id", "tricky-chart-a", "--id", "tricky-rtl-01")
    assert result.exit_code == 1 and "no question has id 'tricky-rtl-01'; did you mean 'tricky-rtl-001'?" in result.stderr
    assert not (work / "exports").exists()


def test_exclude_tag_difficulty_and_id_select(work):
    assert run(work.name, "--csv", "--out", "a", "--exclude-tag", "images").exit_code == 0
    everything = [q.id for q in load(work).questions]
    assert ids_in(Path("a/tricky-bank.csv")) == [i for i in everything if i not in ("tricky-chart-a", "tricky-chart-b")]
    assert run(work.name, "--csv", "--out", "b", "--difficulty", "easy", "--difficulty", "hard").exit_code == 0
    assert ids_in(Path("b/tricky-bank.csv")) == [q.id for q in load(work).questions if q.difficulty in ("easy", "hard")]
    assert run(work.name, "--csv", "--out", "c", "--id", "tricky-rtl-001", "--id", "0-leading-digit").exit_code == 0
    assert ids_in(Path("c/tricky-bank.csv")) == [i for i in everything if i in ("tricky-rtl-001", "0-leading-digit")]


def test_a_sample_is_the_same_for_the_same_seed_and_another_for_another(bank, tmp_path, monkeypatch):
    _big_bank(bank, 60)
    monkeypatch.chdir(tmp_path)
    samples = {}
    for seed in (1, 1, 2):
        out = f"s{seed}-{len(samples)}"
        result = run(bank, "--csv", "--sample", 10, "--seed", seed, "--out", out)
        assert result.exit_code == 0, result.output
        samples.setdefault(seed, []).append(ids_in(Path(out, "bank.csv")))
    (one, again), (two,) = samples[1], samples[2]
    assert len(one) == 10 and one == again and one != two
    assert one == sorted(one), "a sample keeps bank order"
    write(bank, "zzz.yaml", GOOD.format(id="zzz"))  # one more question changes a sample by at most one
    assert run(bank, "--csv", "--sample", 10, "--seed", 1, "--out", "later").exit_code == 0
    assert len(set(ids_in(Path("later/bank.csv"))) - set(one)) <= 1
    result = run(bank, "--csv", "--seed", 3)
    assert result.exit_code == 2 and "give --sample N too" in result.output


def test_errors_outside_the_selection_are_warnings_that_do_not_block(work):
    write(work, "broken.yaml", "id: broken\nstem: What?\noptions:\n  - text: A\n  - text: B\nexplanation: x\n")
    result = run(work.name, "--csv", "--tag", "images")
    assert result.exit_code == 0, result.output
    assert "broken.yaml:3:" in result.stderr and "[warning]" in result.stderr
    assert ("3 errors in files this export leaves out (--tag images) shown as warnings; they do not block it"
            in result.stderr)
    assert ids_in(work / "exports/tricky-bank.csv") == ["tricky-chart-a", "tricky-chart-b"]
    result = run(work.name, "--csv")  # the whole bank: every error blocks
    assert result.exit_code == 1 and "the bank has errors" in result.stderr


def test_an_error_in_a_selected_question_blocks_the_export(work):
    chart = (work / "algebra" / "chart-a.yaml").read_text(encoding="utf-8")
    write(work, "algebra/copy.yaml", chart.replace("tags: [", "tags: [copy, "))  # one id twice: QB005 in both
    result = run(work.name, "--csv", "--tag", "copy")
    assert result.exit_code == 1 and "QB005" in result.stderr
    assert "the questions to export have errors" in result.stderr and not (work / "exports").exists()


def test_a_file_where_the_output_folder_should_be_is_exit_2(work):
    out = work / "exports"
    out.write_text("not a folder")
    result = run(work.name, "--all")
    assert result.exit_code == 2 and "exports: is a file, not a folder" in result.stderr
    assert out.read_text() == "not a folder"
    result = run(work.name, "--all", "--out", out / "sub")
    assert result.exit_code == 2 and "a file stands where a folder is needed" in result.stderr
    assert sorted(p.name for p in Path(".").iterdir()) == [work.name]


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody can write to, root included (an immutable folder when run as root)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    if os.geteuid() == 0:
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("running as root without chattr: no folder is read-only for root here")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(stat.S_IRWXU)


def test_a_read_only_output_folder_is_exit_2_and_leaves_nothing(work, read_only):
    result = run(work.name, "--all", "--out", read_only)
    assert result.exit_code == 2
    assert f"{read_only}: cannot write files in this folder" in result.stderr
    assert list(read_only.iterdir()) == []


def test_a_folder_where_an_export_file_goes_is_exit_2_and_writes_nothing(work):
    out = work / "exports"
    (out / "tricky-bank.qti21.zip").mkdir(parents=True)
    result = run(work.name, "--all")
    assert result.exit_code == 2 and "tricky-bank.qti21.zip" in result.stderr
    assert [p.name for p in out.iterdir()] == ["tricky-bank.qti21.zip"]  # no other file, no temp file


def _big_bank(folder: Path, count: int) -> Path:
    for i in range(count):
        write(folder, f"q{i:05d}.yaml", GOOD.format(id=f"q{i:05d}"))
    return folder


def test_an_interrupted_export_never_leaves_a_truncated_file(tmp_path):
    bank = _big_bank(tmp_path / "big", 1500)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    first = subprocess.run([sys.executable, "-c", RUN_EXPORT, str(bank), "--all", "--out", str(out)],
                           capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    complete = {p.name: p.read_bytes() for p in out.iterdir()}
    # Whenever the interrupt lands (loading, rendering, building, writing), every file is
    # either the previous export or the new one, whole, and no temp file is left.
    for delay in (0.2, 0.5, 0.7, 0.85, 1.0, 1.2):
        proc = subprocess.Popen([sys.executable, "-c", RUN_EXPORT, str(bank), "--all", "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=300)
        assert leftovers(out) == []
        assert sorted(p.name for p in out.iterdir()) == sorted(complete)
        for name, data in complete.items():
            if name.endswith(".apkg"):  # modification times may differ; the zip must be whole
                assert zipfile.ZipFile(out / name).testzip() is None
            else:  # same bank, same bytes
                assert (out / name).read_bytes() == data


def readme_export_commands() -> list[str]:
    section = (REPO / "README.md").read_text("utf-8").split("\n## Exports\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.startswith("qbank export")]


@pytest.mark.parametrize("command", readme_export_commands())
def test_every_export_example_in_the_readme_runs_on_the_bundled_bank(command, tmp_path, monkeypatch):
    shutil.copytree(REPO / "bank", tmp_path / "bank", ignore=shutil.ignore_patterns("exports", ".qbank_cache"))
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[2:]
    result = CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.splitlines()]
    assert written and all(p.is_file() and p.stat().st_size > 0 for p in written)
    expected = Path(args[args.index("--out") + 1]) if "--out" in args else Path("exports")  # the bundled bank: [export] out = "../exports"
    assert {p.parent for p in written} == {expected}
