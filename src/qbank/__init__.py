"""qbank: author, validate, lint and export multiple-choice question banks.

The Python API (see :mod:`qbank.api`)::

    import qbank

    result = qbank.lint(["bank"])        # diagnostics and files checked
    qbank.reformat(["bank"], check=True)   # what `qbank fmt --check` would change
    qbank.export_bank(["bank"], ["anki", "csv"])   # into exports/ in the bank root

The names below are imported on first use, so ``import qbank`` stays cheap. They cannot be
``fmt``, ``export``, ``site`` or ``validate``: those are the modules ``qbank.fmt``, ``qbank.export``,
``qbank.site`` and ``qbank.validate``, and an imported submodule replaces a package attribute of its name.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    **dict.fromkeys(["lint", "lint_source", "reformat", "export_bank", "load_bank", "build_site", "resolve_paths",
                     "LintResult", "ExportResult", "import_stats", "export_paper", "PaperResult"], "qbank.api"),
    "FmtRun": "qbank.fmt",
    "FmtResult": "qbank.fmt",
    **dict.fromkeys(["QbankError", "UsageError", "ExportError", "BankHasErrors", "NothingSelected",
                     "OutputError"], "qbank.errors"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qbank' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
