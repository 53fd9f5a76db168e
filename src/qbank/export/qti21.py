"""IMS QTI 2.1 content package: one assessmentItem file per question and an assessmentTest.

Layout of the zip:
    imsmanifest.xml                 IMS CP 1.1 manifest listing every file
    assessment.xml                  assessmentTest referencing each item (in a form's order; with
                                    --pools, one assessmentSection per blueprint area with
                                    `<selection select="k"/>`: the LMS draws k of its items)
    items/<item id>.xml             one assessmentItem per question
    media/<packaged name>           images, referenced as ../media/... from the items

The rendered HTML becomes QTI's XHTML subset element by element (never by pasting
strings): elements QTI lacks (`s`) become a classed `span`, attributes it lacks
(`style`, `title`, `start`) are dropped or turned into a class.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import BinaryIO

from lxml import etree

from .common import (XSI, ExportJob, MediaFile, RenderedQuestion, cp_manifest, cp_sub, decimal, item_ident,
                     media_used, sections, write_zip, xml_safe)

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
ITEM_DIR, MEDIA_DIR, TEST_FILE = "items/", "media/", "assessment.xml"
RESPONSE, SCORE, FEEDBACK = "RESPONSE", "SCORE", "FEEDBACK"

# HTML elements of the renderer's output that QTI 2.1 has, with the attributes it allows.
_KEEP: dict[str, set[str]] = {
    **{t: set() for t in ("p", "pre", "code", "em", "strong", "ul", "li", "blockquote", "hr", "br",
                          "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
                          "span", "div", "sub", "sup", "b", "i", "kbd", "q", "cite", "abbr")},
    "ol": set(), "a": {"href"}, "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"},
}
_RENAME = {"s": "span", "del": "span", "strike": "span", "ins": "span", "u": "span", "mark": "span"}


_TAGS: dict[str, str] = {}


def q(tag: str) -> str:
    return _TAGS.get(tag) or _TAGS.setdefault(tag, f"{{{QTI_NS}}}{tag}")


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, q(tag), attrib) if attrib else etree.SubElement(parent, q(tag))
    if text is not None:
        el.text = text
    return el


def _parse_fragment(fragment: str) -> etree._Element:
    """The renderer's HTML as an element tree. markdown-it writes XHTML-style markup
    (`<br />`, quoted attributes, only &amp; &lt; &gt; &quot;), so an XML parser reads it;
    anything else falls back to the forgiving HTML parser."""
    text = xml_safe(fragment)
    try:
        return etree.fromstring(f"<root>{text}</root>")
    except etree.XMLSyntaxError:
        from lxml import html as lhtml

        wrapper = lhtml.fragment_fromstring(text, create_parent="root")
        return wrapper


def _convert(src: etree._Element, dst: etree._Element) -> None:
    """Copy the children of ``src`` into ``dst`` as QTI XHTML."""
    _append_text(dst, src.text)
    for child in src:
        if not isinstance(child.tag, str):  # comments, processing instructions
            _append_text(dst, child.tail)
            continue
        tag = child.tag.lower()
        classes = [c for c in (child.get("class") or "").split() if c]
        if tag in _RENAME:
            classes.append(tag)
            tag = _RENAME[tag]
        if tag not in _KEEP:
            classes.append(f"html-{tag}")
            tag = "span" if _inline_only(child) else "div"
        style = (child.get("style") or "").replace(" ", "")
        if style.startswith("text-align:"):
            classes.append("align-" + style.split(":", 1)[1].strip(";"))
        if tag == "ol" and child.get("start"):
            classes.append(f"start-{child.get('start')}")
        el = etree.SubElement(dst, q(tag))
        for name in sorted(_KEEP[tag]):
            value = child.get(name)
            if value is not None:
                el.set(name, value)
        if tag == "img" and el.get("alt") is None:
            el.set("alt", "")
        if classes:
            el.set("class", " ".join(dict.fromkeys(c for c in classes if _is_class(c))))
            if not el.get("class"):
                del el.attrib["class"]
        _convert(child, el)
        _append_text(dst, child.tail)


def _is_class(name: str) -> bool:
    return all(ch.isalnum() or ch in "-_" for ch in name)


def _inline_only(el: etree._Element) -> bool:
    blocks = {"p", "div", "pre", "ul", "ol", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
    return not any(isinstance(d.tag, str) and d.tag.lower() in blocks for d in el.iter())


def _append_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


@lru_cache(maxsize=4096)
def _converted(fragment: str) -> etree._Element:
    """``fragment`` as QTI XHTML inside a holder element; cached because an item repeats its
    explanation in every choice's feedback. Callers copy, never change, what it holds."""
    holder = etree.Element(q("div"))
    _convert(_parse_fragment(fragment), holder)
    return holder


# One paragraph of text, the most common fragment by far (options, rationales).
_ONE_PARAGRAPH = re.compile(r"<p>([^<]*)</p>")


def add_html(parent: etree._Element, fragment: str) -> None:
    simple = _ONE_PARAGRAPH.fullmatch(fragment)
    if simple:  # the renderer escapes only & < > ", so unescaping gives the text back exactly
        etree.SubElement(parent, q("p")).text = xml_safe(html.unescape(simple.group(1)))
        return
    holder = _converted(fragment)
    _append_text(parent, holder.text)
    for child in holder:
        parent.append(child.__copy__())  # lxml copies the whole subtree, tail text included


def block(parent: etree._Element, css_class: str, fragment: str) -> etree._Element:
    div = _sub(parent, "div", **{"class": css_class})
    add_html(div, fragment)
    return div


