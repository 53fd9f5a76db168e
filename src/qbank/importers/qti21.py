"""IMS QTI 2.1: a content package (imsmanifest.xml, one assessmentItem file per question,
assessmentTests), or one assessmentItem .xml file.

What is read, and where it goes:
- an item is held when its body has exactly one interaction, a `choiceInteraction` that
  allows one choice (`maxChoices="1"`, or absent with a single-cardinality response), and its
  response declares exactly one correct value that names a choice (without a
  `correctResponse`, as Canvas writes QTI 2.1: the one choice its `responseIf match` rules
  score highest; the feedback those rules set for a choice is that choice's rationale). Any other interaction
  (text entry, order, match, several choices...) is one QB012; a broken one, one QB013.
- stem: the item body without the interaction and its feedback, plus the interaction's
  `prompt`; options: each `simpleChoice` without its `feedbackInline`. MathML becomes TeX
  (`\\(...\\)`, its own TeX annotation when it has one). Template items (variables computed
  when shown) are QB012.
- feedback: qbank's own export writes one `modalFeedback` per choice (identifier = the choice)
  holding `div.qb-rationale` (the rationale) and `div.qb-explanation` (the explanation).
  Elsewhere, a `feedbackInline` in a choice, or a `modalFeedback`/`feedbackBlock` whose
  identifier is a choice's, is that choice's rationale; one named like "correct" is the
  key's rationale (the explanation when there is no other); one named like "incorrect" is
  the rationale of each distractor with none of its own; any other is the explanation.
- id: qbank writes `identifier="q-<id>" title="<id>"` and the id comes back from the title;
  any other item's id is its identifier, slugged. `SCORE normalMaximum` (or MAXSCORE's
  default, or Canvas's `instructureField points_possible`) -> points (1 is left out); `shuffle="false"` -> ``shuffle: false``.
- folder: the titles of the assessmentSections of the test that references the item.
- images (`img src`) relative to the item file, in the package (or beside a single item
  file, never outside its folder) -> ``ImportedItem.media``.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..diagnostics import diagnostic
from .archive import Archive, Folder, guarded, is_zip, local, package_image, parse_xml, read_file, where
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import is_id, number, points, question_data, slug_id
from .markup import html_to_markdown, mathml_tex

FEEDBACK = ("modalFeedback", "feedbackBlock", "feedbackInline")
CORRECT = re.compile(r"(?i)^(correct|right|true)([-_ ]?(fb|feedback))?$")
INCORRECT = re.compile(r"(?i)^(incorrect|wrong|false)([-_ ]?(fb|feedback))?$")


def read(path: Path, options: ImportOptions) -> ReadResult:
    path = Path(path)

    def work(result: ReadResult) -> None:
        if not is_zip(path):
            root, problem = parse_xml(read_file(path, options.max_bytes), str(path))
            if problem:
                result.diagnostics.append(problem)
            else:  # its images are files beside it
                _read_item(root, str(path), (), Folder(path.parent, options.max_bytes), "", result)
            return
        with Archive(path, options.max_bytes) as archive:
            items, folders = _package(archive, path, result)
            for member in items:
                root, problem = parse_xml(archive.read(member), where(path, member))
                if problem:
                    result.diagnostics.append(problem)
                else:
                    _read_item(root, where(path, member), folders.get(member, ()), archive, member, result)

    return guarded(path, work)


def _package(archive: Archive, path: Path, result: ReadResult) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The item files (the manifest's, else every XML member that is an assessmentItem) and,
    for each, the section titles of the test that references it."""
    items: list[str] = []
    tests: list[str] = []
    if archive.has("imsmanifest.xml"):
        root, problem = parse_xml(archive.read("imsmanifest.xml"), where(path, "imsmanifest.xml"))
        if problem:
            result.diagnostics.append(problem)
        else:
            for res in root.iter():
                kind = (res.get("type") or "") if local(res.tag) == "resource" else ""
                href = res.get("href")
                if href and kind.startswith("imsqti_item_xmlv2p"):
                    items.append(posixpath.normpath(unquote(href)))
                elif href and kind.startswith("imsqti_test_xmlv2p"):
                    tests.append(posixpath.normpath(unquote(href)))
    items = [m for m in dict.fromkeys(items) if archive.has(m)]
    if not items:
        for name in archive.names():
            if name.endswith(".xml") and name != "imsmanifest.xml":
                head = archive.read(name)[:4096]
                if b"<assessmentItem" in head or b":assessmentItem" in head:
                    items.append(name)
                elif b"assessmentTest" in head:
                    tests.append(name)
    if not items:
        result.diagnostics.append(diagnostic("QB013", str(path), 1, 1,
                                             "the package holds no QTI 2.1 assessmentItem"))
    folders: dict[str, tuple[str, ...]] = {}
    for test in tests:
        if not archive.has(test):
            continue
        root, problem = parse_xml(archive.read(test), where(path, test))
        if problem:
            result.diagnostics.append(problem)
            continue
        base = posixpath.dirname(test)

        def walk(el: etree._Element, trail: tuple[str, ...]) -> None:
            for child in el:
                name = local(child.tag)
                if name in ("testPart", "assessmentSection"):
                    title = (child.get("title") or "").strip() if name == "assessmentSection" else ""
                    walk(child, trail + ((title,) if title else ()))
                elif name == "assessmentItemRef" and child.get("href"):
                    member = posixpath.normpath(posixpath.join(base, unquote(child.get("href"))))
                    folders.setdefault(member, trail)

        walk(root, ())
    return items, folders


