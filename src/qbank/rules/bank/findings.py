"""Findings of bank rules: at a question's `id`, naming related questions."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Severity
from ..base import BankItem, BankRule


def bank_diagnostic(rule: BankRule, item: BankItem, message: str, severity: Severity | None = None,
                    related: tuple = ()) -> Diagnostic:
    return Diagnostic(item.path, item.line, item.column, rule.code, rule.name, severity or rule.severity,
                      message, False, tuple(related))


def where(item: BankItem) -> tuple[str, int, int]:
    """``item``'s place, as a diagnostic's ``related`` entry."""
    return (item.path, item.line, item.column)
