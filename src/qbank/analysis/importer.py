"""`qbank stats import`: read an LMS results file, map its questions to the bank's items,
compute (or take) each item's statistics and merge them into qbank-stats.json.

Questions map by qbank id first: a qbank QTI export names each item by its id (the item
title, which Canvas reports as Question Title), qbank's own responses CSV gives ids. A
report that carries only the question's text (Canvas Student Analysis, Moodle Responses) is
matched to the one item whose stem has that text, and every such match is reported (QB026);
a question matching no item, or several, is reported and left out (QB027). Answers given as
text map to the option with that text (else QB028, counted as not answered).
"""

from __future__ import annotations

import datetime
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..diagnostics import Diagnostic, diagnostic, plural
from ..fsutil import read_bounded
from . import store as stats_store
from .readers import Answers, Malformed, ReadResult, Ref, Reported, warn

FORMATS = {  # --format name -> reader module (qbank.analysis.readers.<module>)
    "canvas-item-analysis": "canvas_item_analysis",
    "canvas-student-analysis": "canvas_student_analysis",
    "moodle": "moodle",
    "responses-csv": "responses_csv",
}
MAX_RESULTS_BYTES = 200_000_000  # 1.2 M answers in responses-csv are ~50 MB
# Candidates x items the statistics are computed over at once (~30 bytes a cell at the peak):
# 40,000 candidates x 250 items; 10,000 x 122 is 1.2 M.
MAX_CELLS = 10_000_000


@dataclass
class ImportResult:
    """What an import did: the store entries written (by item id), the form's, every finding,
    and whether the store was written."""

    items: dict[str, dict] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    by_text: int = 0

    @property
    def failed(self) -> bool:
        return any(d.severity.value == "error" for d in self.diagnostics)


_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|td|th)>|<br\s*/?>", re.I)


def _plain(text: str, html: bool = False) -> str:
    """Text as compared: the bank's Markdown, or with ``html`` an LMS cell (which may be HTML),
    reduced to its words."""
    from ..textkit.markup import normalize, plain

    if html and "<" in text and ">" in text:
        import lxml.html

        try:  # a block's end is a space between words, not nothing
            text = lxml.html.fromstring(_BLOCK_END.sub(r" \g<0>", text)).text_content()
        except Exception:  # lxml's ParserError for markup it cannot read: keep the text as it is
            pass
    return normalize(plain(text))


class _Bank:
    """The bank's items as results name them: by id, and by the plain text of the stem."""

    def __init__(self, questions: Sequence[Any]) -> None:
        self.by_id = {q.id: q for q in questions}
        self.by_text: dict[str, list[Any]] = {}
        for q in questions:
            self.by_text.setdefault(_plain(q.stem), []).append(q)
        self.option_text = {q.id: {_plain(o.text): i for i, o in enumerate(q.options)} for q in questions}
        self.longest = max((len(q.stem) for q in questions), default=0)

        self.said: set[str] = set()  # items whose match by text was reported (once each)

    def by_stem(self, text: str) -> list[Any]:
        """The items whose stem is ``text``; or, for Moodle's question summary ("<stem>: <option>;
        <option>..."), whose stem is the part before one of its ": "."""
        found = self.by_text.get(_plain(text, html=True), [])
        if found:
            return found
        # a stem is at most so long, even as HTML: a hostile cell with many ": " costs little
        cuts = [m.start() for m in re.finditer(": ", text[:4 * self.longest + 200])][:64]
        hits = {q.id: q for i in cuts for q in self.by_text.get(_plain(text[:i], html=True), [])}
        return list(hits.values())

    def match(self, ref: Ref, shown: str, out: list[Diagnostic]) -> Any | None:
        if ref.id is not None:
            # the id as qbank exports name items: QTI's title (the id) or identifier ("q-" + id)
            for qid in (ref.id, ref.id[2:] if ref.id.startswith("q-") else None):
                if qid in self.by_id:
                    return self.by_id[qid]
        named = f"'{(ref.id or ref.text or '')[:60]}'"
        found = self.by_stem(ref.text) if ref.text else []
        if len(found) == 1:
            q = found[0]
            if q.id not in self.said:
                self.said.add(q.id)
                out.append(warn("QB026", shown, ref.line, f"question {named} matched item '{q.id}' by its text, "
                                f"not by id ({q.path}); check the match"))
            return q
        why = f"matches {len(found)} items by text ({', '.join(q.id for q in found[:3])})" if found \
            else "matches no item of the bank by id or text"
        out.append(warn("QB027", shown, ref.line, f"question {named} {why}; its results are left out"))
        return None


