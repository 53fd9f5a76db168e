"""Canvas-style QTI 1.2 content package: one assessment, multiple-choice items, the key
scored 100, a feedback block per choice (its rationale) and a general one (the explanation).

Layout of the zip (what Canvas itself exports and imports):
    imsmanifest.xml                       IMS CP 1.1 manifest
    <assessment id>/<assessment id>.xml   questestinterop document (items in a form's order; with
                                          --pools, a section per blueprint area whose
                                          selection_number the LMS draws: a Canvas question group)
    <assessment id>/assessment_meta.xml   Canvas quiz settings
    web_resources/media/<packaged name>   images, referenced as $IMS-CC-FILEBASE$/media/...
HTML travels as escaped text in `mattext texttype="text/html"`, as Canvas writes it.
"""

from __future__ import annotations

from typing import BinaryIO

from lxml import etree

from .common import (XSI, ExportJob, RenderedQuestion, cp_manifest, cp_sub, item_ident, media_used, sections,
                     write_zip, xml_safe)

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
MEDIA_DIR = "web_resources/media/"
MEDIA_PREFIX = "$IMS-CC-FILEBASE$/media/"
RESPONSE = "response1"
GENERAL_FEEDBACK = "general_fb"


def assessment_ident(job: ExportJob) -> str:
    return f"a-{job.slug}"


def choice_ident(rq: RenderedQuestion, index: int) -> str:
    """Canvas treats answer idents as ids across the quiz: prefix them with the item's."""
    return f"{item_ident(rq.id)}-{rq.letter(index)}"


_TAGS: dict[str, str] = {}


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    qualified = _TAGS.get(tag) or _TAGS.setdefault(tag, f"{{{QTI_NS}}}{tag}")
    el = etree.SubElement(parent, qualified, attrib) if attrib else etree.SubElement(parent, qualified)
    if text is not None:
        el.text = text
    return el


def _html(parent: etree._Element, fragment: str) -> None:
    material = _sub(parent, "material")
    _sub(material, "mattext", xml_safe(fragment), texttype="text/html")


def _meta(parent: etree._Element, label: str, entry: str) -> None:
    field = _sub(parent, "qtimetadatafield")
    _sub(field, "fieldlabel", label)
    _sub(field, "fieldentry", entry)


def item(section: etree._Element, rq: RenderedQuestion) -> None:
    ident = item_ident(rq.id)
    choices = [choice_ident(rq, i) for i in range(len(rq.options))]
    el = _sub(section, "item", ident=ident, title=rq.id)
    meta = _sub(_sub(el, "itemmetadata"), "qtimetadata")
    _meta(meta, "question_type", "multiple_choice_question")
    _meta(meta, "points_possible", f"{rq.points}")
    _meta(meta, "original_answer_ids", ",".join(choices))  # idents are built from safe ids

    presentation = _sub(el, "presentation")
    _html(presentation, rq.stem)
    lid = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Single")
    order = rq.order
    render = _sub(lid, "render_choice", shuffle="Yes" if order.shuffle else "No")
    for i, (ident_, text) in enumerate(zip(choices, rq.options)):
        label = _sub(render, "response_label", ident=ident_)
        if order.shuffle and i in order.fixed:
            label.set("rshuffle", "No")  # stays in place while the others move
        _html(label, text)

    proc = _sub(el, "resprocessing")
    _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    general = _sub(proc, "respcondition", **{"continue": "Yes"})
    _sub(_sub(general, "conditionvar"), "other")
    _sub(general, "displayfeedback", feedbacktype="Response", linkrefid=GENERAL_FEEDBACK)
    for ident_, rationale in zip(choices, rq.rationales):
        if rationale:
            cond = _sub(proc, "respcondition", **{"continue": "Yes"})
            _sub(_sub(cond, "conditionvar"), "varequal", ident_, respident=RESPONSE)
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident_}_fb")
    score = _sub(proc, "respcondition", **{"continue": "No"})
    _sub(_sub(score, "conditionvar"), "varequal", choices[rq.key_index], respident=RESPONSE)
    _sub(score, "setvar", "100", action="Set", varname="SCORE")

    _html(_sub(_sub(el, "itemfeedback", ident=GENERAL_FEEDBACK), "flow_mat"), rq.explanation)
    for ident_, rationale in zip(choices, rq.rationales):
        if rationale:
            _html(_sub(_sub(el, "itemfeedback", ident=f"{ident_}_fb"), "flow_mat"), rationale)


