"""Time qbank against its peers on one generated bank, in one run.

    python benchmarks/run.py [--count 10000] [--reps 3] [--big 100000] [--skip-peers] [--jobs N]
                             [--stats 10000] [--only-stats]

Generates (or reuses) a bank under benchmarks/_work/, then times each command as a
fresh subprocess (wall clock; median of --reps runs): qbank validate, qbank lint cold
(.qbank_cache/ deleted first), qbank lint warm (cache filled, then one file edited:
a comment appended, or a word added to its stem),
qbank fmt --check on a formatted copy of the bank (cold, and warm: files found formatted
before are only hashed), qbank export per format, qbank site (lint cache cold and warm,
new folder and rebuild), check-jsonschema with
schema/question.schema.json on the same
files, yamllint -d relaxed, and the bare genanki script (genanki_baseline.py). Prints a
table, the ratios against the targets, and writes benchmarks/_work/results.json.
With --big N it also lints an N-question bank cold to check per-question scaling and
peak memory. The item-analysis rows (stats_bench.py; --stats CANDIDATES, --only-stats for
them alone) time statistics of 10,000 candidates x 122 items against the same figures from
scipy item by item, and the whole `qbank stats import` of them. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"
SCHEMA = REPO / "schema" / "question.schema.json"
BIN = Path(sys.executable).parent  # every tool comes from the same environment as this Python
OK_CODES = (0, 1)                  # 1 = findings; anything else is a crash
EXPORT_FORMATS = ("anki", "csv", "qti12", "qti21", "moodle")  # moodle: the baseline a Moodle XML import is held to
# Defects that make `qbank export` refuse the bank; export rows use the other files.
EXPORT_BLOCKERS = ("unknown-key", "missing-rationale", "two-keys", "correct-string", "duplicate-id")
ARG_BYTES = 512_000                # batch size for long file lists (ARG_MAX is often 2 MB)
MEMORY_LIMIT = 1_000_000_000       # 1 GB

sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import worst_case  # noqa: E402


class _Done(Exception):
    """--only-assemble: the rows asked for are measured."""


class CommandCrashed(Exception):
    """A timed command exited with a code other than 0/1 or printed a Python traceback."""


# --------------------------------------------------------------------------- measuring


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc; children of every thread)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _tree_rss(pid: int) -> int:
    total = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


class _PeakSampler(threading.Thread):
    """Samples the summed RSS of a process tree (main process plus workers) every 50 ms.

    getrusage gives the exact peak of the largest single process; this sum is what the
    machine has to hold at once when workers run in parallel.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self.done.wait(0.05)


@dataclass
class Sample:
    seconds: float
    returncodes: list[int]
    max_rss: int      # bytes, largest single process (exact, from wait4)
    tree_peak: int    # bytes, summed process tree (sampled)


def run_timed(name: str, cmds: list[list[str]], cwd: Path, ok_codes: tuple[int, ...] = OK_CODES) -> Sample:
    """Run ``cmds`` one after another (batches of one logical command) and time them."""
    seconds, codes, max_rss, tree_peak = 0.0, [], 0, 0
    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    with tempfile.TemporaryDirectory(dir=WORK, prefix="log-") as logs:
        for i, cmd in enumerate(cmds):
            out_path, err_path = Path(logs, f"{i}.out"), Path(logs, f"{i}.err")
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
                sampler = _PeakSampler(proc.pid)
                sampler.start()
                _, status, usage = os.wait4(proc.pid, 0)
                seconds += time.perf_counter() - start
                sampler.done.set()
                sampler.join()
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            codes.append(code)
            # ru_maxrss is KiB on Linux; it covers the child and the descendants it waited for
            max_rss = max(max_rss, usage.ru_maxrss * 1024)
            tree_peak = max(tree_peak, sampler.peak, usage.ru_maxrss * 1024)
            stderr = err_path.read_text(encoding="utf-8", errors="replace")
            if code not in ok_codes or "Traceback (most recent call last)" in stderr:
                tail = "\n".join(stderr.strip().splitlines()[-25:])
                stdout_tail = "\n".join(out_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:])
                raise CommandCrashed(f"{name}: exit code {code}\n  command: {' '.join(cmd[:8])}"
                                     f"{' ...' if len(cmd) > 8 else ''}\n  cwd: {cwd}\n--- stderr (tail) ---\n{tail}"
                                     f"\n--- stdout (tail) ---\n{stdout_tail}")
    return Sample(seconds, codes, max_rss, tree_peak)


