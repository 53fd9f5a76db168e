"""The exceptions qbank raises to its callers. The command line turns them into messages and
exit codes (a usage error is exit 2); the library never exits or prints."""

from __future__ import annotations


class QbankError(Exception):
    """Base of every error qbank raises on purpose (bugs are other exceptions)."""


class UsageError(QbankError):
    """The call cannot be carried out as asked: no bank to check, a path that does not
    exist, an unknown rule code or export format."""


class NoBank(UsageError):
    """No paths were given and there is no default bank: no ``bank/`` folder in the working
    folder and no qbank.toml at or above it."""


class ExportError(QbankError):
    """The bank cannot be exported as asked (an image that cannot be read, say): exit 1."""


class BankHasErrors(ExportError):
    """The bank has errors (``diagnostics`` lists every finding): nothing is exported."""

    def __init__(self, diagnostics: list) -> None:
        super().__init__("the bank has errors; fix them and export again")
        self.diagnostics = diagnostics


class NothingSelected(ExportError):
    """No question is left to export: the bank has none, or none matches the filters."""


class OutputError(QbankError):
    """The output folder cannot be used (a file where a folder should be, read-only): exit 2."""