def item_xml(rq: RenderedQuestion) -> bytes:
    ident = item_ident(rq.id)
    root = etree.Element(q("assessmentItem"), nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    for name, value in (("identifier", ident), ("title", rq.id), ("adaptive", "false"), ("timeDependent", "false")):
        root.set(name, value)
    letters = [rq.letter(i) for i in range(len(rq.options))]

    response = _sub(root, "responseDeclaration", identifier=RESPONSE, cardinality="single", baseType="identifier")
    _sub(_sub(response, "correctResponse"), "value", letters[rq.key_index])
    points = decimal(rq.points)
    score = _sub(root, "outcomeDeclaration", identifier=SCORE, cardinality="single", baseType="float",
                 normalMaximum=points)
    _sub(_sub(score, "defaultValue"), "value", "0")
    maximum = _sub(root, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
    _sub(_sub(maximum, "defaultValue"), "value", points)
    _sub(root, "outcomeDeclaration", identifier=FEEDBACK, cardinality="single", baseType="identifier")

    body = _sub(root, "itemBody")
    block(body, "qb-stem", rq.stem)
    order = rq.order
    interaction = _sub(body, "choiceInteraction", responseIdentifier=RESPONSE,
                       shuffle="true" if order.shuffle else "false", maxChoices="1")
    for i, (letter, text) in enumerate(zip(letters, rq.options)):
        choice = _sub(interaction, "simpleChoice", identifier=letter)
        if order.shuffle and i in order.fixed:
            choice.set("fixed", "true")  # stays in place while the others move
        add_html(choice, text)

    # SCORE the question's points (MAXSCORE) for the key, 0 otherwise; FEEDBACK = the chosen choice, which shows its modalFeedback.
    processing = _sub(root, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    when = _sub(condition, "responseIf")
    match = _sub(when, "match")
    _sub(match, "variable", identifier=RESPONSE)
    _sub(match, "correct", identifier=RESPONSE)
    _sub(_sub(when, "setOutcomeValue", identifier=SCORE), "baseValue", points, baseType="float")
    _sub(_sub(_sub(condition, "responseElse"), "setOutcomeValue", identifier=SCORE), "baseValue", "0", baseType="float")
    _sub(_sub(processing, "setOutcomeValue", identifier=FEEDBACK), "variable", identifier=RESPONSE)

    for i, letter in enumerate(letters):
        title = "Correct" if i == rq.key_index else "Incorrect"
        feedback = _sub(root, "modalFeedback", outcomeIdentifier=FEEDBACK, showHide="show", identifier=letter,
                        title=title)
        rationale = rq.rationales[i]
        if rationale:
            block(feedback, "qb-rationale", rationale)
        block(feedback, "qb-explanation", rq.explanation)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def test_xml(job: ExportJob, refs: list[tuple[str, str]]) -> bytes:
    """The assessmentTest: one section of every item, or (``--pools``) one per blueprint area
    that draws its pick count (`<selection select="k"/>`) for each candidate."""
    root = etree.Element(q("assessmentTest"), nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    root.set("identifier", f"t-{job.slug}")
    root.set("title", xml_safe(job.bank_name))
    score = _sub(root, "outcomeDeclaration", identifier=SCORE, cardinality="single", baseType="float")
    _sub(_sub(score, "defaultValue"), "value", "0")
    part = _sub(root, "testPart", identifier="part-1", navigationMode="nonlinear", submissionMode="individual")
    href = dict(refs)
    for ident, title, pick, questions in sections(job):
        section = _sub(part, "assessmentSection", identifier=ident, title=xml_safe(title), visible="true")
        if pick is not None:
            _sub(section, "selection", select=str(pick))
        for rq in questions:
            _sub(section, "assessmentItemRef", identifier=item_ident(rq.id), href=href[item_ident(rq.id)])
    total = _sub(_sub(root, "outcomeProcessing"), "setOutcomeValue", identifier=SCORE)
    _sub(_sub(total, "sum"), "testVariables", variableIdentifier=SCORE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def manifest_xml(job: ExportJob, items: list[tuple[str, str, list[str]]]) -> bytes:
    root, resources = cp_manifest(job.slug, "QTIv2.1 Package", "1.0.0")
    sub = cp_sub
    test = sub(resources, "resource", identifier=f"t-{job.slug}", type="imsqti_test_xmlv2p1", href=TEST_FILE)
    sub(test, "file", href=TEST_FILE)
    for ident, _, _ in items:
        sub(test, "dependency", identifierref=ident)
    for ident, href, media in items:
        res = sub(resources, "resource", identifier=ident, type="imsqti_item_xmlv2p1", href=href)
        sub(res, "file", href=href)
        for path in media:
            sub(res, "file", href=path)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(job: ExportJob, out: BinaryIO) -> None:
    entries: dict[str, bytes | MediaFile] = {}
    items: list[tuple[str, str, list[str]]] = []
    for rq in job.questions:
        ident = item_ident(rq.id)
        href = f"{ITEM_DIR}{ident}.xml"
        entries[href] = item_xml(rq.localized("../" + MEDIA_DIR))
        items.append((ident, href, [MEDIA_DIR + name for name in sorted(set(rq.images.values()))]))
        job.tick(1)
    entries[TEST_FILE] = test_xml(job, [(ident, href) for ident, href, _ in items])
    entries["imsmanifest.xml"] = manifest_xml(job, items)
    entries.update({MEDIA_DIR + m.name: m for m in media_used(job.questions, job.media)})
    write_zip(out, entries)
