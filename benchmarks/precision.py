"""How often is qbank lint right? Per-rule precision of its findings against hand labels.

    python benchmarks/precision.py CORPUS LABELS [--qbank PATH] [--format text|json]
                                   [--fill-missing] [--exclude CODE,...] [--max-list N]

CORPUS is a bank folder, or a folder of bank folders (one per source: each subfolder that
holds question files is linted on its own, so bank rules compare items of one source).
Every folder is linted with ``qbank lint --format json --no-cache``; qbank is used as a
black box, found next to this Python (``--qbank`` to choose another).

LABELS is a TSV file, one line per finding::

    item_id <TAB> code <TAB> TP|FP <TAB> reason [<TAB> line]

``#`` starts a comment line; blank lines are skipped. The item id is the question's ``id``.
A label without a line applies to every finding of that code on that item; with a line it
applies to the finding on that line only (and wins over a label without one). ``*`` as the
item id labels every otherwise unlabelled finding of that code (for findings that are true
by construction, such as a rationale the source never had).

The report gives, per rule and severity: findings, findings per 100 items, labelled TP and
FP, and precision; then precision over warning+error findings and over errors alone, both
over the labelled findings and frequency-weighted (each rule's precision weighted by all
its findings, so a sample of labels estimates the whole); the labels that match no finding;
and the findings not yet labelled (id, code, message).

``--fill-missing`` measures the style rules on items that lack an explanation or a
rationale. qbank skips its style rules on an item with a validation error, so on sources
without feedback they never run. With this flag the corpus is also linted as a copy in which
every missing explanation and rationale holds a placeholder; the findings of that run are
added, mapped back to the original lines, except the validation findings and those about the
placeholders themselves (QB401 where the explanation was filled, QB402 and QB403 where a
rationale was). Findings of the plain run always come first and are never replaced.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

QUESTION_SUFFIXES = (".yaml", ".yml")
VERDICTS = ("TP", "FP")
PLACEHOLDER = "Placeholder for the missing text, added by precision.py --fill-missing."
# Rules a placeholder itself would trip: dropped from the filled run where it applies.
EXPLANATION_RULES = {"QB401"}
RATIONALE_RULES = {"QB402", "QB403"}
VALIDATION_PREFIX = "QB0"


@dataclass(frozen=True)
class Finding:
    item: str
    code: str
    name: str
    severity: str
    line: int
    message: str
    path: str
    source: str  # "lint", or "filled" for the --fill-missing run


@dataclass
class Label:
    item: str
    code: str
    verdict: str
    reason: str
    line: int | None
    lineno: int  # in the labels file


@dataclass
class Row:
    code: str
    name: str
    severity: str
    findings: int = 0
    tp: int = 0
    fp: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / self.labelled if self.labelled else None


@dataclass
class Report:
    items: int
    folders: list[str]
    rows: list[Row]
    totals: dict[str, dict[str, Any]]
    unlabelled: list[Finding]
    stale_labels: list[Label]
    labelled: int
    findings: int


# ----------------------------------------------------------------------------- corpus


def question_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in QUESTION_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def bank_folders(corpus: Path) -> list[Path]:
    """The corpus itself when it holds question files at its top, else each source subfolder."""
    if any(p.suffix in QUESTION_SUFFIXES for p in corpus.iterdir() if p.is_file()):
        return [corpus]
    subs = [p for p in sorted(corpus.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return [p for p in subs if question_files(p)] or [corpus]


def item_ids(folder: Path) -> dict[str, str]:
    """Map each question file (relative path as qbank prints it) to its id (else its stem)."""
    yaml = YAML(typ="safe")
    ids: dict[str, str] = {}
    for path in question_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except Exception:
            data = None
        ident = data.get("id") if isinstance(data, dict) else None
        ids[rel] = str(ident) if ident else path.stem
    return ids


def default_qbank() -> str:
    here = Path(sys.executable).parent / "qbank"
    return str(here) if here.exists() else (shutil.which("qbank") or "qbank")


def run_lint(qbank: str, folder: Path) -> list[dict[str, Any]]:
    proc = subprocess.run([qbank, "lint", "--format", "json", "--no-cache", "."], cwd=folder,
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"qbank lint failed on {folder} (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout or "[]")


def findings_of(raw: Iterable[dict[str, Any]], ids: dict[str, str], source: str,
                line_map: dict[str, list[int]] | None = None) -> list[Finding]:
    out = []
    for f in raw:
        path = str(f.get("path", ""))
        rel = Path(path).as_posix()
        line = int(f.get("line") or 0)
        if line_map and rel in line_map and 0 < line <= len(line_map[rel]):
            line = line_map[rel][line - 1]
        out.append(Finding(item=ids.get(rel, Path(path).stem or path), code=str(f["code"]),
                           name=str(f.get("name", "")), severity=str(f.get("severity", "")),
                           line=line, message=str(f.get("message", "")), path=path,
                           source=source))
    return out


# ----------------------------------------------------------------------------- fill-missing


@dataclass
class Filled:
    explanation: set[str] = field(default_factory=set)  # relative paths
    rationale: set[str] = field(default_factory=set)
    line_map: dict[str, list[int]] = field(default_factory=dict)


def fill_text(text: str) -> tuple[str, bool, bool]:
    """The file with placeholders for a missing explanation and distractor rationales.

    Lines are only inserted (a rationale line before its option's first line, the
    explanation at the end), so every original line survives and can be mapped back.
    """
    yaml = YAML()
    try:
        data = yaml.load(text)
    except Exception:
        return text, False, False
    if not isinstance(data, CommentedMap):
        return text, False, False
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    options = data.get("options")
    if isinstance(options, list):
        for option in options:
            if not isinstance(option, CommentedMap) or option.fa.flow_style():
                continue
            if option.get("correct") is True or option.get("rationale"):
                continue
            first = option.lc.line
            if first >= len(lines):
                continue
            dash_line = lines[first]
            stripped = dash_line.lstrip(" ")
            if not stripped.startswith("- "):
                continue  # the option's first key is not on its dash line: leave it
            indent = len(dash_line) - len(stripped)
            inserts.append((first, " " * indent + f"- rationale: {PLACEHOLDER}\n"))
            lines[first] = " " * (indent + 2) + stripped[2:]
    explanation = "explanation" not in data or not str(data.get("explanation") or "").strip()
    rationale = bool(inserts)
    for index, line in sorted(inserts, reverse=True):
        lines.insert(index, line)
    if explanation:
        if "explanation" in data:  # present but empty: leave the file alone
            explanation = False
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(f"explanation: {PLACEHOLDER}\n")
    return "".join(lines), explanation, rationale


def line_map(original: str, filled: str) -> list[int]:
    """For each line of the filled text (0-based index), the 1-based original line it shows."""
    a, b = original.splitlines(), filled.splitlines()
    mapping = [0] * len(b)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            if tag == "insert":  # a placeholder: it belongs to the original line after it
                mapping[j1 + k] = min(i1 + 1, max(len(a), 1))
            else:
                mapping[j1 + k] = min(i1 + k, i2 - 1) + 1
    return mapping


def fill_copy(folder: Path, target: Path) -> Filled:
    shutil.copytree(folder, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".qbank_cache"))
    filled = Filled()
    for path in question_files(target):
        rel = path.relative_to(target).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        new, explanation, rationale = fill_text(text)
        if new == text:
            continue
        path.write_text(new, encoding="utf-8")
        if explanation:
            filled.explanation.add(rel)
        if rationale:
            filled.rationale.add(rel)
        filled.line_map[rel] = line_map(text, new)
    return filled


def filled_findings(qbank: str, folder: Path, ids: dict[str, str],
                    plain: list[Finding]) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="qbank-precision-") as tmp:
        copy = Path(tmp) / folder.name
        filled = fill_copy(folder, copy)
        raw = run_lint(qbank, copy)
    seen = {(f.item, f.code) for f in plain}
    out = []
    for f in findings_of(raw, ids, "filled", filled.line_map):
        rel = Path(f.path).as_posix()
        if f.code.startswith(VALIDATION_PREFIX) or f.code == "QB105":
            continue
        if f.code in EXPLANATION_RULES and rel in filled.explanation:
            continue
        if f.code in RATIONALE_RULES and rel in filled.rationale:
            continue
        if (f.item, f.code) in seen:
            continue
        out.append(f)
    return out


# ----------------------------------------------------------------------------- labels


def read_labels(path: Path) -> list[Label]:
    labels = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 4:
            raise SystemExit(f"{path}:{lineno}: expected item_id, code, TP|FP, reason "
                             f"(tab-separated), got {len(cols)} column(s)")
        item, code, verdict, reason = (c.strip() for c in cols[:4])
        if verdict not in VERDICTS:
            raise SystemExit(f"{path}:{lineno}: verdict must be TP or FP, not {verdict!r}")
        line = None
        if len(cols) > 4 and cols[4].strip():
            if not cols[4].strip().isdigit():
                raise SystemExit(f"{path}:{lineno}: line must be a number, not {cols[4]!r}")
            line = int(cols[4])
        labels.append(Label(item, code, verdict, reason, line, lineno))
    return labels


def match(findings: list[Finding], labels: list[Label]) -> tuple[list[Label | None], list[Label]]:
    exact = {(lb.item, lb.code, lb.line): lb for lb in labels if lb.line is not None}
    general = {(lb.item, lb.code): lb for lb in labels if lb.line is None and lb.item != "*"}
    wildcard = {lb.code: lb for lb in labels if lb.item == "*"}
    used: set[int] = set()
    verdicts: list[Label | None] = []
    for f in findings:
        lb = (exact.get((f.item, f.code, f.line)) or general.get((f.item, f.code))
              or wildcard.get(f.code))
        if lb is not None:
            used.add(lb.lineno)
        verdicts.append(lb)
    stale = [lb for lb in labels if lb.lineno not in used]
    return verdicts, stale


# ----------------------------------------------------------------------------- report


def _total(rows: list[Row], severities: set[str]) -> dict[str, Any]:
    chosen = [r for r in rows if r.severity in severities]
    tp = sum(r.tp for r in chosen)
    labelled = sum(r.labelled for r in chosen)
    measured = [r for r in chosen if r.labelled]
    weight = sum(r.findings for r in measured)
    weighted = (sum(r.findings * (r.precision or 0.0) for r in measured) / weight
                if weight else None)
    return {"findings": sum(r.findings for r in chosen), "labelled": labelled, "tp": tp,
            "precision_labelled": tp / labelled if labelled else None,
            "precision_weighted": weighted,
            "findings_in_measured_rules": weight}


def build_report(items: int, folders: list[str], findings: list[Finding],
                 labels: list[Label], exclude: set[str]) -> Report:
    verdicts, stale = match(findings, labels)
    rows: dict[tuple[str, str], Row] = {}
    unlabelled = []
    for f, lb in zip(findings, verdicts):
        row = rows.setdefault((f.code, f.severity), Row(f.code, f.name, f.severity))
        row.findings += 1
        if lb is None:
            unlabelled.append(f)
        elif lb.verdict == "TP":
            row.tp += 1
        else:
            row.fp += 1
    ordered = [rows[k] for k in sorted(rows)]
    counted = [r for r in ordered if r.code not in exclude]
    totals = {"warning+error": _total(counted, {"warning", "error"}),
              "error": _total(counted, {"error"})}
    return Report(items=items, folders=folders, rows=ordered, totals=totals,
                  unlabelled=unlabelled, stale_labels=stale,
                  labelled=sum(1 for v in verdicts if v is not None), findings=len(findings))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def render_text(report: Report, exclude: set[str], max_list: int) -> str:
    out = [f"corpus: {report.items} items in {len(report.folders)} folder(s): "
           + ", ".join(report.folders),
           f"findings: {report.findings}, labelled: {report.labelled}", "",
           f"{'rule':<8}{'name':<28}{'severity':<9}{'findings':>9}{'/100':>8}"
           f"{'TP':>6}{'FP':>6}{'precision':>11}"]
    for r in report.rows:
        per100 = 100 * r.findings / report.items if report.items else 0.0
        out.append(f"{r.code:<8}{r.name[:27]:<28}{r.severity:<9}{r.findings:>9}{per100:>8.1f}"
                   f"{r.tp:>6}{r.fp:>6}{_pct(r.precision):>11}")
    out.append("")
    note = f" (excluding {', '.join(sorted(exclude))})" if exclude else ""
    for key, total in report.totals.items():
        out.append(f"precision over {key}{note}: {_pct(total['precision_labelled'])} of "
                   f"{total['labelled']} labelled; frequency-weighted "
                   f"{_pct(total['precision_weighted'])} over {total['findings_in_measured_rules']}"
                   f" of {total['findings']} findings")
    if report.stale_labels:
        out += ["", f"labels matching no finding: {len(report.stale_labels)}"]
        out += [f"  line {lb.lineno}: {lb.item} {lb.code} {lb.verdict}"
                for lb in report.stale_labels[:max_list]]
    out += ["", f"findings not yet labelled: {len(report.unlabelled)}"]
    for f in report.unlabelled[:max_list]:
        out.append(f"  {f.item}\t{f.code}\t{f.severity}\tline {f.line}\t{f.message}")
    if len(report.unlabelled) > max_list:
        out.append(f"  ... and {len(report.unlabelled) - max_list} more (--max-list, or "
                   f"--format json for all)")
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    data = {
        "items": report.items, "folders": report.folders, "findings": report.findings,
        "labelled": report.labelled,
        "rules": [{**asdict(r), "labelled": r.labelled, "precision": r.precision,
                   "per_100_items": 100 * r.findings / report.items if report.items else 0.0}
                  for r in report.rows],
        "totals": report.totals,
        "stale_labels": [asdict(lb) for lb in report.stale_labels],
        "unlabelled": [asdict(f) for f in report.unlabelled],
    }
    return json.dumps(data, indent=2) + "\n"


def collect(corpus: Path, qbank: str, fill_missing: bool) -> tuple[int, list[str], list[Finding]]:
    folders = bank_folders(corpus)
    items = 0
    findings: list[Finding] = []
    for folder in folders:
        ids = item_ids(folder)
        items += len(ids)
        plain = findings_of(run_lint(qbank, folder), ids, "lint")
        findings.extend(plain)
        if fill_missing:
            findings.extend(filled_findings(qbank, folder, ids, plain))
    names = [os.path.relpath(f, corpus) if f != corpus else "." for f in folders]
    return items, names, findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, metavar="CORPUS")
    parser.add_argument("labels", type=Path, metavar="LABELS")
    parser.add_argument("--qbank", default=None, help="the qbank executable (default: beside "
                        "this Python, else on PATH)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--fill-missing", action="store_true",
                        help="also run the style rules on items lacking feedback (see above)")
    parser.add_argument("--exclude", default="", help="comma-separated codes left out of the "
                        "precision totals (still listed per rule)")
    parser.add_argument("--max-list", type=int, default=50,
                        help="text format: list at most N unlabelled findings (default 50)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")
    if not args.labels.is_file():
        parser.error(f"{args.labels} is not a file")
    labels = read_labels(args.labels)
    items, folders, findings = collect(args.corpus, args.qbank or default_qbank(),
                                       args.fill_missing)
    exclude = {c.strip() for c in args.exclude.split(",") if c.strip()}
    report = build_report(items, folders, findings, labels, exclude)
    sys.stdout.write(render_json(report) if args.format == "json"
                     else render_text(report, exclude, args.max_list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