@dataclass
class Row:
    key: str
    label: str
    questions: int
    samples: list[Sample] = field(default_factory=list)
    note: str = ""      # "not available: ..." when the command could not be run
    command: str = ""

    @property
    def available(self) -> bool:
        return bool(self.samples)

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    def to_json(self) -> dict:
        med = self.median
        return {
            "key": self.key, "label": self.label, "command": self.command, "questions": self.questions,
            "available": self.available, "note": self.note,
            "median_s": med, "per_question_ms": None if med is None else med / self.questions * 1000,
            "min_s": min((s.seconds for s in self.samples), default=None),
            "max_s": max((s.seconds for s in self.samples), default=None),
            "peak_rss_mb": max((s.max_rss for s in self.samples), default=0) / 1e6 or None,
            "peak_tree_rss_mb": max((s.tree_peak for s in self.samples), default=0) / 1e6 or None,
            "exit_codes": sorted({c for s in self.samples for c in s.returncodes}),
            "runs_s": [round(s.seconds, 4) for s in self.samples],
        }


def repeat(row: Row, reps: int, cmds: list[list[str]] | Callable[[int], list[list[str]]], cwd: Path,
           before: Callable[[int], None] | None = None, ok_codes: tuple[int, ...] = OK_CODES) -> Row:
    """``reps`` timed runs of ``cmds`` (or of ``cmds(i)``, the commands of run i) into ``row``."""
    each = cmds if callable(cmds) else lambda i: cmds
    first = each(0)
    row.command = " ".join(first[0][:6]) + (" ..." if len(first[0]) > 6 or len(first) > 1 else "")
    for i in range(reps):
        if before:
            before(i)
        sample = run_timed(row.label, each(i), cwd, ok_codes)
        row.samples.append(sample)
        print(f"  {row.label:<40} run {i + 1}/{reps}: {sample.seconds:8.2f} s", flush=True)
    return row


# --------------------------------------------------------------------------- tools


@dataclass
class QbankCli:
    """What the installed qbank offers (it is being built; missing parts are reported)."""

    exe: Path
    commands: dict[str, str]        # command -> its --help text
    problem: str = ""

    def has(self, command: str, option: str | None = None) -> bool:
        text = self.commands.get(command)
        return text is not None and (option is None or re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None)


def probe_qbank() -> QbankCli:
    exe = BIN / "qbank"
    if not exe.exists():
        return QbankCli(exe, {}, f"{exe} does not exist")
    try:
        top = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return QbankCli(exe, {}, f"qbank cannot run: {exc}")
    if top.returncode != 0:
        return QbankCli(exe, {}, "qbank --help fails: " + (top.stderr.strip().splitlines() or ["?"])[-1])
    commands: dict[str, str] = {}
    for name in ("validate", "lint", "fmt", "export", "stats import", "import", "site"):
        sub = subprocess.run([str(exe), *name.split(), "--help"], capture_output=True, text=True, timeout=60)
        if sub.returncode == 0:
            commands[name] = sub.stdout
    return QbankCli(exe, commands)


