"""QB902's stem index: after any sequence of edits, the index carried from run to run finds
exactly what an index built from scratch finds."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import struct

import pytest

from qbank.rules.bank.duplicate_stem import DuplicateStem
from qbank.rules.bank.stem_index import Settings, StemIndex
from qbank.rules.bank.stem_index_store import from_parts, to_parts
from qbank.rules.base import BankInput, RuleOptions


def summary(hashes: set[int], exact: str | None = None) -> dict:
    ordered = sorted(hashes)
    exact = exact or hashlib.blake2b(repr(ordered).encode(), digest_size=8).hexdigest()
    return {"h": exact, "s": base64.b64encode(struct.pack(f"<{len(ordered)}I", *ordered)).decode()}


class Bank:
    """A synthetic bank whose stems share boilerplate hashes (counts hovering around the
    boilerplate cap), come in near-duplicate families, and sometimes repeat exactly."""

    def __init__(self, rnd: random.Random, n: int) -> None:
        self.rnd = rnd
        self.items: dict[str, dict] = {}
        self.serial = 0
        for _ in range(n):
            self.items[self.new_path()] = self.stem()

    def new_path(self) -> str:
        self.serial += 1
        return f"bank/t{self.rnd.randrange(3)}/q{self.rnd.randrange(10_000):05d}-{self.serial}.yaml"

    def stem(self) -> dict:
        rnd = self.rnd
        words = set(rnd.sample(range(1, 13), 5))                      # boilerplate-ish, smallest hashes
        family = rnd.randrange(8)
        words |= {10_000 + family * 100 + j for j in range(20) if rnd.random() < 0.9}
        words |= {rnd.randrange(1_000_000, 2_000_000) for _ in range(rnd.randrange(0, 4))}
        return summary(words)

    def edit(self) -> None:
        rnd, paths = self.rnd, sorted(self.items)
        kind = rnd.choice(["change", "change", "add", "remove", "copy", "rename"])
        if kind == "change" or (kind == "remove" and len(paths) < 10):
            self.items[rnd.choice(paths)] = self.stem()
        elif kind == "add":
            self.items[self.new_path()] = self.stem()
        elif kind == "remove":
            del self.items[rnd.choice(paths)]
        elif kind == "copy":  # an exact duplicate of another stem
            self.items[rnd.choice(paths)] = dict(self.items[rnd.choice(paths)])
        else:
            self.items[self.new_path()] = self.items.pop(rnd.choice(paths))

    def columns(self) -> tuple[list[str], list[str], list[dict]]:
        paths = sorted(self.items)
        summaries = [self.items[p] for p in paths]
        return paths, [hashlib.blake2b(json.dumps(s).encode()).hexdigest() for s in summaries], summaries


def report(paths: list[str], digests: list[str], index: StemIndex) -> list:
    bank = BankInput(paths, [1] * len(paths), [1] * len(paths), digests, lambda i: None, list)
    return DuplicateStem()._report(bank, index)


@pytest.mark.parametrize("share", [Settings().boilerplate_share, 0.5])
@pytest.mark.parametrize("seed", range(4))
def test_an_index_kept_across_edits_finds_what_a_fresh_one_finds(seed, share, monkeypatch):
    settings = Settings(boilerplate_share=share, boilerplate_max=10**6)  # 0.5: the cap moves with the bank size
    ways = {"_same_files": 0, "_other_files": 0}
    for way in ways:
        def counted(self, *args, _way=way, _real=getattr(StemIndex, way)):
            ways[_way] += 1
            return _real(self, *args)
        monkeypatch.setattr(StemIndex, way, counted)
    rnd = random.Random(seed)
    bank = Bank(rnd, 60)
    paths, digests, summaries = bank.columns()
    kept = StemIndex.build(paths, digests, summaries.__getitem__, settings)
    files = save({}, kept)
    pairs_seen, boilerplate_sets, caps = 0, set(), set()
    for _ in range(60):
        for _ in range(rnd.choice([1, 1, 1, 2, 5])):
            bank.edit()
        paths, digests, summaries = bank.columns()
        fetched: list[int] = []

        def fetch(i: int) -> dict:
            fetched.append(i)
            return summaries[i]

        kept = from_parts(files).update(paths, digests, fetch, settings)
        files = save(files, kept)
        fresh = StemIndex.build(paths, digests, summaries.__getitem__, settings)
        assert kept.pairs == fresh.pairs
        assert (kept.paths, kept.digests, kept.exact) == (fresh.paths, fresh.digests, fresh.exact)
        assert report(paths, digests, kept) == report(paths, digests, fresh)
        pairs_seen += len(fresh.pairs)
        caps.add(fresh.cap)
        boilerplate_sets.add(frozenset(h for h in range(1, 13) if fresh._count(h) > fresh.cap))
    assert pairs_seen > 0 and len(boilerplate_sets) > 1  # pairs, and hashes crossing the line
    assert all(ways.values())  # edits within the same files, and files added or removed
    assert len(caps) > 1 or share == Settings().boilerplate_share  # the cap moved: a rebuild


def test_an_update_after_one_edit_reads_only_the_edited_summary():
    rnd = random.Random(7)
    bank = Bank(rnd, 200)
    paths, digests, summaries = bank.columns()
    index = StemIndex.build(paths, digests, summaries.__getitem__)
    path = paths[50]
    bank.items[path] = bank.stem()
    paths, digests, summaries = bank.columns()
    fetched: list[int] = []
    index.update(paths, digests, lambda i: fetched.append(i) or summaries[i])
    assert fetched == [paths.index(path)]


def save(files: dict[str, bytes], index: StemIndex) -> dict[str, bytes]:
    """What the lint cache does with an index: write each part it gives, keep the others."""
    return {**files, **{part: b"".join(chunks) for part, chunks in to_parts(index).items() if chunks is not None}}


def test_an_update_leaves_the_shingles_of_the_build_alone():
    rnd = random.Random(5)
    bank = Bank(rnd, 80)
    paths, digests, summaries = bank.columns()
    files = save({}, StemIndex.build(paths, digests, summaries.__getitem__))
    bank.items[paths[10]] = bank.stem()
    paths, digests, summaries = bank.columns()
    parts = to_parts(from_parts(files).update(paths, digests, summaries.__getitem__))
    assert parts["shingles"] is None and parts["index"]


def test_a_damaged_index_is_refused():
    rnd = random.Random(3)
    paths, digests, summaries = Bank(rnd, 30).columns()
    files = save({}, StemIndex.build(paths, digests, summaries.__getitem__))
    assert save({}, from_parts(files)) == {"index": files["index"]}  # a reload writes no shingles
    other = save({}, StemIndex.build(paths, digests, summaries.__getitem__))  # another build, another token
    index = files["index"]
    for damage in ({"index": index[:-3]}, {"index": index + b"x"}, {"index": b"garbage"},
                   {"index": index.replace(b'"v":3', b'"v":9')}, {"index": index.replace(b'"rows":', b'"rows":1')},
                   {"shingles": other["shingles"]}, {"shingles": files["shingles"][:-4]}, {"shingles": None}):
        with pytest.raises(ValueError):
            from_parts({**files, **damage})
    rule = DuplicateStem()
    bank = BankInput(paths, [1] * len(paths), [1] * len(paths), digests, summaries.__getitem__, lambda: summaries)
    expected, _ = rule.check_incremental(bank, RuleOptions(), None)
    assert rule.check_incremental(bank, RuleOptions(), {**files, "shingles": other["shingles"]})[0] == expected


def test_an_index_kept_under_other_settings_is_built_again_under_the_new_ones():
    rnd = random.Random(11)
    paths, digests, summaries = Bank(rnd, 80).columns()
    files = save({}, StemIndex.build(paths, digests, summaries.__getitem__))
    assert from_parts(files).settings == Settings()
    strict = Settings(similarity=0.95, boilerplate_max=30)
    kept = from_parts(files).update(paths, digests, summaries.__getitem__, strict)
    fresh = StemIndex.build(paths, digests, summaries.__getitem__, strict)
    assert kept.settings == strict and kept.pairs == fresh.pairs
    assert from_parts(save(files, kept)).settings == strict
    assert StemIndex.build(paths, digests, summaries.__getitem__).pairs != fresh.pairs  # the setting matters here