def _entry(n: int, p: float | None, rpb: float | None, upper_lower: float | None, options: list[dict],
           source: str, day: str) -> dict:
    r = (lambda v: None if v is None else round(float(v), 6))
    return {"n": int(n), "p": r(p), "rpb": r(rpb), "upper_lower": r(upper_lower),
            "options": [{"rate": r(o["rate"]), "rpb": r(o["rpb"])} for o in options], "source": source,
            "imported": day}


def _display(q: Any, orders: dict[str, tuple[int, ...]]) -> list[int]:
    """The written index of each option in the order candidates saw them: the form's, else as written."""
    order = orders.get(q.id)
    return list(order) if order is not None and sorted(order) == list(range(len(q.options))) \
        else list(range(len(q.options)))


def _from_reports(reported: list[Reported], bank: _Bank, shown: str, day: str, out: list[Diagnostic],
                  orders: dict[str, tuple[int, ...]]) -> dict:
    items: dict[str, dict] = {}
    for rep in reported:
        q = bank.match(rep.ref, shown, out)
        if q is None:
            continue
        key = q.key_index
        if len(rep.distractor_rpbs) < len(q.options) - 1:
            out.append(warn("QB028", shown, rep.ref.line, f"item '{q.id}' has {len(q.options)} options, the report "
                            f"{plural(len(rep.distractor_rpbs) + 1, 'answer')}; it is left out"))
            continue
        # Canvas lists the distractors in the order the quiz has its answers: the form's, or as written
        by_written = dict(zip([i for i in _display(q, orders) if i != key], rep.distractor_rpbs))
        options = [{"rate": rep.p, "rpb": rep.rpb} if i == key else {"rate": None, "rpb": by_written[i]}
                   for i in range(len(q.options))]
        items[q.id] = _entry(rep.n, rep.p, rep.rpb, rep.upper_lower, options, shown, day)
    return items


def _from_answers(answers: Answers, bank: _Bank, shown: str, day: str, out: list[Diagnostic],
                  orders: dict[str, tuple[int, ...]]) -> tuple[dict, int, float | None]:
    import numpy as np

    from .core import MISSING, analyse

    questions = [bank.match(ref, shown, out) for ref in answers.refs]
    matched = sorted({q.id: q for q in questions if q is not None}.values(), key=lambda q: q.id)
    if answers.candidates * len(matched) > MAX_CELLS:
        raise Malformed(f"{answers.candidates:,} candidates x {len(matched):,} items is more than qbank computes at "
                        f"once ({MAX_CELLS:,} answers); import the results in parts, a form or a group at a time")
    column = {q.id: j for j, q in enumerate(matched)}
    # Each answer as an option index (-1: none of the item's options), a text looked up once.
    texts: dict[tuple[int, str], int] = {}
    codes = np.empty(len(answers.answer), dtype=np.int64)
    if not answers.by_text:
        codes[:] = answers.answer
    for i, (k, answer) in enumerate(zip(answers.question, answers.answer) if answers.by_text else ()):
        if isinstance(answer, str):
            q = questions[k]
            if (k, answer) not in texts:
                texts[(k, answer)] = -1 if q is None else bank.option_text[q.id].get(_plain(answer, html=True), -1)
            answer = texts[(k, answer)]
        codes[i] = answer
    k = np.frombuffer(answers.question, dtype=np.dtype("l")).astype(np.int64)
    col = np.array([column[q.id] if q is not None else -1 for q in questions] or [0], dtype=np.int64)[k]
    n_options = np.array([len(q.options) if q is not None else 0 for q in questions] or [0], dtype=np.int64)[k]
    kept = col >= 0
    fits = kept & (codes >= 0) & (codes < n_options)
    if not answers.by_text and orders:  # a letter names the option in the form's order: back to as written
        width = max((len(q.options) for q in matched), default=1)
        written = np.array([(_display(q, orders) + [0] * width)[:width] if q is not None else [0] * width
                            for q in questions], dtype=np.int64)
        codes = np.where(fits, written[k, np.where(fits, codes, 0)], codes)
    responses = np.full((answers.candidates, len(matched)), MISSING, dtype=np.int16)
    who = np.frombuffer(answers.who, dtype=np.dtype("l"))
    responses[who[fits], col[fits]] = codes[fits]
    unknown: dict[tuple[str, str], int] = {}
    for i in np.nonzero(kept & ~fits)[0]:
        unknown.setdefault((questions[answers.question[i]].id, str(answers.answer[i])), answers.line[i])
    for (qid, answer), line in sorted(unknown.items(), key=lambda kv: kv[1]):
        what = f"option letter {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[int(answer)]}" if answer.isdigit() \
            else f"answer '{answer[:60]}'"
        out.append(warn("QB028", shown, line, f"the {what} is none of item '{qid}''s options; counted as not answered"))
    if not matched:
        return {}, 0, None
    analysis = analyse(responses, [q.key_index for q in matched], [len(q.options) for q in matched])
    items = {q.id: _entry(s.n, s.p, s.rpb, s.upper_lower, [{"rate": o.rate, "rpb": o.rpb} for o in s.options],
                          shown, day) for q, s in zip(matched, analysis.items)}
    return items, analysis.candidates, analysis.kr20