def precompile_qbank() -> None:
    """Write qbank's bytecode files, as `pip install` does. An editable install run with
    PYTHONDONTWRITEBYTECODE set (some CI images set it) would otherwise compile every
    module from source on every run, and time that instead of qbank."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("qbank")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def tool(name: str) -> Path | None:
    path = BIN / name
    return path if path.exists() else None


def batched(prefix: list[str], files: list[str]) -> list[list[str]]:
    """``prefix + files`` split into commands whose argument lists stay well under ARG_MAX."""
    cmds, current, size = [], [], 0
    for f in files:
        if current and size + len(f) + 1 > ARG_BYTES:
            cmds.append(prefix + current)
            current, size = [], 0
        current.append(f)
        size += len(f) + 1
    if current or not cmds:
        cmds.append(prefix + current)
    return cmds


# --------------------------------------------------------------------------- banks


# Banks are keyed by the generator's source as loaded for this run, so a run never mixes
# banks from two versions of generate.py.
GENERATOR_HASH = hashlib.blake2b(Path(generate.__file__).read_bytes(), digest_size=4).hexdigest()


def ensure_bank(count: int, defects: float, seed: int) -> Path:
    """The generated bank for these arguments, reused while generate.py is unchanged."""
    prefix = f"bank-n{count}-d{defects:g}-s{seed}-"
    path = WORK / (prefix + GENERATOR_HASH)
    manifest = generate.read_manifest(path)
    if manifest and manifest.get("args") == {"count": count, "defects": defects, "seed": seed}:
        print(f"reusing {shown(path)}")
        return path
    for stale in WORK.glob(prefix + "*"):  # an older generator's bank with the same arguments
        if stale.is_dir() and stale != path:
            shutil.rmtree(stale)
    t = time.perf_counter()
    print(f"generating {count} questions into {shown(path)} ...", flush=True)
    generate.generate(path, count, defects, seed)
    print(f"  done in {time.perf_counter() - t:.1f} s")
    return path


def exportable_view(bank: Path) -> tuple[Path, int]:
    """A folder of hard links to the bank's files minus those `qbank export` refuses
    (schema errors, duplicate ids), so export and the genanki baseline see the same valid
    questions of the same bank. Returns (folder, number of questions)."""
    manifest = generate.read_manifest(bank) or {"defects": {}}
    blocked = {rel for rel, kind in manifest["defects"].items() if kind in EXPORT_BLOCKERS}
    view = bank.with_name(bank.name + "-exportable")
    stamp = view / ".complete"
    files = sorted(p.relative_to(bank).as_posix() for p in bank.rglob("*.yaml"))
    keep = [rel for rel in files if rel not in blocked]
    if stamp.exists():
        return view, len(keep)
    if view.exists():
        shutil.rmtree(view)
    for rel in keep + [generate.CONFIG_NAME]:
        target = view / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(bank / rel, target)
        except OSError:  # no hard links here (some file systems): copy instead
            shutil.copy2(bank / rel, target)
    stamp.write_text("", encoding="utf-8")
    return view, len(keep)


def shown(path: Path) -> str:
    """``path`` relative to the repository when it lies inside it (shorter to read)."""
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


WARM_COMMENT = "qbank lint (warm, 1 comment added)"
WARM_STEM = "qbank lint (warm, 1 stem edited)"
WORST_CASE = "qbank lint, 1 MB worst-case file"
FMT_COLD = "qbank fmt --check (formatted, cold)"
FMT_WARM = "qbank fmt --check (formatted, warm)"


def formatted_copy(cli: QbankCli, bank: Path) -> Path:
    """A copy of the bank that `qbank fmt` has put in the canonical layout (made once, and
    formatted again by each run, which is quick while qbank's layout is unchanged)."""
    copy = bank.with_name(bank.name + "-formatted")
    stamp = copy / ".complete"
    if not stamp.exists():
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(bank, copy)
        stamp.write_text("", encoding="utf-8")
    run_timed("qbank fmt (formatting the copy)", [[str(cli.exe), "fmt", "."]], copy)
    return copy


def edit_stem(text: bytes, words: str) -> bytes:
    """``text`` of a generated question file with ``words`` added to its stem's first line
    (the generator always writes the stem as a literal block)."""
    lines = text.split(b"\n")
    at = lines.index(b"stem: |") + 1
    lines[at] += b" " + words.encode()
    return b"\n".join(lines)


def drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".qbank_cache", ignore_errors=True)


# --------------------------------------------------------------------------- the benchmark


def bench_qbank(cli: QbankCli, bank: Path, view: Path, count: int, n_view: int, reps: int,
                jobs: int | None) -> list[Row]:
    rows: list[Row] = []
    job_args = [] if jobs is None else ["--jobs", str(jobs)]

    def missing(key: str, label: str, n: int, why: str) -> Row:
        print(f"  {label:<40} not available: {why}")
        return Row(key, label, n, note=f"not available: {why}")

    def opts(command: str) -> list[str]:
        return job_args if cli.has(command, "--jobs") else []

    base = str(cli.exe)
    if cli.has("validate"):
        rows.append(repeat(Row("validate", "qbank validate (cold)", count), reps,
                           [[base, "validate", *opts("validate"), "."]], bank, lambda i: drop_cache(bank)))
    else:
        rows.append(missing("validate", "qbank validate (cold)", count, cli.problem or "no `validate` command"))

    if cli.has("lint"):
        lint = [[base, "lint", *opts("lint"), "."]]
        rows.append(repeat(Row("lint-cold", "qbank lint (cold)", count), reps, lint, bank,
                           lambda i: drop_cache(bank)))
        # warm: fill the cache once, then each run follows an edit of one file: a comment
        # appended (the file's bytes change, its questions do not), or a word added to
        # its stem (what bank rules such as duplicate-stem detection look at)
        edited = sorted(bank.rglob("*.yaml"))[count // 2]
        original = edited.read_bytes()
        drop_cache(bank)
        run_timed("qbank lint (filling the cache)", lint, bank)

        def add_comment(i: int) -> None:
            edited.write_bytes(original + f"# edited by the benchmark, run {i + 1}\n".encode())

        def change_stem(i: int) -> None:
            edited.write_bytes(edit_stem(original, f"(edit {i + 1})"))

        try:
            rows.append(repeat(Row("lint-warm", WARM_COMMENT, count), reps, lint, bank, add_comment))
            rows.append(repeat(Row("lint-warm-stem", WARM_STEM, count), reps, lint, bank, change_stem))
        finally:
            edited.write_bytes(original)  # the bank stays byte-identical to what was generated
        # one 1 MB file whose single stem line runs through every pattern that once made a
        # scan quadratic (benchmarks/worst_case.py): seconds if linear, hours if not
        worst = WORK / "worst-case"
        worst.mkdir(exist_ok=True)
        (worst / "mixed.yaml").write_bytes(worst_case.mixed_file())
        rows.append(repeat(Row("lint-worst-case", WORST_CASE, 1), reps, [[base, "lint", "--no-cache", "."]], worst))
    else:
        for key, label in (("lint-cold", "qbank lint (cold)"), ("lint-warm", WARM_COMMENT), ("lint-warm-stem", WARM_STEM),
                           ("lint-worst-case", WORST_CASE)):
            rows.append(missing(key, label, count if key != "lint-worst-case" else 1,
                                cli.problem or "no `lint` command"))

    if cli.has("fmt", "--check"):
        # fmt --check on a bank that is already formatted: cold (.qbank_cache/ deleted: every
        # file goes through the round trip) and warm (what an earlier run found formatted is
        # only read and hashed)
        formatted = formatted_copy(cli, bank)
        check = [[base, "fmt", "--check", *opts("fmt"), "."]]
        rows.append(repeat(Row("fmt-check-cold", FMT_COLD, count), reps, check, formatted,
                           lambda i: drop_cache(formatted)))
        run_timed("qbank fmt --check (filling the cache)", check, formatted)
        rows.append(repeat(Row("fmt-check-warm", FMT_WARM, count), reps, check, formatted))
    else:
        for key, label in (("fmt-check-cold", FMT_COLD), ("fmt-check-warm", FMT_WARM)):
            rows.append(missing(key, label, count, cli.problem or "no `fmt --check`"))

    for fmt in EXPORT_FORMATS:
        key, label = f"export-{fmt}", f"qbank export --{fmt}"
        if not cli.has("export", f"--{fmt}"):
            rows.append(missing(key, label, n_view, cli.problem or f"no `export --{fmt}`"))
            continue
        flag = [f"--{fmt}"]
        choice = re.search(rf"--{fmt} \[([\w|]+)\]", cli.commands["export"])
        if choice:  # an option that takes a value (e.g. --csv [plain|anki]): the first one
            flag.append(choice.group(1).split("|")[0])
        out_dir = Path(tempfile.mkdtemp(dir=WORK, prefix=f"export-{fmt}-"))

        def fresh(i: int, out_dir: Path = out_dir) -> None:
            drop_cache(view)
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir()

        try:
            rows.append(repeat(Row(key, label, n_view), reps,
                               [[base, "export", *flag, "--out", str(out_dir), *opts("export"), "."]], view, fresh,
                               ok_codes=(0,)))
            if not any(out_dir.iterdir()):
                raise CommandCrashed(f"{label}: exited 0 but wrote nothing to {out_dir}")
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)
    rows.append(bench_import(cli, view, n_view, reps))
    rows += bench_site(cli, view, n_view, reps, opts("site"))
    return rows


