"""`qbank lint --fix`: apply rules' fixes to a file through the checked round-trip rewrite.

Only the fixes asked for run (the codes reported for the file), safe ones always and
unsafe ones only with ``unsafe``. The file keeps its comments, key order, string styles,
indentation, blank lines, byte-order mark and line endings; the only changes are the
fixes. Like `fmt`, a file the loader reports errors for is never touched, and the new
text is re-read and must give exactly the fixed data before it is written (atomically).

A rule's ``fix(data, options)`` gets the round-trip tree with the comments already taken
off; they are put back afterwards by owner (see qbank.rewrite), so a fix only edits or
moves values. Moving an option object (sorting) takes its comments along; replacing an
option or removing a key that has a comment is refused rather than lose the comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .diagnostics import Diagnostic
from .loader import load
from .rewrite import RewriteRefused, internal_error, read_source, refused, rewrite, same, write_back
from .rules.base import Rule, RuleOptions

MAX_ROUNDS = 5  # one fix can enable another (sorting after a typography fix); never loop forever
_BOM = b"\xef\xbb\xbf"


@dataclass
class FixOutcome:
    """What `apply_fixes` did to one file."""

    path: str
    fixed: tuple[str, ...] = ()     # codes whose fixes changed the file (sorted)
    written: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)  # why it was not (fully) fixed
    before: str | None = None       # with ``write=False``: the text, and the text the fixes give
    after: str | None = None


def fixers(codes: Iterable[str], unsafe: bool, rules: Mapping[str, Rule] | None = None) -> list[Rule]:
    """The rules whose fixes may run for ``codes``, in code order."""
    if rules is None:
        from .rules import all_rules

        rules = all_rules()
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    wanted = set(codes)
    return [rule for code, rule in sorted(rules.items()) if code in wanted and rule.fix_safety in allowed]


class _NothingToFix(Exception):
    pass


class _FixFailed(Exception):
    def __init__(self, code: str, exc: Exception) -> None:
        super().__init__(code)
        self.code, self.exc = code, exc


def _run_fixes(rules: list[Rule], options: RuleOptions) -> Any:
    def transform(tree: Any) -> set[str]:
        fixed: set[str] = set()
        for _ in range(MAX_ROUNDS):
            changed = False
            for rule in rules:
                try:
                    if rule.fix(tree, options):
                        fixed.add(rule.code)
                        changed = True
                except Exception as exc:  # a rule's bug must not cost the author their file
                    raise _FixFailed(rule.code, exc) from exc
            if not changed:
                break
        if not fixed:
            raise _NothingToFix  # skip writing out and checking a file that stays as it is
        return fixed

    return transform


def fix_text(text: str, codes: Iterable[str], options: RuleOptions, unsafe: bool, *, path: str = "<text>",
             rules: Mapping[str, Rule] | None = None) -> tuple[str, tuple[str, ...]]:
    """``text`` with the fixes for ``codes`` applied, and the codes that changed it (text
    unchanged and no codes when nothing applied). Raises :class:`RewriteRefused`."""
    chosen = fixers(codes, unsafe, rules)
    if not chosen:
        return text, ()
    try:
        done = rewrite(text, _run_fixes(chosen, options), canonical=False, path=path, expect_same_data=False)
    except _NothingToFix:
        return text, ()
    except _FixFailed as failed:
        raise RewriteRefused([internal_error(path, f"the fix for {failed.code} failed on this file "
                                                   f"({type(failed.exc).__name__})")]) from failed
    if done is None or not done.result:
        return text, ()
    return done.text, tuple(sorted(done.result))


def apply_fixes(path: str | Path, codes: set[str], options: RuleOptions, unsafe: bool, *,
                rules: Mapping[str, Rule] | None = None, root: str | None = None,
                write: bool = True) -> FixOutcome:
    """Fix the problems ``codes`` in the file at ``path`` and write it back atomically if
    anything changed (never through a link out of the bank ``root``, when given). With
    ``write=False`` nothing is written: the outcome keeps the text before and after (for
    `lint --fix --diff`). Never raises for a bad file: problems come back as diagnostics."""
    name = str(path)
    outcome = FixOutcome(name)
    source = read_source(name, root)
    if isinstance(source, Diagnostic):
        outcome.diagnostics.append(source)
        return outcome
    raw, text, read_stat = source
    try:
        new, fixed = fix_text(text, codes, options, unsafe, path=name, rules=rules)
    except RewriteRefused as exc:
        outcome.diagnostics.extend(exc.diagnostics)
        return outcome
    except Exception as exc:  # a bug must not cost the author a file or stop the other files
        outcome.diagnostics.append(internal_error(name, f"--fix failed on this file ({type(exc).__name__})"))
        return outcome
    if not fixed:
        return outcome
    data = _like_original(new, raw)
    if data == raw:
        return outcome
    if not _reads_as(name, data, new):
        outcome.diagnostics.append(refused(name, "internal: the fixed file would not read back as intended; "
                                                 "it was left unchanged (please report it)"))
        return outcome
    if not write:
        outcome.fixed, outcome.before, outcome.after = fixed, text, new
        return outcome
    problem = write_back(name, data, read_stat, root)
    if problem is not None:
        outcome.diagnostics.append(problem)
        return outcome
    outcome.fixed, outcome.written = fixed, True
    return outcome


def _like_original(text: str, raw: bytes) -> bytes:
    """``text`` encoded with the original file's byte-order mark and line endings."""
    first_break = raw.find(b"\n")
    if first_break > 0 and raw[first_break - 1:first_break] == b"\r":
        text = text.replace("\n", "\r\n")
    return (_BOM if raw.startswith(_BOM) else b"") + text.encode("utf-8")


def _reads_as(path: str, data: bytes, text: str) -> bool:
    """Do the bytes about to be written read exactly like the checked ``text``?"""
    got, diags = load(path, data)
    want, _ = load(path, text.encode("utf-8"))
    return not diags and got is not None and want is not None and same(got.data, want.data)
