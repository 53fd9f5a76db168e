"""What a lint rule is: a code, a name, a default severity, a documented ``check``.

Item rules see one validated question at a time; bank rules see small per-file
summaries of the whole bank (so they run from the cache without reparsing).
A rule's docstring has the sections "What it flags", "Why", "Fails" and "Passes";
the YAML under "Fails"/"Passes" is run as a test, so docs and behaviour cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, MutableMapping, NamedTuple

from ..codes import CODES
from ..diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # only for annotations: keeps `qbank lint` on a warm cache from importing YAML
    from ..loader import Document
    from ..model import Question


_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string", list[str]: "list of strings"}


@dataclass(frozen=True)
class Option:
    """A setting a bank can give a rule in qbank.toml (``[lint.options]``), declared on the rule
    (``options = (Option(...),)``). qbank.toml is checked against it (config.py), `qbank rules CODE`
    lists it, and rules read its value as ``ctx.options.<attr>``."""

    name: str                       # as written in qbank.toml: "min-options"
    type: Any                       # int, float, bool, str or list[str]
    default: Any                    # as qbank.toml would write it (a list is a tuple here)
    help: str
    min: float | None = None        # inclusive bounds of an int or float
    max: float | None = None
    choices: tuple[str, ...] = ()   # the allowed values of a str, or of each item of a list[str]
    convert: Callable[[Any], Any] | None = None  # checked value -> what rules read (default: as is)
    attr: str = ""                  # attribute rules read; default: the name with "_" for "-"

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise TypeError(f"option {self.name}: type must be one of int, float, bool, str, list[str]")
        if not self.attr:
            object.__setattr__(self, "attr", self.name.replace("-", "_"))
        if self.problem(self.default) is not None:
            raise TypeError(f"option {self.name}: default {self.default!r} is not {self.expected()}")

    @property
    def type_name(self) -> str:
        return _TYPES[self.type]

    def bounds(self) -> str:
        """The allowed range or values, in words ("from 2 to 26"), or ""."""
        if self.choices:
            return "one of " + ", ".join(map(as_toml, self.choices))
        if self.min is not None and self.max is not None:
            return f"from {as_toml(self.min)} to {as_toml(self.max)}"
        if self.min is not None:
            return f"at least {as_toml(self.min)}"
        return f"at most {as_toml(self.max)}" if self.max is not None else ""

    def expected(self) -> str:
        """What a value must be, in words: "a whole number from 2 to 26"."""
        if self.type is str and self.choices:
            return self.bounds()
        what = {int: "a whole number", float: "a number", bool: "true or false", str: "text",
                list[str]: "a list of strings"}[self.type]
        if self.type == list[str] and self.choices:
            return f"{what}, each {self.bounds()}"
        bounds = self.bounds()
        return f"{what} of {bounds}" if bounds.startswith("at ") else f"{what} {bounds}".rstrip()

    def problem(self, value: Any) -> str | None:
        """Why ``value`` (as read from TOML) is not allowed, or None."""
        if self.type == list[str]:
            ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
            items = list(value) if ok else []
        elif self.type is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            items = []
        else:
            ok = isinstance(value, self.type) and (self.type is bool or not isinstance(value, bool))
            items = [value] if ok and self.type is str else []
        if not ok:
            return f"must be {self.expected()}, not {as_toml(value)}"
        if self.type in (int, float) and ((self.min is not None and value < self.min)
                                          or (self.max is not None and value > self.max)):
            return f"= {as_toml(value)} is out of range: it must be {self.expected()}"
        bad = [v for v in items if self.choices and v not in self.choices]
        if bad:
            which = "" if self.type is str else f": {as_toml(bad[0])}"
            return f"= {as_toml(value)}{which} is not allowed; it must be {self.expected()}"
        return None

    def resolve(self, value: Any) -> Any:
        """What rules read for an allowed ``value``."""
        if self.convert is not None:
            return self.convert(value)
        if self.type == list[str]:
            return tuple(value)
        return float(value) if self.type is float else value

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type_name, "default": _plain(self.default), "min": self.min,
                "max": self.max, "choices": list(self.choices), "help": self.help}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def as_toml(value: Any) -> str:
    """``value`` as qbank.toml writes it (true, "text", [1, 2])."""
    import json

    return json.dumps(_plain(value), ensure_ascii=False)


# Every declared option, by attribute: (rule code, Option). Filled as rule classes are defined
# (Rule.__init_subclass__), so a rule's options are known once its module is imported;
# rules.declared_options() imports every rule module first.
_DECLARED: dict[str, tuple[str, Option]] = {}


def loaded_options() -> dict[str, tuple[str, Option]]:
    """The options of the rule classes defined so far, by qbank.toml name: (rule code, Option)."""
    return {opt.name: (code, opt) for code, opt in _DECLARED.values()}


class RuleOptions:
    """The rule options of one run, read as attributes (``ctx.options.min_options``): the values
    the config set (checked there), else each declared Option's default. Immutable and picklable
    (workers get it). ``given`` is what the config set, by attribute; the cache key hashes it."""

    def __init__(self, **given: Any) -> None:
        object.__setattr__(self, "given", dict(given))
        self.__dict__.update(given)

    def __getattr__(self, attr: str) -> Any:
        """A declared option the config did not set: its default (kept for the next read)."""
        if attr.startswith("_") or attr == "given":
            raise AttributeError(attr)
        if attr not in _DECLARED:
            raise AttributeError(f"no rule declares an option read as `{attr}` (a rule that reads another "
                                 "rule's option imports that rule's module)")
        opt = _DECLARED[attr][1]
        value = opt.resolve(opt.default)
        self.__dict__[attr] = value
        return value

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError("RuleOptions is immutable")

    def __reduce__(self) -> tuple:
        return (_rule_options, (self.given,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleOptions) and other.given == self.given

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, _hashable(v)) for k, v in self.given.items())))

    def __repr__(self) -> str:
        return f"RuleOptions({', '.join(f'{k}={v!r}' for k, v in sorted(self.given.items()))})"


def _rule_options(given: dict[str, Any]) -> RuleOptions:
    return RuleOptions(**given)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


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
    name: ClassVar[str]          # both from the code's entry in codes.py
    severity: ClassVar[Severity]
    # "safe": `qbank lint --fix` applies it; "unsafe": only with --unsafe-fixes; None: no fix.
    fix_safety: ClassVar[str | None] = None
    scope: ClassVar[str] = "item"  # or "bank"
    options: ClassVar[tuple[Option, ...]] = ()  # the settings a bank can give this rule
    # The parts of the question the rule reads that an item with validation errors may lack
    # (model.KEY, model.EXPLANATION): on such an item the rule runs only if it has them all.
    needs: ClassVar[frozenset[str]] = frozenset({"key"})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Take the name and severity from the code registry (a class may repeat them, but then
        they must agree), and declare the rule's options. A code outside the registry (a test's
        rule) names itself."""
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        entry = CODES.get(code)
        if entry is not None:
            for attr, value in (("name", entry.name), ("severity", Severity(entry.severity))):
                if attr in cls.__dict__ and cls.__dict__[attr] != value:
                    raise TypeError(f"{cls.__qualname__}: {attr} {cls.__dict__[attr]!r} of {code} disagrees "
                                    f"with codes.py ({value!r})")
                setattr(cls, attr, value)
            if cls.scope != entry.kind:
                raise TypeError(f"{cls.__qualname__}: {code} is a {entry.kind} rule in codes.py, not {cls.scope}")
        elif not (isinstance(cls.__dict__.get("name"), str) and isinstance(cls.__dict__.get("severity"), Severity)):
            raise TypeError(f"{cls.__qualname__}: {code} is not in codes.py, so the class must set name and severity")
        for opt in cls.__dict__.get("options", ()):
            owner = _DECLARED.get(opt.attr)
            if owner is not None and owner[0] != code:
                raise TypeError(f"{cls.__qualname__}: option {opt.name} is already declared by {owner[0]}")
            _DECLARED[opt.attr] = (code, opt)

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
    root: str = ""  # the bank root, for rules that also read a file of the bank (the statistics store)


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