_SPACE = re.compile(r"[ \t\r\n]+")


def _plain(el: etree._Element, drop: tuple[str, ...], pre: bool = False) -> etree._Element:
    """A copy of ``el`` without namespaces, without the elements named in ``drop``, MathML as
    TeX text, and the source's indentation dropped (not in `pre`): runs of spaces are one, a
    line break and the indentation after it one line break."""
    def flow(text: str | None) -> str | None:  # a line break stays one (a soft break in Markdown)
        return text if pre or not text else _SPACE.sub(lambda m: "\n" if "\n" in m.group() else " ", text)

    def append(text: str | None) -> None:
        if text:
            if len(out):
                out[-1].tail = (out[-1].tail or "") + text
            else:
                out.text = (out.text or "") + text

    out = etree.Element(local(el.tag) or "span", {k: v for k, v in el.attrib.items() if "}" not in k})
    out.text = flow(el.text)
    for child in el:
        name = local(child.tag)
        if name == "math":
            append(mathml_tex(child))
        elif name and name not in drop:
            copy = _plain(child, drop, pre or name == "pre")
            copy.tail = None
            out.append(copy)
        append(flow(child.tail))  # the text after a dropped element stays
    return out


def _inner_html(el: etree._Element | None, drop: tuple[str, ...] = ()) -> str:
    if el is None:
        return ""
    plain = _plain(el, drop)
    return html.escape(plain.text or "", quote=False) + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in plain)



def _rules(root: etree._Element, response_id: str | None) -> tuple[dict[str, float], dict[str, str]]:
    """From explicit response rules (`responseIf match(RESPONSE, choice)`): the score each
    choice sets, and feedback identifier -> the choice whose rule sets FEEDBACK to it."""
    scored: dict[str, float] = {}
    feedback_of: dict[str, str] = {}
    for rule in root.iter():
        if local(rule.tag) not in ("responseIf", "responseElseIf") or not len(rule) or local(rule[0].tag) != "match":
            continue
        match = rule[0]
        names = {local(m.tag): m for m in match}
        if names.get("variable") is None or names["variable"].get("identifier") != response_id or "baseValue" not in names:
            continue
        choice = (names["baseValue"].text or "").strip()
        for action in rule[1:]:
            if local(action.tag) != "setOutcomeValue":
                continue
            values = [(v.text or "").strip() for v in action.iter() if local(v.tag) == "baseValue"]
            if action.get("identifier") == "SCORE" and values and number(values[-1]) is not None:
                scored[choice] = max(scored.get(choice, 0.0), number(values[-1]))
            elif action.get("identifier") == "FEEDBACK":
                feedback_of.update((v, choice) for v in values)
    return scored, feedback_of