SITE_ROWS = (("site-cold", "qbank site (cold lint, new folder)"),
             ("site-warm", "qbank site (warm lint, new folder)"),
             ("site-rebuild", "qbank site (warm lint, rebuild)"))


def bench_site(cli: QbankCli, view: Path, n_view: int, reps: int, job_args: list[str]) -> list[Row]:
    """`qbank site` on the bank `export --anki` is timed on: its first build with the lint
    cache cold (the lint run included, which the export does not do), then with the cache
    warm as after any `qbank lint`, and a rebuild into the same folder (unchanged files are
    not rewritten)."""
    if not cli.has("site"):
        why = cli.problem or "no `site` command"
        print(f"  {'qbank site':<40} not available: {why}")
        return [Row(key, label, n_view, note=f"not available: {why}") for key, label in SITE_ROWS]
    out_dir = WORK / "site-out"
    cmd = [[str(cli.exe), "site", "--out", str(out_dir), *job_args, "."]]

    old = WORK / "site-old"   # earlier builds, removed at the end
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir()

    def fresh(i: int, cold: bool) -> None:
        """A new folder for a first build. The last build's folder is moved away, not deleted:
        deleting ~10,000 files right before a build creates as many makes creating them slower
        on some disks (ext4 here), and the row would time the benchmark's clean-up."""
        if cold:
            drop_cache(view)
        if out_dir.exists():
            out_dir.rename(old / f"{'cold' if cold else 'warm'}-{i}")

    rows = []
    try:
        rows.append(repeat(Row("site-cold", SITE_ROWS[0][1], n_view), reps, cmd, view, lambda i: fresh(i, True),
                           ok_codes=(0,)))
        run_timed("qbank lint (filling the cache)", [[str(cli.exe), "lint", "."]], view)
        rows.append(repeat(Row("site-warm", SITE_ROWS[1][1], n_view), reps, cmd, view, lambda i: fresh(i, False),
                           ok_codes=(0,)))
        rows.append(repeat(Row("site-rebuild", SITE_ROWS[2][1], n_view), reps, cmd, view, ok_codes=(0,)))
        if not (out_dir / "index.html").is_file():
            raise CommandCrashed(f"qbank site: exited 0 but wrote no {out_dir / 'index.html'}")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        drop_cache(view)
    return rows


