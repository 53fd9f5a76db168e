"""The lint cache is never wrong (issue 10, points 4 and 5): whatever is in ``.qbank_cache``
(runs that raced, an edited or damaged file, a FIFO, a device, a symbolic link), a warm run
reports exactly what a --no-cache run reports, and never writes outside the bank."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import GOOD, defective_bank

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX-only")


def lint(cli, bank, *args):
    return cli("lint", bank, "--format", "json", *args).output


def uncached(cli, bank):
    return lint(cli, bank, "--no-cache")


def _age(bank):
    """Date every question a minute back, as if written long before the runs."""
    old = time.time_ns() - 60 * 10**9
    for path in bank.rglob("*.yaml"):
        os.utime(path, ns=(old, old))


def _stat_vouches(monkeypatch):
    """No racy window: a file changed before the recording run started is taken by its stat
    alone, so only the stat comparison can notice an edit (the case that tests it)."""
    import qbank.cache

    monkeypatch.setattr(qbank.cache, "RACY_NS", 0, raising=False)


def _cache(bank):
    return bank / ".qbank_cache"


def _snapshot(bank):
    return {f.name: f.read_bytes() for f in _cache(bank).iterdir()}


def _restore(bank, files):
    shutil.rmtree(_cache(bank))
    _cache(bank).mkdir()
    for name, data in files.items():
        (_cache(bank) / name).write_bytes(data)


def _delta(bank):
    (delta,) = _cache(bank).glob("lint-*.delta.json")
    return delta


def _base(bank):
    (base,) = [f for f in _cache(bank).glob("lint-*.json") if f.name.count(".") == 1]
    return base


def _unseal(path):
    """A cache file's JSON and a function that writes JSON back with a valid checksum, as a
    writer that means harm (or a bug that computes it over the wrong data) would."""
    from qbank.cache import seal, unseal

    def write(blob):
        path.write_bytes(seal(json.dumps(blob).encode()))

    return json.loads(unseal(path.read_bytes())), write


def test_two_concurrent_runs_leave_a_cache_every_later_run_can_use(cli, bank, monkeypatch):
    """Run A loads the cache, run B (after a file is edited back) loads it too, A rebases
    and B then writes its delta: the files on disk are A's base and B's delta, made from
    different bases. This assembles exactly that interleaving from the two runs' files."""
    from qbank.cache import Cache

    defective_bank(bank, 40)
    _age(bank)
    edited = bank / "t1" / "q001.yaml"
    original = edited.read_text()
    cli("lint", bank)
    edited.write_text(original.replace("trouble sleeping", "trouble sleeping badly"))
    cli("lint", bank)  # the base has the original stem's summary, the delta the edited one
    before = _snapshot(bank)
    with monkeypatch.context() as m:  # A: sees the edited file and rewrites the base
        m.setattr(Cache, "REBASE_MIN", 0)
        m.setattr(Cache, "REBASE_SHARE", 0)
        cli("lint", bank)
    rebased = _snapshot(bank)
    _restore(bank, before)
    edited.write_text(original)  # B: sees the file edited back and writes a delta over the old base
    cli("lint", bank)
    files = {**{n: d for n, d in rebased.items() if not n.endswith(".delta.json")}, _delta(bank).name: _delta(bank).read_bytes()}
    _restore(bank, files)
    expected = uncached(cli, bank)
    for _ in range(3):
        assert lint(cli, bank) == expected


def test_one_edited_digest_in_the_delta_is_ignored_not_a_crash(cli, bank):
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    edited = bank / "t1" / "q001.yaml"
    edited.write_text(edited.read_text().replace("trouble sleeping", "trouble sleeping badly"))
    expected = uncached(cli, bank)
    for resealed in (False, True):
        cli("lint", bank)
        delta = _delta(bank)
        if resealed:  # a checksum that holds: the cache must still not trust what it cannot back
            blob, write = _unseal(delta)
            for row in blob["rows"].values():
                row[-1] = {code: "0" * len(digest) for code, digest in row[-1].items()}
            write(blob)
        else:
            data = delta.read_bytes()
            delta.write_bytes(_flip(data, data.index(b'"QB902":"', data.index(b'"rows"')) + 9))
        for _ in range(2):  # and every later run
            assert lint(cli, bank) == expected