def _read_item(root: etree._Element, at: str, folder: tuple[str, ...], archive: Archive | Folder, member: str,
               result: ReadResult) -> None:
    line = root.sourceline or 1
    if local(root.tag) != "assessmentItem":
        result.diagnostics.append(diagnostic("QB013", at, line, 1, f"not a QTI 2.1 item: the root is "
                                             f"<{local(root.tag)}>, not <assessmentItem>"))
        return
    ident, title = (root.get("identifier") or "").strip(), (root.get("title") or "").strip()
    name = f"item {title or ident or 'at line ' + str(line)!r}"

    def skip(code: str, why: str, el: etree._Element = root) -> None:
        result.diagnostics.append(diagnostic(code, at, el.sourceline or line, 1, f"{name}: {why}; skipped"))

    body = next((c for c in root if local(c.tag) == "itemBody"), None)
    if any(local(el.tag) in ("templateDeclaration", "printedVariable", "templateProcessing") for el in root.iter()):
        return skip("QB012", "a template item (its values are computed each time it is shown), which qbank "
                             "does not hold")
    interactions = [el for el in (body.iter() if body is not None else ()) if local(el.tag).endswith("Interaction")]
    if len(interactions) != 1 or local(interactions[0].tag) != "choiceInteraction":
        kinds = sorted({local(el.tag) for el in interactions}) or ["no interaction"]
        return skip("QB012", f"holds {', '.join(kinds)}; qbank holds one single-answer choiceInteraction only")
    interaction = interactions[0]
    response_id = interaction.get("responseIdentifier")
    declaration = next((c for c in root if local(c.tag) == "responseDeclaration"
                        and c.get("identifier") == response_id), None)
    cardinality = declaration.get("cardinality") if declaration is not None else None
    if interaction.get("maxChoices", "1" if cardinality == "single" else "0") != "1" or cardinality != "single":
        return skip("QB012", "its choiceInteraction allows more than one choice (qbank holds one key)", interaction)
    correct = [(v.text or "").strip() for c in declaration if local(c.tag) == "correctResponse"
               for v in c if local(v.tag) == "value"]
    choices = [c for c in interaction.iter() if local(c.tag) == "simpleChoice"]
    idents = [c.get("identifier") for c in choices]
    scored, feedback_of = _rules(root, response_id)
    if not correct:  # no correctResponse: the choice its rules score highest (Canvas's own QTI 2.1 does this)
        top = max(scored.values(), default=0)
        correct = [c for c, v in scored.items() if v == top] if top > 0 else []
    if len(correct) != 1 or correct[0] not in idents:
        return skip("QB013", "its response does not declare exactly one correct choice, so it has no key", declaration)
    key = idents.index(correct[0])

    media: dict[str, bytes] = {}
    base = posixpath.dirname(member)

    def image(src: str) -> str:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            return src
        return package_image(archive, [posixpath.join(base, unquote(parts.path))], media) or src

    def markdown(fragment: str) -> str:
        return html_to_markdown(fragment, image)

    prompt = next((c for c in interaction if local(c.tag) == "prompt"), None)
    stem = "\n\n".join(t for t in (markdown(_inner_html(body, ("choiceInteraction",) + FEEDBACK)),
                                   markdown(_inner_html(prompt))) if t)
    texts = [markdown(_inner_html(c, FEEDBACK)) for c in choices]
    if not stem:
        return skip("QB013", "it has no question text")
    if len(choices) < 2:
        return skip("QB013", f"it has {len(choices)} choice(s); a question needs at least two", interaction)
    if not all(texts):
        return skip("QB013", f"choice {texts.index('') + 1} has no text", choices[texts.index("")])

    rationale: dict[int, str] = {}
    explanations: list[str] = []
    for i, choice in enumerate(choices):
        inline = [markdown(_inner_html(f)) for f in choice.iter() if local(f.tag) == "feedbackInline"]
        if any(inline):
            rationale[i] = "\n\n".join(t for t in inline if t)
    on_correct: list[str] = []
    on_incorrect: list[str] = []
    blocks = [f for f in root if local(f.tag) == "modalFeedback"]
    blocks += [f for f in (body.iter() if body is not None else ()) if local(f.tag) == "feedbackBlock"]
    for fb in blocks:
        fid = (fb.get("identifier") or "").strip()
        parts = {c.get("class"): c for c in fb if local(c.tag) == "div" and c.get("class") in ("qb-rationale",
                                                                                                 "qb-explanation")}
        if parts and fid in idents:  # qbank's own: rationale and explanation apart
            if "qb-rationale" in parts:
                rationale.setdefault(idents.index(fid), markdown(_inner_html(parts["qb-rationale"])))
            if "qb-explanation" in parts:
                text = markdown(_inner_html(parts["qb-explanation"]))
                if text and text not in explanations:
                    explanations.append(text)
            continue
        text = markdown(_inner_html(fb))
        if not text:
            continue
        chosen = fid if fid in idents else feedback_of.get(fid)
        if chosen in idents:
            rationale.setdefault(idents.index(chosen), text)
        elif CORRECT.match(fid):
            on_correct.append(text)
        elif INCORRECT.match(fid):
            on_incorrect.append(text)
        elif text not in explanations:
            explanations.append(text)
    explanation = "\n\n".join(explanations)
    if on_correct:
        if explanation or key in rationale:
            rationale.setdefault(key, "\n\n".join(on_correct))
        else:
            explanation = "\n\n".join(on_correct)
    for i in range(len(choices)):
        if i != key and on_incorrect:
            rationale.setdefault(i, "\n\n".join(on_incorrect))

    declared = {d.get("identifier"): d for d in root if local(d.tag) == "outcomeDeclaration"}
    score = number(declared["SCORE"].get("normalMaximum")) if "SCORE" in declared else None
    if score is None and "MAXSCORE" in declared:
        score = number(next((v.text for v in declared["MAXSCORE"].iter() if local(v.tag) == "value"), None))
    if score is None:  # Canvas keeps its points in its own metadata
        score = number(next((f.get("value") for f in root.iter() if local(f.tag) == "instructureField"
                             and f.get("name") == "points_possible"), None))
    qid = title if is_id(title) and ident == f"q-{title}" else slug_id(ident or title)
    data = question_data(
        id=qid, stem=stem,
        options=[{"text": t, "correct": i == key, "rationale": rationale.get(i)} for i, t in enumerate(texts)],
        shuffle=False if interaction.get("shuffle") == "false" else None,
        explanation=explanation,
        points=points(score),
    )
    result.items.append(ImportedItem(data, line, folder, media))