IMPORT_MOODLE = "qbank import moodle (same questions)"


def bench_import(cli: QbankCli, view: Path, n_view: int, reps: int) -> Row:
    """`qbank import moodle` of the file `export --moodle` wrote for the exportable questions,
    into an empty bank each run: the issue holds it to at most 2x the export. Each run writes a
    folder of its own (bank1, bank2...), all removed (untimed) once the row is timed: on ext4,
    creating 10,000 files right after deleting 10,000 can cost ten times the system time, so
    deleting the last run's bank before each run timed the disk, not the import. A sync before
    each run (untimed) still lets the last run's files reach the disk first."""
    if not (cli.has("import") and cli.has("export", "--moodle")):
        print(f"  {IMPORT_MOODLE:<40} not available: {cli.problem or 'no `import` or `export --moodle`'}")
        return Row("import-moodle", IMPORT_MOODLE, n_view, note="not available: no `import` or `export --moodle`")
    work = Path(tempfile.mkdtemp(dir=WORK, prefix="import-moodle-"))
    try:
        run_timed("qbank export --moodle (the file to import)",
                  [[str(cli.exe), "export", "--moodle", "--out", str(work / "xml"), "."]], view, ok_codes=(0,))
        [xml] = (work / "xml").glob("*.moodle.xml")
        banks = [work / f"bank{i + 1}" for i in range(reps)]
        row = repeat(Row("import-moodle", IMPORT_MOODLE, n_view), reps,
                     lambda i: [[str(cli.exe), "import", "moodle", str(xml), "--into", str(banks[i])]], work,
                     lambda i: os.sync() if hasattr(os, "sync") else None, ok_codes=(0,))
        for into in banks:
            written = sum(1 for _ in into.rglob("*.yaml"))
            if written != n_view:
                raise CommandCrashed(f"{IMPORT_MOODLE}: wrote {written} questions of {n_view} into {into.name}")
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_peers(bank: Path, view: Path, count: int, n_view: int, reps: int) -> list[Row]:
    rows: list[Row] = []
    files = sorted(p.relative_to(bank).as_posix() for p in bank.rglob("*.yaml"))
    cj = tool("check-jsonschema")
    if cj:
        rows.append(repeat(Row("check-jsonschema", "check-jsonschema (same schema)", count), reps,
                           batched([str(cj), "--schemafile", str(SCHEMA)], files), bank,
                           lambda i: drop_cache(bank)))
    else:
        rows.append(Row("check-jsonschema", "check-jsonschema (same schema)", count,
                        note="not available: install with pip install -e '.[bench]'"))
    yl = tool("yamllint")
    if yl:
        rows.append(repeat(Row("yamllint", "yamllint -d relaxed", count), reps,
                           [[str(yl), "-d", "relaxed", "."]], bank, lambda i: drop_cache(bank)))
    else:
        rows.append(Row("yamllint", "yamllint -d relaxed", count,
                        note="not available: install with pip install -e '.[bench]'"))
    out = WORK / "genanki-baseline.apkg"
    rows.append(repeat(Row("genanki", "genanki baseline (bare script)", n_view), reps,
                       [[sys.executable, str(HERE / "genanki_baseline.py"), ".", str(out)]], view,
                       lambda i: out.unlink(missing_ok=True), ok_codes=(0,)))
    out.unlink(missing_ok=True)
    return rows


@dataclass
class Ratio:
    label: str
    value: float | None
    target: float | None      # value must be <= target
    note: str = ""

    @property
    def mark(self) -> str:
        if self.value is None:
            return "n/a"
        if self.target is None:
            return "info"
        return "PASS" if self.value <= self.target else "FAIL"

    def to_json(self) -> dict:
        return {"label": self.label, "value": self.value, "target_max": self.target, "result": self.mark,
                "note": self.note}


def ratio(rows: dict[str, Row], num: str, den: str, label: str, target: float | None) -> Ratio:
    a, b = rows.get(num), rows.get(den)
    if a is None or b is None or a.median is None or b.median is None:
        missing = [k for k, r in ((num, a), (den, b)) if r is None or r.median is None]
        return Ratio(label, None, target, "missing: " + ", ".join(missing))
    # per question, since export rows cover only the exportable files
    return Ratio(label, (a.median / a.questions) / (b.median / b.questions), target)


def seconds(rows: dict[str, Row], key: str, label: str, target: float | None) -> Ratio:
    """A row's median time itself, against a bound in seconds."""
    row = rows.get(key)
    if row is None or row.median is None:
        return Ratio(label, None, target, f"missing: {key}")
    return Ratio(label, row.median, target)


