"""Canvas QTI 1.2: a .zip as Canvas exports quizzes and question banks (`imsmanifest.xml`,
one folder per assessment or objectbank), or one questestinterop .xml file.

What is read, and where it goes:
- `assessment title` or the objectbank's `bank_title` (else its title) -> ``ImportedItem.folder``.
- `item`: qbank's own export writes ``ident="q-<id>" title="<id>"``, and the id comes back from
  the title; any other item's id is its `ident`, slugged (Canvas idents are stable across
  exports, titles such as "Question" are not).
- `qtimetadata question_type`: multiple_choice_question and true_false_question are held
  (an item without one is held when its response is a single choice); any other type
  (multiple_answers, essay, numerical, matching, fill_in_multiple_blanks, short_answer, ...)
  is one QB012, skipped. `points_possible` -> points (1, every target's default, is left out).
- the key: the choice whose `varequal` condition sets the score to the `decvar` maximum
  (Canvas: `setvar` 100; Blackboard: `SCORE.max`), else the one choice that scores most. None,
  or more than one -> QB013 / QB012.
- feedback (`displayfeedback linkrefid` -> `itemfeedback`): in a condition on one choice ->
  that choice's rationale; on `<other/>` before the scoring condition (Canvas `general_fb`,
  shown to everyone) -> the explanation; in the scoring condition (Canvas `correct_fb`) ->
  appended to the key's rationale, or the explanation when there is no general feedback; on
  `<other/>` after it (Canvas `general_incorrect_fb`, shown for every wrong answer) -> appended
  to each distractor's rationale. A rationale is thus what a candidate who chose it is told.
- `render_choice shuffle="No"` -> ``shuffle: false``; an absent attribute says nothing.
- images: `$IMS-CC-FILEBASE$/...` (URL-escaped or not) is the package's `web_resources/`
  folder (for a single .xml file, its own folder; nothing outside it is read); each image
  found there -> ``ImportedItem.media`` under its file name and a Markdown reference to that
  name. Sources not found are left as written.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..diagnostics import diagnostic
from .archive import Archive, Folder, guarded, is_zip, local, package_image, parse_xml, read_file, where
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import is_id, number, points, question_data, slug_id
from .markup import html_to_markdown, plain_to_markdown

HELD = {"multiple_choice_question", "true_false_question"}
FILEBASE = "$IMS-CC-FILEBASE$"
FILEBASE_DIR = "web_resources"


def read(path: Path, options: ImportOptions) -> ReadResult:
    path = Path(path)

    def work(result: ReadResult) -> None:
        if not is_zip(path):
            _read_document(read_file(path, options.max_bytes), str(path), _Media(Folder(path.parent, options.max_bytes), ""), result)
            return
        with Archive(path, options.max_bytes) as archive:
            for member in _documents(archive, result, path):
                _read_document(archive.read(member), where(path, member), _Media(archive, member), result)

    return guarded(path, work)


def _documents(archive: Archive, result: ReadResult, path: Path) -> list[str]:
    """The QTI documents of the package: the manifest's imsqti resources (Canvas also ships
    copies under non_cc_assessments/ that the manifest does not list as QTI), else every XML
    member whose root is questestinterop."""
    if archive.has("imsmanifest.xml"):
        root, problem = parse_xml(archive.read("imsmanifest.xml"), where(path, "imsmanifest.xml"))
        if problem:
            result.diagnostics.append(problem)
        else:
            listed = []
            for res in root.iter():
                if local(res.tag) == "resource" and (res.get("type") or "").startswith("imsqti_xmlv1p2"):
                    hrefs = [f.get("href") for f in res if local(f.tag) == "file" and f.get("href")]
                    listed += [h for h in hrefs or [res.get("href")] if h and h.endswith((".xml", ".qti"))]
            found = [h for h in dict.fromkeys(posixpath.normpath(unquote(h)) for h in listed) if archive.has(h)]
            if found:
                return found
    out = []
    for name in archive.names():
        if name.endswith((".xml", ".qti")) and name != "imsmanifest.xml":
            head = archive.read(name)[:2048]
            if b"questestinterop" in head:
                out.append(name)
    if not out:
        result.diagnostics.append(diagnostic("QB013", str(path), 1, 1, "the package holds no QTI 1.2 document "
                                             "(no questestinterop file)"))
    xml = [n for n in out if n.endswith(".xml")]
    return xml or out  # Canvas's `.xml.qti` files repeat its `.xml` ones


class _Media:
    """Finds the images an item's HTML refers to in the package and names them for the bank."""

    def __init__(self, archive: Archive | Folder, member: str) -> None:
        self.archive, self.folder = archive, posixpath.dirname(member)

    def resolve(self, src: str, media: dict[str, bytes]) -> str:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            return src
        rel = unquote(parts.path)
        if rel.startswith(FILEBASE):
            candidates = [FILEBASE_DIR + rel[len(FILEBASE):], rel[len(FILEBASE):].lstrip("/")]
        else:
            candidates = [posixpath.join(self.folder, rel), rel]
        return package_image(self.archive, candidates, media) or src


