"""What the importer tests share: a small bank to export and read back, the hostile zips
every package reader must refuse, and a comparison of imported questions with the bank's."""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from qbank.engine import load_bank
from qbank.export import run_export
from qbank.importers.base import ImportedItem

# A PNG of one pixel: real image bytes, so a changed or dropped byte shows.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082")

ROUND_TRIP_BANK = {
    "qbank.toml": 'name = "Round Trip"\n',
    "care/chart.yaml": """\
id: rt-chart-001
stem: |
  A client's weekly sessions are charted below.

  ![Bar chart of sessions](media/chart.png)

  Which week had the **most** sessions?
options:
  - text: Week 1
    rationale: Its bar is the *shortest* one.
  - text: Week 3
    correct: true
    rationale: Its bar is the tallest.
  - text: Week 2
    rationale: Its bar is in the middle.
explanation: The tallest bar is week 3; count the `sessions` column.
topic: Charts
tags: [images, charts]
difficulty: easy
""",
    "care/order.yaml": """\
id: rt-order-002
stem: What should the social worker do FIRST when a client discloses thoughts of self-harm?
options:
  - text: Assess the immediacy of the risk
    correct: true
  - text: Refer the client to a psychiatrist
    rationale: A referral comes after the risk $r_{t} \\ge 2$ is known.
  - text: Call the client's family
    rationale: Confidentiality comes before contacting anyone.
shuffle: false
explanation: |
  Safety first: the worker assesses risk before anything else.

  - ideation
  - plan
  - means
topic: Safety
points: 2.5
references: ["NASW Code of Ethics, 1.07"]
status: review
author: J. Doe
source: Practice exam 2024
license: CC-BY-4.0
""",
}


def write_bank(root: Path, files: dict[str, str] = ROUND_TRIP_BANK) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "care" / "media").mkdir(parents=True, exist_ok=True)
    (root / "care" / "media" / "chart.png").write_bytes(PIXEL)
    return root


def export(bank_root: Path, fmt: str, out: Path) -> tuple[Path, list]:
    """Export the bank with qbank's own exporter; the file and the bank's questions."""
    bank = load_bank([bank_root], use_cache=False)
    assert not [d for d in bank.diagnostics if d.severity.value == "error"], bank.diagnostics
    (path,) = run_export(bank, [fmt], out)
    return path, sorted(bank.questions, key=lambda q: q.id)


def codes(result) -> list[str]:
    """The codes of a ReadResult's diagnostics, sorted."""
    return sorted(d.code for d in result.diagnostics)


_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def images_as_bytes(text: str, media: dict[str, bytes], bank_root: Path | None = None, base: Path | None = None) -> str:
    """``text`` with every image reference replaced by a digest of the bytes it shows, so that
    an imported question and the bank's compare equal when they show the same image."""
    def swap(m: re.Match) -> str:
        ref = m.group(2)
        data = media.get(ref) if bank_root is None else (base / ref).read_bytes()
        return f"![{m.group(1)}](bytes:{zlib.crc32(data) if data is not None else 'missing:' + ref})"

    return _IMAGE.sub(swap, text)


def comparable(item: ImportedItem) -> dict:
    data = dict(item.data)
    for key in ("stem", "explanation"):
        if key in data:
            data[key] = images_as_bytes(data[key], item.media)
    return data


def bank_data(q, bank_root: Path, fields: tuple[str, ...]) -> dict:
    """The bank question as imported data holds it: ``fields`` only, images as their bytes."""
    base = Path(q.path).parent
    options = [{k: v for k, v in (("text", o.text), ("correct", True if o.correct else None),
                                  ("rationale", o.rationale)) if v is not None} for o in q.options]
    values = {"id": q.id, "stem": images_as_bytes(q.stem, {}, bank_root, base), "options": options,
              "shuffle": False if not q.shuffle else None, "explanation": images_as_bytes(q.explanation, {}, bank_root, base),
              "topic": q.topic, "tags": list(q.tags) or None, "difficulty": q.difficulty, "points": q.points,
              "references": list(q.references) or None, "status": q.status, "author": q.author, "source": q.source,
              "license": q.license}
    return {k: values[k].rstrip("\n") if isinstance(values[k], str) else values[k]
            for k in fields if values.get(k) is not None}


# --- hostile archives ----------------------------------------------------------------------

def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def traversal_zip(path: Path) -> Path:
    return zip_with(path, {"imsmanifest.xml": b"<manifest/>", "../../evil.txt": b"owned"})


def symlink_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("link.xml")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    return path


def bomb_zip(path: Path, size: int = 20 * 1024 * 1024) -> Path:
    """One member of ``size`` zero bytes: deflate packs it about 1000 to 1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("bomb.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as dest:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                dest.write(chunk)
    return path


def lying_zip(path: Path) -> Path:
    """A stored member whose header says 10 bytes while 100 follow: readers must not trust it."""
    zip_with(path, {"doc.xml": b"<a>" + b"x" * 93 + b"</a>"})
    raw = bytearray(path.read_bytes())
    # local header: uncompressed size at offset 22; central directory record: at offset 24
    struct.pack_into("<I", raw, 22, 10)
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 10)
    path.write_bytes(bytes(raw))
    return path


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE r [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
"""


def cut_short(path: Path, out: Path, pieces: int = 12) -> list[Path]:
    """Copies of ``path`` cut off at ``pieces`` evenly spaced points, and one with a byte flipped
    at each of those points: damaged downloads."""
    data = path.read_bytes()
    copies = []
    for i in range(1, pieces):
        at = len(data) * i // pieces
        for kind, blob in (("cut", data[:at]), ("flip", data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])):
            copy = out / f"{kind}{i}{path.suffix}"
            copy.write_bytes(blob)
            copies.append(copy)
    return copies