def bench_big(cli: QbankCli, big: int, defects: float, seed: int, reps: int, jobs: int | None,
              small_lint: Row | None) -> tuple[Row, list[Ratio]]:
    label = f"qbank lint (cold) at {big:,}"
    if not cli.has("lint"):
        row = Row("big-lint-cold", label, big, note="not available: " + (cli.problem or "no `lint` command"))
        return row, [Ratio(f"cold lint per question, {big:,} vs smaller bank", None, 1.3, row.note),
                     Ratio(f"peak memory of cold lint at {big:,} (GB)", None, MEMORY_LIMIT / 1e9, row.note)]
    bank = ensure_bank(big, defects, seed)
    job_args = [] if jobs is None or not cli.has("lint", "--jobs") else ["--jobs", str(jobs)]
    row = repeat(Row("big-lint-cold", label, big), reps, [[str(cli.exe), "lint", *job_args, "."]], bank,
                 lambda i: drop_cache(bank))
    scaling = Ratio(f"cold lint per question, {big:,} vs {small_lint.questions:,}" if small_lint else
                    "cold lint per question scaling", None, 1.3)
    if small_lint and small_lint.median is not None:
        scaling.value = (row.median / big) / (small_lint.median / small_lint.questions)
    peak = max(s.tree_peak for s in row.samples)
    memory = Ratio(f"peak memory of cold lint at {big:,}, process tree (GB)", peak / 1e9, MEMORY_LIMIT / 1e9)
    return row, [scaling, memory]


ASSEMBLE_ITEMS = 122   # the ASWB Clinical exam's scored items
# A blueprint over the generator's areas (its `domain` field), weighted like a licensing outline.
ASSEMBLE_AREAS = (("human-development", 25), ("assessment", 25), ("interventions", 25), ("ethics", 15),
                  ("research", 5), ("informatics", 5))


def assemble_questions(count: int, seed: int) -> list:
    """``count`` generated questions (generate.question_data) as qbank Questions; the data is kept
    in benchmarks/_work/ while generate.py is unchanged (making 100,000 takes minutes)."""
    from qbank.model import question_from_data

    path = WORK / f"assemble-data-n{count}-s{seed}-{GENERATOR_HASH}.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        t = time.perf_counter()
        print(f"generating {count} questions in memory for assemble ...", flush=True)
        data = generate.question_data(count, seed)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
        print(f"  done in {time.perf_counter() - t:.1f} s")
    return [question_from_data(d, f"{d['domain']}/{d['id']}.yaml") for d in data]


def bench_assemble(count: int, seed: int, reps: int) -> tuple[list[Row], list[Ratio]]:
    """`qbank assemble`'s core (assemble.assemble) drawing forms A and B of 122 items with 25%
    overlap from ``count`` questions, in this process (the bank's loading is what `lint` rows
    measure), against the bare draw it refines: per area, a random sample of its share for each
    form and a shuffle of each item's options."""
    import random as rand
    import resource

    from qbank.assemble import Request, assemble
    from qbank.blueprint import Area, Blueprint, Match, membership, targets

    questions = assemble_questions(count, seed)
    blueprint = Blueprint("bench", tuple(Area(name, w, w, Match("field", name, "domain")) for name, w in ASSEMBLE_AREAS))
    request = Request(ASSEMBLE_ITEMS, ("A", "B"), seed=7, overlap=25)

    def naive() -> None:
        rng = rand.Random(7)
        member = membership(blueprint, sorted(questions, key=lambda q: q.id))
        for pool, share in zip(member.by_area, targets(blueprint, ASSEMBLE_ITEMS)):
            for _form in request.forms:
                for q in rng.sample(pool, share):
                    rng.shuffle(list(q.options))

    rows = []
    for key, label, work in (("assemble", f"assemble 2 x {ASSEMBLE_ITEMS} items from {count:,}", 
                              lambda: assemble(questions, blueprint, request)),
                             ("assemble-naive", f"bare random draw, 2 x {ASSEMBLE_ITEMS} from {count:,}", naive)):
        row = Row(key, label, count, command="in process: " + key)
        for _ in range(reps):
            t = time.perf_counter()
            work()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # this process: it is the tree
            row.samples.append(Sample(time.perf_counter() - t, [0], rss, rss))
        rows.append(row)
    by_key = {r.key: r for r in rows}
    return rows, [seconds(by_key, "assemble", f"assemble 2 x {ASSEMBLE_ITEMS} items from {count:,} (s)", 10.0),
                  ratio(by_key, "assemble", "assemble-naive", "assemble / bare random draw", None)]
