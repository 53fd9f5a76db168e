"""What a lint rule is: a code, a name, a default severity, a documented ``check``.

Item rules see one validated question at a time; bank rules see small per-file
summaries of the whole bank (so they run from the cache without reparsing).
A rule's docstring has the sections "What it flags", "Why", "Fails" and "Passes";
the YAML under "Fails"/"Passes" is run as a test, so docs and behaviour cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, MutableMapping, NamedTuple

from ..diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # only for annotations: keeps `qbank lint` on a warm cache from importing YAML
    from ..loader import Document
    from ..model import Question


@dataclass(frozen=True)
class RuleOptions:
    """Rule parameters a bank can set in its config (see config.py)."""

    min_options: int = 3
    max_options: int = 5
    stem_stoplist: frozenset[str] = frozenset()


@dataclass
class ItemContext:
    """One valid question, where its parts stand in the file, and the rule options."""

    doc: Document
    question: Question
    options: RuleOptions = field(default_factory=RuleOptions)

    @property
    def path(self) -> str:
        return self.doc.path


class Rule:
    """Base of every rule. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    # "safe": `qbank lint --fix` applies it; "unsafe": only with --unsafe-fixes; None: no fix.
    fix_safety: ClassVar[str | None] = None
    scope: ClassVar[str] = "item"  # or "bank"

    def diagnostic(self, ctx: ItemContext, path: tuple, message: str,
                   severity: Severity | None = None, *, at_key: bool = True,
                   offset: int | None = None) -> Diagnostic:
        """A finding pointing at ``path`` in the question (its key line, or its value); with
        ``offset``, at that character of the text when its place in the file is certain."""
        where = ctx.doc.text_pos(path, offset) if offset is not None else None
        line, col = where or (ctx.doc.pos(path) if at_key else ctx.doc.value_at(path))
        return Diagnostic(ctx.path, line, col, self.code, self.name, severity or self.severity,
                          message, fixable=self.fix_safety is not None)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:  # pragma: no cover - abstract
        raise NotImplementedError

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        """Rewrite ``data`` (a ruamel.yaml round-trip mapping of one question) in place so the
        finding goes away; True if anything changed. Keep string styles (see keep_style)."""
        return False


class BankRule(Rule):
    """A rule over the whole bank. ``summarize`` runs per file (cached); ``check_bank``
    runs once over all summaries, in path order."""

    scope: ClassVar[str] = "bank"

    def summarize(self, ctx: ItemContext) -> Any:
        """Small, JSON-serialisable facts about one question that ``check_bank`` needs."""
        raise NotImplementedError

    def check_bank(self, items: list["BankItem"], options: RuleOptions) -> Iterator[Diagnostic]:
        raise NotImplementedError

    # A stateful rule keeps what it worked out between runs (in the lint cache, one file per
    # part) and gets it back in ``check_incremental``, so that a few edits cost a few
    # files' work.
    stateful: ClassVar[bool] = False
    state_parts: ClassVar[tuple[str, ...]] = ()

    def check_incremental(self, bank: "BankInput", options: RuleOptions, state: dict[str, Any] | None
                          ) -> tuple[list[Diagnostic], dict[str, list[bytes] | None] | None]:
        """Findings over ``bank`` and the state to keep: each part as chunks of bytes to
        write in order, or None to keep that part's file as it is. ``state``: the last
        run's parts (bytes-like, or None when missing), or None; the rule must check them,
        as the cache is never trusted. By default: every summary, through ``check_bank``,
        and no state."""
        rows = [i for i, digest in enumerate(bank.digests) if digest is not None]
        items = list(map(BankItem, map(bank.paths.__getitem__, rows), map(bank.lines.__getitem__, rows),
                         map(bank.columns.__getitem__, rows), bank.summaries()))
        return list(self.check_bank(items, options)), None

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        return iter(())


@dataclass(frozen=True)
class BankInput:
    """The bank as a rule over it sees it, one list per fact in path order: where each file
    is, the digest of its summary for this rule (None: it has none) and, on demand, the
    summary itself (fetching one can cost a cache read; unchanged files' are rarely needed)."""

    paths: list[str]
    lines: list[int]
    columns: list[int]
    digests: list[str | None]
    summary: Callable[[int], Any]
    summaries: Callable[[], list[Any]]  # every file's that has one, in order (one batch read)


class BankItem(NamedTuple):
    """One question as bank rules see it: where it is and this rule's summary of it.
    (A named tuple: a rerun makes 10,000 of them, and a frozen dataclass is 5x slower.)"""

    path: str
    line: int       # position of the question's `id` (or 1, 1)
    column: int
    summary: Any


def keep_style(old: Any, new: str) -> Any:
    """``new`` wrapped in the same ruamel.yaml scalar type as ``old`` (literal, folded,
    quoted...), so a fix never changes how the author chose to write a value."""
    cls = type(old)
    if cls is str or not isinstance(old, str):
        return new
    try:
        return cls(new)
    except TypeError:
        return new
