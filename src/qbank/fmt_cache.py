"""The contents that earlier `qbank fmt` runs found already in the canonical layout, so that
a later run (`fmt --check` in a pre-commit hook or CI job) reads and hashes such a file
instead of rewriting it in memory and comparing: the round trip costs milliseconds a file,
the hash microseconds.

Only a file that the full round trip left byte-identical is recorded, by a BLAKE2b digest of
its bytes, so a file is taken as formatted only if its exact content was found formatted
before, by the same layout: the set is keyed by qbank's version and the source of the
modules that decide the layout and how files read (fmt, rewrite, loader), and by the
ruamel.yaml and PyYAML versions. The file ``.qbank_cache/fmt-<key>.bin`` in the bank root
holds the digests and a checksum over them; one that is unreadable, corrupt, foreign, too
large or not a regular file inside the bank is ignored (and replaced on the next write),
so the cache can make a run faster, never change what it reports.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

from . import __version__
from .digest import blake2b
from .fsutil import CACHE_DIR, atomic_writer, cache_folder, read_bounded, remove_stale_temps

MAGIC = b"qbank fmt cache 1\n"
SIZE = 16                        # bytes per digest
MAX_BYTES = 32_000_000           # 2,000,000 digests: far more than any bank
KEEP_MIN = 100_000               # digests kept beyond this run's files (other folders, other branches)
_LAYOUT_MODULES = ("fmt.py", "rewrite.py", "loader.py")


def content_digest(raw: bytes) -> bytes:
    """What a formatted content is recorded as: its bytes' digest (not its path: a file
    moved or copied is still known)."""
    return blake2b(raw, digest_size=SIZE).digest()


def _layout_stamp() -> bytes:
    import ruamel.yaml
    import yaml

    h = blake2b(digest_size=SIZE)
    h.update(f"{__version__}\0{ruamel.yaml.__version__}\0{yaml.__version__}\0{sys.version_info[:2]}".encode())
    here = Path(__file__).parent
    for name in _LAYOUT_MODULES:
        h.update(b"\0" + (here / name).read_bytes())
    return h.digest()


class FmtCache:
    """The digests of contents known to be in the canonical layout, for the bank at ``root``."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.stamp = _layout_stamp()
        self.path = self.root / CACHE_DIR / f"fmt-{self.stamp.hex()[:16]}.bin"
        self.known: set[bytes] = set()
        self.found: set[bytes] = set()   # found formatted in this run

    def load(self) -> None:
        """Read what earlier runs recorded (nothing, if the file is unusable)."""
        try:
            blob = read_bounded(self.path, MAX_BYTES, root=self.root)
        except OSError:
            return
        head = len(MAGIC) + 2 * SIZE
        body = blob[head:]
        if (blob[:len(MAGIC)] != MAGIC or blob[len(MAGIC):len(MAGIC) + SIZE] != self.stamp
                or blob[len(MAGIC) + SIZE:head] != blake2b(self.stamp + body, digest_size=SIZE).digest()
                or len(body) % SIZE):
            return
        self.known = {body[i:i + SIZE] for i in range(0, len(body), SIZE)}

    def add(self, keys: Iterable[bytes]) -> None:
        self.found.update(keys)

    def save(self, files: int, started: float) -> None:
        """Record this run's findings with the earlier ones (only this run's, once the set
        grows past twice the ``files`` of this run and KEEP_MIN); nothing to write, nothing written."""
        keep = self.known | self.found
        if len(keep) > max(2 * files, KEEP_MIN):
            keep = self.found
        if keep == self.known:
            return
        try:
            folder = cache_folder(self.root)
            if folder is None:
                return
            remove_stale_temps([folder], self.root, started)
            body = b"".join(sorted(keep))
            with atomic_writer(self.path, keep_mode=False, durable=False) as fh:
                fh.write(MAGIC + self.stamp + blake2b(self.stamp + body, digest_size=SIZE).digest() + body)
        except OSError:
            pass  # a read-only bank still formats; it just is not cached