def bench_stats(cli: QbankCli, reps: int, candidates: int, seed: int) -> tuple[list[Row], list[Ratio]]:
    """Item analysis of ``candidates`` x 122 items (stats_bench.py): the computation, the
    same figures with scipy one item and option at a time, and the whole `qbank stats
    import` of the responses CSV (1.2 M rows at 10,000 candidates; --dry-run: it writes
    nothing into the generated bank)."""
    work = WORK / f"stats-c{candidates}-s{seed}"
    script = str(HERE / "stats_bench.py")
    if not (work / "responses.csv").is_file():
        print(f"generating {candidates:,} candidates' responses into {shown(work)} ...", flush=True)
        subprocess.run([sys.executable, script, "prepare", str(work), "--candidates", str(candidates),
                        "--seed", str(seed)], check=True)
    answers = candidates * 122
    rows = [repeat(Row("stats-analyse", f"item analysis {candidates:,} x 122", answers), reps,
                   [[sys.executable, script, "analyse", str(work)]], work),
            repeat(Row("stats-scipy", "same with scipy per item/option", answers), reps,
                   [[sys.executable, script, "baseline", str(work)]], work),
            Row("stats-import", "qbank stats import (responses-csv)", answers,
                note="" if cli.has("stats import") else "not available: " + (cli.problem or "no `stats import` command"))]
    if not rows[-1].note:
        repeat(rows[-1], reps, [[str(cli.exe), "stats", "import", "responses.csv", "stats-bank", "--format",
                                 "responses-csv", "--dry-run"]], work)
    by_key = {r.key: r for r in rows}
    ratios = [seconds(by_key, "stats-analyse", f"item analysis of {answers:,} responses (s)", 5.0),
              ratio(by_key, "stats-analyse", "stats-scipy", "item analysis / scipy per item and option", 1.0),
              seconds(by_key, "stats-import", f"qbank stats import of {answers:,} responses (s)", 60.0)]
    return rows, ratios


# --------------------------------------------------------------------------- report


def print_table(rows: list[Row]) -> None:
    print()
    print(f"{'command':<42}{'median s':>10}{'per q ms':>10}{'min..max s':>18}{'peak MB':>10}  exit")
    print("-" * 96)
    for r in rows:
        j = r.to_json()
        if not r.available:
            print(f"{r.label:<42}{'':>10}{'':>10}{'':>18}{'':>10}  {r.note}")
            continue
        span = f"{j['min_s']:.2f}..{j['max_s']:.2f}"
        peak = j["peak_tree_rss_mb"]
        print(f"{r.label:<42}{j['median_s']:>10.2f}{j['per_question_ms']:>10.3f}{span:>18}{peak:>10.0f}  "
              f"{','.join(map(str, j['exit_codes']))}")


def print_ratios(ratios: list[Ratio]) -> None:
    print()
    print(f"{'ratio':<58}{'value':>10}{'target':>10}  result")
    print("-" * 88)
    for r in ratios:
        value = "" if r.value is None else f"{r.value:.3f}"
        target = "" if r.target is None else f"<= {r.target:g}"
        print(f"{r.label:<58}{value:>10}{target:>10}  {r.mark}{'  (' + r.note + ')' if r.note else ''}")


