"""Readers that turn an existing bank (an LMS export, a spreadsheet, an Anki package) into qbank
questions: import -> write. One module per format, each exposing ``read(path, options)``
returning :class:`qbank.importers.base.ReadResult`; :mod:`qbank.importers.write` places the
items into a bank. Nothing here imports click."""

from __future__ import annotations

from importlib import import_module
from typing import Callable

# FORMAT (as `qbank import FORMAT` spells it) -> module in this package. Modules load on use, so
# an import of one format never pays for another format's libraries.
READERS: dict[str, str] = {
    "moodle": "moodle",     # Moodle XML
    "gift": "gift",
    "aiken": "aiken",
    "canvas": "qti12",      # Canvas QTI 1.2 (.zip with imsmanifest.xml, or one .xml)
    "qti21": "qti21",       # IMS QTI 2.1 content package
    "csv": "tabular",
    "xlsx": "tabular",
    "apkg": "apkg",         # an Anki package written by qbank
}


def reader(fmt: str) -> Callable:
    """The ``read(path, options)`` function of FORMAT."""
    return import_module(f"{__name__}.{READERS[fmt]}").read