def _same_size_error(text: str) -> str:
    """``text`` with an unknown key in place of a known one: as long, and an error."""
    edited = text.replace("explanation:", "explanatiom:", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    return edited


def _recorded(cli, bank, monkeypatch):
    """A cached bank whose stats alone vouch for its files; one clean file and its stat."""
    _stat_vouches(monkeypatch)
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    path = bank / "t1" / "q001.yaml"
    return path, os.stat(path)


def test_an_edit_that_keeps_the_size_with_the_mtime_set_back_is_seen(cli, bank, monkeypatch):
    clean, before = _recorded(cli, bank, monkeypatch)
    clean.write_text(_same_size_error(clean.read_text()))
    os.utime(clean, ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch -r`
    assert (os.stat(clean).st_mtime_ns, os.stat(clean).st_size) == (before.st_mtime_ns, before.st_size)
    expected = uncached(cli, bank)
    assert "explanatiom" in expected
    assert lint(cli, bank) == expected


def test_a_file_replaced_by_another_with_the_same_size_and_mtime_is_seen(cli, bank, monkeypatch):
    target, before = _recorded(cli, bank, monkeypatch)
    other = bank / "t1" / "new.yaml.tmp"
    other.write_text(_same_size_error(target.read_text()))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, target)  # an editor's atomic save, with the old mtime kept
    expected = uncached(cli, bank)
    assert "explanatiom" in expected
    assert lint(cli, bank) == expected


def _flip(data: bytes, at: int) -> bytes:
    """``data`` with the hex digit at or after ``at`` changed to another hex digit."""
    hexdigits = b"0123456789abcdef"
    while data[at] not in hexdigits:
        at += 1
    return data[:at] + bytes([hexdigits[(hexdigits.index(data[at]) + 1) % 16]]) + data[at + 1:]


def test_a_flipped_hex_digit_in_the_key_of_a_file_with_errors_does_not_make_it_clean(cli, bank):
    defective_bank(bank, 12)
    _age(bank)
    expected = uncached(cli, bank)
    cli("lint", bank)
    good = _snapshot(bank)
    data = _base(bank).read_bytes()
    blob = json.loads(data[:data.rindex(b"}") + 1])
    keys = data.index(b'"keys"')
    assert blob["diags"]
    for key in list(blob["diags"])[:3]:
        _restore(bank, good)
        _base(bank).write_bytes(_flip(data, data.index(f'"{key}"'.encode(), keys) + 1))
        assert lint(cli, bank) == expected


def test_a_flipped_hex_digit_anywhere_in_any_cache_file_is_never_trusted(cli, bank):
    defective_bank(bank, 40)
    _age(bank)
    edited = bank / "t1" / "q001.yaml"
    edited.write_text(edited.read_text().replace("explanation:", "explaination:"))
    expected = uncached(cli, bank)
    cli("lint", bank)
    edited.write_text(edited.read_text() + "# reviewed\n")
    cli("lint", bank)  # a base, a delta, stores and states
    good = _snapshot(bank)
    assert any(n.endswith(".delta.json") for n in good) and any(n.endswith(".state") for n in good)
    for name, data in sorted(good.items()):
        if not name.startswith("lint-"):
            continue
        for share in (0.1, 0.5, 0.9):
            _restore(bank, good)
            (_cache(bank) / name).write_bytes(_flip(data, int(len(data) * share)))
            assert lint(cli, bank) == expected, (name, share)


def _limited(cmd, timeout=30):
    """``cmd`` in a child with 1.5 GB of address space (a read of /dev/zero fails fast
    instead of taking the machine's memory), killed after ``timeout`` seconds."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    return subprocess.run(cmd, capture_output=True, timeout=timeout, preexec_fn=limit)


@POSIX
@pytest.mark.parametrize("kind", ["base", "delta", "store", "state"])
def test_a_fifo_or_a_link_to_dev_zero_in_place_of_a_cache_file_neither_hangs_nor_exhausts_memory(cli, bank, kind):
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    edited = bank / "t1" / "q001.yaml"
    edited.write_text(edited.read_text().replace("trouble sleeping", "trouble sleeping badly"))
    cli("lint", bank)  # a delta; the next edit makes QB902 read its state, QB904 its store
    edited.write_text(edited.read_text().replace("trouble sleeping badly", "trouble sleeping at night")
                      .replace("Eligibility for a medication referral", "Eligibility for a referral"))
    expected = uncached(cli, bank)
    pick = {"base": _base, "delta": _delta,
            "store": lambda b: next(_cache(b).glob("lint-*.QB904.json")),
            "state": lambda b: next(_cache(b).glob("lint-*.QB902.index.state"))}[kind]
    target = pick(bank)
    saved = _snapshot(bank)
    cmd = [sys.executable, "-m", "qbank.cli", "lint", str(bank), "--format", "json"]
    for make in (os.mkfifo, lambda p: os.symlink("/dev/zero", p)):
        _restore(bank, saved)
        target.unlink()
        make(target)
        run = _limited(cmd)
        assert b"Traceback" not in run.stderr and run.stdout.decode() == expected
        assert lint(cli, bank) == expected


@pytest.mark.parametrize("stand_in", ["link", "file"])
def test_a_cache_folder_that_is_not_a_real_folder_is_neither_written_nor_emptied(cli, bank, tmp_path, stand_in):
    defective_bank(bank, 12)
    expected = uncached(cli, bank)
    cli("lint", bank)
    made = _snapshot(bank)  # a cache as qbank left it, now in another folder the link leads to
    shutil.rmtree(_cache(bank))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name, data in made.items():
        (elsewhere / name).write_bytes(data)
    (elsewhere / "lint-0123456789abcdef.json").write_text("someone else's file")
    (elsewhere / "notes.txt").write_text("mine")
    if stand_in == "link":
        _cache(bank).symlink_to(elsewhere)
    else:
        _cache(bank).write_text("not a folder")
    listing = {f.name: f.read_bytes() for f in elsewhere.iterdir()}
    path = bank / "t1" / "q001.yaml"
    for edit in ("# reviewed\n", "# reviewed twice\n"):
        path.write_text(path.read_text() + edit)
        assert lint(cli, bank) == uncached(cli, bank)
    assert {f.name: f.read_bytes() for f in elsewhere.iterdir()} == listing
    assert _cache(bank).is_symlink() if stand_in == "link" else _cache(bank).read_text() == "not a folder"
    assert expected
