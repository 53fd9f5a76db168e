"""Item analysis at scale: 10,000 candidates x 122 items (1.2 million responses).

    python benchmarks/stats_bench.py prepare WORK_DIR [--candidates 10000] [--seed 1]
    python benchmarks/stats_bench.py analyse WORK_DIR     # qbank.analysis.core.analyse
    python benchmarks/stats_bench.py baseline WORK_DIR    # the textbook way: scipy per item and option

`prepare` generates a 122-item bank (generate.py, no defects) and the answers of simulated
candidates (a 2-parameter logistic model: ability ~ N(0, 1), item difficulty and
discrimination drawn per item, wrong answers spread over the distractors, 2% omitted), saved
as responses.npy and as qbank's responses CSV for `qbank stats import`. `analyse` and
`baseline` load the same matrix and compute the same figures (corrected point-biserial,
upper-lower, per-option rate and r, KR-20); run.py times each as a subprocess.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ITEMS = 122
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def bank_items(bank: Path) -> list[tuple[str, int, int]]:
    """(id, option count, key index) of every item of the bank, in path order."""
    import yaml

    out = []
    for path in sorted(bank.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        opts = data["options"]
        out.append((data["id"], len(opts), next(i for i, o in enumerate(opts) if o.get("correct") is True)))
    return out


def simulate(items: list[tuple[str, int, int]], candidates: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(candidates, 1))
    difficulty = rng.normal(-0.5, 1.0, size=len(items))
    discrimination = rng.uniform(0.3, 2.0, size=len(items))
    right = rng.random((candidates, len(items))) < 1 / (1 + np.exp(-discrimination * (ability - difficulty)))
    keys = np.array([k for _, _, k in items])
    counts = np.array([n for _, n, _ in items])
    wrong = (keys + 1 + (rng.random((candidates, len(items))) * (counts - 1)).astype(np.int64)) % counts
    responses = np.where(right, keys, wrong).astype(np.int16)
    responses[rng.random(responses.shape) < 0.02] = -1
    return responses


def prepare(work: Path, candidates: int, seed: int) -> None:
    sys.path.insert(0, str(HERE))
    import generate

    bank = work / "stats-bank"
    if generate.read_manifest(bank) is None:
        generate.generate(bank, ITEMS, 0.0, seed)
    items = bank_items(bank)
    responses = simulate(items, candidates, seed)
    np.save(work / "responses.npy", responses)
    (work / "items.json").write_text(json.dumps(items))
    with open(work / "responses.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate", "item", "choice"])
        for c in range(candidates):
            for (qid, _, _), choice in zip(items, responses[c].tolist()):
                w.writerow([f"c{c:05d}", qid, "" if choice < 0 else LETTERS[choice]])


def load(work: Path) -> tuple[np.ndarray, list[int], list[int]]:
    items = json.loads((work / "items.json").read_text())
    return np.load(work / "responses.npy"), [k for _, _, k in items], [n for _, n, _ in items]


def analyse(work: Path) -> None:
    from qbank.analysis.core import analyse as run

    responses, keys, counts = load(work)
    result = run(responses, keys, counts)
    print(f"{result.candidates} candidates x {len(result.items)} items, KR-20 {result.kr20:.3f}")


def baseline(work: Path) -> None:
    """The same figures one item and one option at a time with scipy.stats.pointbiserialr."""
    from scipy.stats import pointbiserialr

    responses, keys, counts = load(work)
    scored = (responses == np.array(keys)).astype(float)
    total = scored.sum(axis=1)
    order = np.argsort(-total, kind="stable")
    g = round(0.27 * len(total))
    for j, (key, k) in enumerate(zip(keys, counts)):
        answered = responses[:, j] >= 0
        rest = (total - scored[:, j])[answered]
        pointbiserialr(scored[answered, j], rest)
        scored[order[:g], j].mean() - scored[order[-g:], j].mean()
        for o in range(k):
            chose = (responses[answered, j] == o).astype(float)
            chose.mean()
            pointbiserialr(chose, rest)
    p = scored.mean(axis=0)
    kr20 = len(keys) / (len(keys) - 1) * (1 - (p * (1 - p)).sum() / total.var())
    print(f"{len(total)} candidates x {len(keys)} items, KR-20 {kr20:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("prepare", "analyse", "baseline"))
    ap.add_argument("work", type=Path)
    ap.add_argument("--candidates", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.mode == "prepare":
        prepare(args.work, args.candidates, args.seed)
    else:
        (analyse if args.mode == "analyse" else baseline)(args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
