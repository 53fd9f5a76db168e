"""Readers that turn an existing bank (an LMS export, a spreadsheet, an Anki package) into qbank
questions: import -> write. One module per format, each exposing ``read(path, options)``
returning :class:`qbank.importers.base.ReadResult`; :mod:`qbank.importers.write` places the
items into a bank. Nothing here imports click."""