def _read_document(data: bytes, at: str, finder: _Media, result: ReadResult) -> None:
    root, problem = parse_xml(data, at)
    if problem:
        result.diagnostics.append(problem)
        return
    if local(root.tag) != "questestinterop":
        result.diagnostics.append(diagnostic("QB013", at, root.sourceline or 1, 1,
                                             f"not a QTI 1.2 document: the root is <{local(root.tag)}>, "
                                             "not <questestinterop>"))
        return
    for container in root:
        kind = local(container.tag)
        if kind == "item":
            _read_item(container, (), at, finder, result)
        elif kind in ("assessment", "objectbank", "section"):
            title = _meta(container).get("bank_title") or container.get("title") or ""
            folder = (title.strip(),) if title.strip() else ()
            for item in container.iter():
                if local(item.tag) == "item":
                    _read_item(item, folder, at, finder, result)


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c.tag) == name]


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if local(c.tag) == name), None)
    return el


def _meta(el: etree._Element) -> dict[str, str]:
    """The `qtimetadatafield` label -> entry pairs directly describing ``el``."""
    out: dict[str, str] = {}
    holders = _children(el, "qtimetadata") + [m for im in _children(el, "itemmetadata") for m in _children(im, "qtimetadata")]
    for meta in holders:
        for field in _children(meta, "qtimetadatafield"):
            label, entry = _first(field, "fieldlabel"), _first(field, "fieldentry")
            if label is not None and label.text:
                out[label.text.strip()] = (entry.text or "").strip() if entry is not None else ""
    return out


def _material(el: etree._Element | None, finder: _Media, media: dict[str, bytes]) -> str:
    """The Markdown of the `material` elements directly in ``el`` (or in its flow_mat/flow)."""
    if el is None:
        return ""
    parts = []
    for mat in el.iter():
        if local(mat.tag) != "material" or _inside_response(mat, el):
            continue
        for text in mat:
            name = local(text.tag)
            if name == "mattext":
                body = text.text or ""
                if (text.get("texttype") or "text/plain") == "text/html":
                    parts.append(html_to_markdown(body, lambda src: finder.resolve(src, media)))
                else:
                    parts.append(plain_to_markdown(body))
            elif name == "matimage" and text.get("uri"):
                parts.append(f"![]({finder.resolve(text.get('uri'), media)})")
            elif name == "mat_extension":  # Blackboard's HTML
                parts += [html_to_markdown(f.text or "", lambda src: finder.resolve(src, media))
                          for f in text if local(f.tag) == "mat_formattedtext"]
    return "\n\n".join(p for p in parts if p)