def assessment_xml(job: ExportJob) -> bytes:
    root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    assessment = _sub(root, "assessment", ident=assessment_ident(job), title=xml_safe(job.bank_name))
    meta = _sub(assessment, "qtimetadata")
    _meta(meta, "cc_maxattempts", "1")
    root_section = _sub(assessment, "section", ident="root_section")
    for ident, title, pick, questions in sections(job):
        section = root_section
        if pick is not None:  # a blueprint area: the LMS draws `pick` of its items (Canvas: a question group)
            section = _sub(root_section, "section", ident=ident, title=xml_safe(title))
            # Canvas's own exports add <selection_extension><points_per_item>; the QTI 1.2 DTD declares
            # no such element, so it is left out (Canvas takes the items' points)
            _sub(_sub(_sub(section, "selection_ordering"), "selection"), "selection_number", str(pick))
        for rq in questions:
            item(section, rq.localized(MEDIA_PREFIX))
            job.tick(1)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def meta_xml(job: ExportJob) -> bytes:
    """Canvas's quiz settings; other LMSs ignore this file. Canvas's quizzes shuffle answers
    per quiz (this ``shuffle_answers``), not per item, so the quiz shuffles only when every
    item may: one item that keeps its order keeps the order of the whole quiz."""
    shuffle = all(rq.order.shuffle for rq in job.questions)
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS, "xsi": XSI},
                         identifier=assessment_ident(job))
    root.set(f"{{{XSI}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")
    for tag, value in (("title", xml_safe(job.bank_name)), ("description", ""),
                       ("shuffle_answers", "true" if shuffle else "false"),
                       ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"),
                       ("points_possible", f"{round(sum(rq.points for rq in job.questions), 7)}"), ("show_correct_answers", "true"),
                       ("allowed_attempts", "1"), ("one_question_at_a_time", "false")):
        etree.SubElement(root, f"{{{CANVAS_NS}}}{tag}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def manifest_xml(job: ExportJob, assessment_file: str, meta_file: str, media: list[str]) -> bytes:
    aid = assessment_ident(job)
    root, resources = cp_manifest(job.slug, "IMS Content", "1.1.3")
    sub = cp_sub
    qti = sub(resources, "resource", identifier=aid, type="imsqti_xmlv1p2", href=assessment_file)
    sub(qti, "file", href=assessment_file)
    sub(qti, "dependency", identifierref=f"{aid}-meta")
    for i, _ in enumerate(media):
        sub(qti, "dependency", identifierref=f"{aid}-media-{i + 1}")
    settings = sub(resources, "resource", identifier=f"{aid}-meta",
                   type="associatedcontent/imscc_xmlv1p1/learning-application-resource", href=meta_file)
    sub(settings, "file", href=meta_file)
    for i, path in enumerate(media):
        res = sub(resources, "resource", identifier=f"{aid}-media-{i + 1}", type="webcontent", href=path)
        sub(res, "file", href=path)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(job: ExportJob, out: BinaryIO) -> None:
    aid = assessment_ident(job)
    assessment_file, meta_file = f"{aid}/{aid}.xml", f"{aid}/assessment_meta.xml"
    media = media_used(job.questions, job.media)
    media_paths = [MEDIA_DIR + m.name for m in media]
    entries: dict = {
        "imsmanifest.xml": manifest_xml(job, assessment_file, meta_file, media_paths),
        assessment_file: assessment_xml(job),
        meta_file: meta_xml(job),
    }
    entries.update({MEDIA_DIR + m.name: m for m in media})
    write_zip(out, entries)