def import_stats(results: Path, fmt: str, questions: Sequence[Any], root: Path, *, form: str | None = None,
                 orders: dict[str, tuple[int, ...]] | None = None, today: datetime.date | None = None,
                 write: bool = True) -> ImportResult:
    """Read ``results`` as ``fmt`` (a FORMATS name), map it to ``questions`` (the bank's valid
    items) and merge the statistics into ``root``/qbank-stats.json (unless ``write`` is False).
    ``form`` names the form whose KR-20 is stored (default: the results file's name); ``orders``
    (item id -> the form's option order) says in which order candidates saw each item's options,
    which is what a letter (responses-csv) and Canvas's distractor columns refer to."""
    orders = orders or {}
    if fmt not in FORMATS:
        raise ValueError(f"unknown results format {fmt!r}; one of {', '.join(FORMATS)}")
    out = ImportResult()
    shown = results.name
    day = (today or datetime.date.today()).isoformat()
    try:
        raw = read_bounded(results, MAX_RESULTS_BYTES)
    except OSError as exc:
        out.diagnostics.append(diagnostic("QB025", shown, 1, 1, f"the file cannot be read: {exc}"))
        return out
    reader = importlib.import_module(f"{__package__}.readers.{FORMATS[fmt]}")
    try:
        read: ReadResult = reader.read(raw, shown)
    except Malformed as exc:
        out.diagnostics.append(diagnostic("QB025", shown, exc.line, 1, str(exc)))
        return out
    bank = _Bank(questions)
    found = out.diagnostics
    if read.answers is not None:
        try:
            out.items, candidates, kr20 = _from_answers(read.answers, bank, shown, day, found, orders)
        except Malformed as exc:
            found.append(diagnostic("QB025", shown, exc.line, 1, str(exc)))
            return out
    else:
        out.items = _from_reports(read.reported, bank, shown, day, found, orders)
        candidates, kr20 = max((r.n for r in read.reported), default=0), read.kr20
    out.by_text = sum(d.code == "QB026" for d in found)
    if out.items and (kr20 is not None or candidates):
        out.forms = {form or results.stem: {"n": int(candidates), "kr20": None if kr20 is None else round(kr20, 6)}}
    if not write or not out.items:
        return out
    current, problem = stats_store.load(root)
    if problem is not None:
        found.append(problem)
        return out
    stats_store.save(root, stats_store.merge(current, out.items, out.forms))
    out.written = True
    return out