def _load() -> list[float]:
    """1, 5 and 15 minute load averages (other work on the machine inflates every time)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return [0.0, 0.0, 0.0]


def write_results(data: dict, name: str = "results.json") -> Path:
    path = WORK / name
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=10_000, help="questions in the benchmark bank (default 10000)")
    p.add_argument("--reps", type=int, default=3, help="timed runs per command; the median is reported (default 3)")
    p.add_argument("--big", type=int, default=0, metavar="N",
                   help="also lint an N-question bank cold (scaling and peak memory; slow, e.g. 100000)")
    p.add_argument("--skip-peers", action="store_true", help="time only qbank (no check-jsonschema, yamllint, genanki)")
    p.add_argument("--assemble", type=int, default=0, metavar="N",
                   help="also time assembling two 122-item forms from N generated questions (e.g. 100000)")
    p.add_argument("--only-assemble", action="store_true", help="with --assemble: time nothing else")
    p.add_argument("--jobs", type=int, default=None, help="pass --jobs N to qbank (default: qbank's own default)")
    p.add_argument("--defects", type=float, default=0.05, help="share of defective items in the bank (default 0.05)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--stats", type=int, default=0, metavar="CANDIDATES",
                   help="also time item analysis of CANDIDATES x 122 items (10000: the 1.2 M responses of the "
                        "target; default 0: not)")
    p.add_argument("--only-stats", action="store_true",
                   help="run only the item-analysis rows (10,000 candidates unless --stats says otherwise)")
    args = p.parse_args(argv)
    if args.count < 1 or args.reps < 1 or args.big < 0 or (args.jobs is not None and args.jobs < 1):
        p.error("--count, --reps and --jobs must be at least 1, --big at least 0")
    if args.assemble < 0 or (args.only_assemble and not args.assemble):
        p.error("--assemble N takes N >= 1; --only-assemble needs --assemble N")

    WORK.mkdir(parents=True, exist_ok=True)
    cli = probe_qbank()
    if cli.problem:
        print(f"qbank is not usable: {cli.problem}")
    precompile_qbank()
    if args.only_stats:
        return run_stats_only(cli, args)
    if args.only_assemble:   # no bank on disk is needed
        bank, view, n_view = WORK, WORK, 0
    else:
        bank = ensure_bank(args.count, args.defects, args.seed)
        view, n_view = exportable_view(bank)
    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0],
                    "load_average_at_start": _load()},
        "args": vars(args),
        "bank": {"path": shown(bank), "questions": args.count,
                 "exportable_questions": n_view, "defects": args.defects, "seed": args.seed},
        "rows": [], "ratios": [],
    }
    rows: list[Row] = []
    try:
        if args.only_assemble:
            assembled, ratios = bench_assemble(args.assemble, args.seed, args.reps)
            rows += assembled
            raise _Done
        print(f"\nbank: {args.count:,} questions ({n_view:,} exportable), {args.reps} run{'s' if args.reps > 1 else ''} per command")
        rows += bench_qbank(cli, bank, view, args.count, n_view, args.reps, args.jobs)
        if not args.skip_peers:
            rows += bench_peers(bank, view, args.count, n_view, args.reps)
        by_key = {r.key: r for r in rows}
        ratios = [
            ratio(by_key, "lint-cold", "check-jsonschema", "cold lint / check-jsonschema", 0.2),
            ratio(by_key, "lint-warm", "lint-cold", "warm lint (comment added) / cold lint", 0.05),
            ratio(by_key, "lint-warm-stem", "lint-cold", "warm lint (1 stem edited) / cold lint", 0.05),
            ratio(by_key, "export-anki", "genanki", "export --anki / genanki baseline (per question)", 3.0),
            ratio(by_key, "site-cold", "export-anki", "site (cold lint, new folder) / export --anki", 2.0),
            ratio(by_key, "site-warm", "export-anki", "site (warm lint, new folder) / export --anki", 2.0),
            ratio(by_key, "site-rebuild", "export-anki", "site (warm lint, rebuild) / export --anki", None),
            ratio(by_key, "validate", "check-jsonschema", "validate / check-jsonschema", None),
            ratio(by_key, "lint-cold", "yamllint", "cold lint / yamllint -d relaxed", None),
            ratio(by_key, "fmt-check-warm", "lint-cold", "fmt --check (formatted, warm) / cold lint", 1.0),
            ratio(by_key, "fmt-check-cold", "lint-cold", "fmt --check (formatted, cold) / cold lint", None),
            ratio(by_key, "import-moodle", "export-moodle", "import moodle / export --moodle (same questions)", 2.0),
            seconds(by_key, "lint-worst-case", "lint of the 1 MB worst-case file (s)", 10.0),
        ]
        if args.stats:
            stats_rows, stats_ratios = bench_stats(cli, args.reps, args.stats, args.seed)
            rows += stats_rows
            ratios += stats_ratios
        if args.big:
            big_row, big_ratios = bench_big(cli, args.big, args.defects, args.seed, args.reps, args.jobs,
                                            by_key.get("lint-cold"))
            rows.append(big_row)
            ratios += big_ratios
        if args.assemble:
            assembled, assemble_ratios = bench_assemble(args.assemble, args.seed, args.reps)
            rows += assembled
            ratios += assemble_ratios
    except _Done:
        pass
    except CommandCrashed as exc:
        results["rows"] = [r.to_json() for r in rows]
        results["crashed"] = str(exc)
        write_results(results)
        print("\n" + "!" * 80 + f"\nBENCHMARK ABORTED: a command crashed\n{exc}\n" + "!" * 80, file=sys.stderr)
        return 1
    results["rows"] = [r.to_json() for r in rows]
    results["ratios"] = [r.to_json() for r in ratios]
    results["machine"]["load_average_at_end"] = _load()
    print_table(rows)
    print_ratios(ratios)
    # the run's own processes raise the load average, so only the start says whether
    # something else was already busy
    busy = results["machine"]["load_average_at_start"][0]
    if busy > 0.5 * (os.cpu_count() or 1):
        print(f"\nnote: the machine was busy when the run started (load average {busy:.1f} on {os.cpu_count()} "
              "CPUs); times may be inflated, compare ratios from a quiet machine")
    path = write_results(results)
    print(f"\nresults written to {shown(path)}")
    return 0


def run_stats_only(cli: QbankCli, args: argparse.Namespace) -> int:
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                     "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                 "python": sys.version.split()[0], "load_average_at_start": _load()},
                     "args": vars(args)}
    rows, ratios = bench_stats(cli, args.reps, args.stats or 10_000, args.seed)
    results["rows"], results["ratios"] = [r.to_json() for r in rows], [r.to_json() for r in ratios]
    results["machine"]["load_average_at_end"] = _load()
    print_table(rows)
    print_ratios(ratios)
    print(f"\nresults written to {shown(write_results(results, 'stats-results.json'))}")
    return 0


if __name__ == "__main__":
    # a kill runs the `finally` blocks too: temporary folders go, an edited file is restored
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    sys.exit(main())