def _inside_response(el: etree._Element, top: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not top:
        if local(node.tag) in ("response_lid", "response_label", "response_str", "response_num", "response_grp"):
            return True
        node = node.getparent()
    return False


def _read_item(item: etree._Element, folder: tuple[str, ...], at: str, finder: _Media, result: ReadResult) -> None:
    line = item.sourceline or 1
    title = (item.get("title") or "").strip()
    ident = (item.get("ident") or "").strip()
    name = f"question {title or ident or 'at line ' + str(line)!r}"

    def skip(code: str, why: str) -> None:
        result.diagnostics.append(diagnostic(code, at, line, 1, f"{name}: {why}; skipped"))

    meta = _meta(item)
    qtype = meta.get("question_type", "")
    presentation = _first(item, "presentation")
    lids = [r for r in (presentation.iter() if presentation is not None else ()) if local(r.tag) == "response_lid"]
    others = [r for r in (presentation.iter() if presentation is not None else ())
              if local(r.tag) in ("response_str", "response_num", "response_grp", "response_xy", "response_extension")]
    if qtype and qtype not in HELD:
        return skip("QB012", f"its type is {qtype}, which qbank does not hold (single-answer multiple choice only)")
    if len(lids) != 1 or others or (lids[0].get("rcardinality") or "Single") != "Single":
        if qtype:
            return skip("QB013", f"its type is {qtype}, but it has no single-choice response")
        return skip("QB012", "not a single-answer multiple-choice question")
    lid = lids[0]

    media: dict[str, bytes] = {}
    stem = _material(presentation, finder, media)
    labels = [el for el in lid.iter() if local(el.tag) == "response_label"]
    idents = [el.get("ident") or "" for el in labels]
    texts = [_material(el, finder, media) for el in labels]
    if not stem:
        return skip("QB013", "it has no question text")
    if len(labels) < 2:
        return skip("QB013", f"it has {len(labels)} answer(s); a question needs at least two")
    if not all(texts):
        return skip("QB013", f"answer {texts.index('') + 1} has no text")

    proc = _first(item, "resprocessing")
    decvar = _first(proc, "outcomes", "decvar")
    top = number(decvar.get("maxvalue")) if decvar is not None else None
    top = 100.0 if top is None else top
    feedback = {fb.get("ident"): fb for fb in _children(item, "itemfeedback")}
    scores: dict[int, float] = {}   # option -> the score choosing it sets
    told: dict[int, list[str]] = {}   # option -> the feedback shown for choosing it
    general: list[str] = []
    correct: list[str] = []
    incorrect: list[str] = []
    scored = False
    for cond in _children(proc, "respcondition") if proc is not None else []:
        var = _first(cond, "conditionvar")
        chosen = [idents.index((v.text or "").strip()) for v in (var if var is not None else [])
                  if local(v.tag) == "varequal" and (v.text or "").strip() in idents]
        other = var is not None and any(local(v.tag) == "other" for v in var)
        sets = [s for s in _children(cond, "setvar") if (s.get("action") or "Set") in ("Set", "Add")]
        # Blackboard writes the maximum as `SCORE.max`
        given = [top if (s.text or "").strip().endswith(".max") else number(s.text) for s in sets]
        score = max((g for g in given if g is not None), default=None)
        texts_fb = [t for d in _children(cond, "displayfeedback") if d.get("linkrefid") in feedback
                    for t in [_material(feedback[d.get("linkrefid")], finder, media)] if t]
        if score is not None and score > 0 and len(chosen) == 1:
            scores[chosen[0]] = max(score, scores.get(chosen[0], 0.0))
            if score >= top:
                correct += texts_fb
                scored = True
        elif len(chosen) == 1 and not sets and texts_fb:
            told.setdefault(chosen[0], []).extend(texts_fb)
        elif other and not sets:
            (incorrect if scored else general).extend(texts_fb)
    best = max(scores.values(), default=0.0)
    # the choices that score full marks; without a declared maximum they reach, the one scoring most
    keys = [i for i, v in scores.items() if v >= top] or [i for i, v in scores.items() if v == best]
    if not keys:
        return skip("QB013", "no answer scores full marks, so it has no key")
    if len(keys) > 1:
        return skip("QB012", "more than one answer scores full marks (qbank holds one key)")
    key = keys[0]
    # What a candidate who chose an option is told: its own feedback, then the feedback for
    # every right (or every wrong) answer.
    explanation = "\n\n".join(general)
    if correct and not explanation:
        explanation, correct = "\n\n".join(correct), []
    rationale = {i: "\n\n".join(told.get(i, []) + (correct if i == key else incorrect)) for i in range(len(labels))}

    possible = number(meta.get("points_possible"))
    render = _first(lid, "render_choice")
    qid = title if is_id(title) and ident == f"q-{title}" else slug_id(ident or title)
    data = question_data(
        id=qid, stem=stem,
        options=[{"text": t, "correct": i == key, "rationale": rationale.get(i)} for i, t in enumerate(texts)],
        shuffle=False if render is not None and render.get("shuffle") == "No" else None,
        explanation=explanation,
        points=points(possible),
    )
    result.items.append(ImportedItem(data, line, folder, media))

