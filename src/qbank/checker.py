"""The per-file checker: load, validate and lint one question file into a ``FileResult``.

Everything here works on one file and knows nothing of the run around it (engine.py) or
of the cache (cache.py); a ``FileResult`` is all either of them sees."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from . import diagnostics, suppress
from .diagnostics import Diagnostic, Severity
from .digest import blake2b, content_key
from .fsutil import read_file

if TYPE_CHECKING:
    from .model import Question
    from .rules.base import RuleOptions
    from .schema import Fields

# The loader, validator and rules are imported where a file is actually checked (_modules): a
# warm run that answers everything from the cache never loads YAML or compiles a rule regex.


@dataclass(slots=True)
class FileResult:
    """What one file contributes to a run; everything but ``question`` is cached."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    qid: str | None = None
    id_pos: tuple[int, int] = (1, 1)
    summaries: dict[str, Any] = field(default_factory=dict)
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    has_media: bool = False
    digests: dict[str, str] = field(default_factory=dict)  # summarizing bank rule -> hash of its summary
    question: Question | None = None
    key: str | None = None  # content key (digest.content_key) of what was checked
    made: Any = None        # what the run's ``Job.then`` made of the question (not cached)

    def to_wire(self) -> tuple:
        """Plain values (for marshal, between this process and a standby checker)."""
        return (self.path, [d.to_dict() for d in self.diagnostics], self.qid, list(self.id_pos), self.summaries,
                [s.to_list() for s in self.suppressions], self.has_media, self.digests, self.key)

    @classmethod
    def from_wire(cls, v: tuple) -> "FileResult":
        return cls(v[0], [Diagnostic.from_dict(d) for d in v[1]], v[2], tuple(v[3]), v[4],
                   [suppress.Suppression.from_list(s) for s in v[5]], v[6], v[7], None, v[8])


@dataclass(frozen=True)
class Job:
    """What every file of a run is checked with."""

    bank_root: str
    lint: bool
    options: RuleOptions
    want_questions: bool
    fields: Fields = ()     # the keys the bank declares for its items ([fields.NAME] in qbank.toml)
    # The caller's own work on each chunk of valid questions, done where they are checked (in
    # the workers): ``then([(question, id line), ...], bank_root)`` returns one value for each,
    # kept as FileResult.made. A module-level function: it is sent to the workers.
    then: Callable[[list[tuple[Question, int]], str], list[Any]] | None = None


def check_file(path: str, raw: bytes | None, job: Job) -> FileResult:
    """Load, validate and (for lint) run every item rule on one file (read from disk when
    ``raw`` is None). Never raises."""
    result = FileResult(path)
    try:
        _check_file(result, raw, job)
    except Exception as exc:  # a bug in qbank must still come out as a diagnostic
        import traceback  # only here: a warm run never needs it

        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.diagnostics.append(diagnostics.internal_error(
            path, f"qbank failed on this file ({where.name}:{where.lineno}); please report it with the file"))
    return result


def check_paths(paths: list[str], job: Job) -> list[FileResult]:
    """``check_file`` over files read from disk, in order (one chunk of a worker pool), and
    ``job.then`` over their valid questions. A ``then`` that fails leaves ``made`` None: the
    caller does that work itself."""
    results = [check_file(path, None, job) for path in paths]
    if job.then is not None:
        valid = [r for r in results if r.question is not None]
        try:
            made = job.then([(r.question, r.id_pos[0]) for r in valid], job.bank_root)
        except Exception:
            made = [None] * len(valid)
        for r, value in zip(valid, made):
            r.made = value
    return results


@cache  # once: import statements run per file cost a cold lint ~1%
def _modules() -> tuple[ModuleType, ModuleType, ModuleType, ModuleType, ModuleType]:
    from . import loader, model, rules, validate
    from .rules import base

    return loader, model, rules, base, validate


def _check_file(result: FileResult, raw: bytes | None, job: Job) -> None:
    loader, model, rules, base, validate = _modules()
    path = result.path
    if raw is None:
        raw, diag = read_file(path, job.bank_root)
        if diag:
            result.diagnostics.append(diag)
            return
    result.key = content_key(path, raw)
    doc, diags = loader.load(path, raw)
    result.diagnostics.extend(diags)
    if doc is None:
        return
    text_suppressions = suppress.from_comments(raw.decode("utf-8-sig", "replace")) if b"qbank:" in raw else []
    found, at_fault = validate.check_document_at_fault(doc, job.fields)
    diags.extend(found)
    data = doc.data
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            result.qid = data["id"]
            result.id_pos = doc.pos(("id",))
        result.has_media = any("![" in text for _, text in validate.markdown_fields(data))
        if result.has_media:
            diags.extend(validate.check_media(doc, job.bank_root))
    result.diagnostics = list(diags)
    valid = not any(d.severity is Severity.ERROR for d in diags)
    if job.lint:
        result.suppressions = text_suppressions + suppress.from_item(data, doc.pos)
    if valid:
        question, unknown = model.question_from_data(data, path), frozenset()
        if job.want_questions:
            result.question = question
    else:
        # The style rules still run on what can be read: a missing image or rationale must not
        # hide a flaw of the stem. A rule runs if the item has every part it needs (a rule that
        # reads the key needs exactly one). Their findings are not offered to --fix, which
        # rewrites only valid files.
        readable = model.readable_question(data, at_fault, path) if job.lint and at_fault is not None else None
        if readable is None:
            return
        question, unknown = readable
    if not job.lint:
        return
    ctx = base.ItemContext(doc, question, job.options)
    found = []
    for rule in rules.item_rules():
        if unknown and not unknown.isdisjoint(rule.needs):
            continue
        try:
            found.extend(rule.check(ctx))
        except Exception:  # one broken rule must not hide the others' findings
            found.append(internal_error(path, rule.code))
    result.diagnostics.extend(found if valid else [d.not_fixable() for d in found])
    for rule in rules.summarizers():
        if unknown and not unknown.isdisjoint(rule.needs):
            continue
        try:
            summary = result.summaries[rule.code] = rule.summarize(ctx)
            result.digests[rule.code] = summary_digest(summary)
        except Exception:
            result.diagnostics.append(internal_error(path, rule.code))


# json.dumps(..., sort_keys=True) builds an encoder per call; every summary of a file reuses this one.
_SUMMARY_JSON = json.JSONEncoder(sort_keys=True)


def summary_digest(summary: Any) -> str:
    """The hash a bank-rule summary is known by (in the cache and in bank-rule inputs)."""
    return blake2b(_SUMMARY_JSON.encode(summary).encode(), digest_size=8).hexdigest()


def internal_error(path: str, code: str) -> Diagnostic:
    """The finding that stands in for a rule that raised on a file."""
    return diagnostics.internal_error(path, f"rule {code} failed on this file; please report it with the file")
