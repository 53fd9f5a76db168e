"""What every exporter shares: rendering each Markdown text once, packaged media with
collision-free names and size bounds, stable identifiers and a deterministic, streamed zip."""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from ..diagnostics import Diagnostic, diagnostic
from ..errors import ExportError
from ..model import LETTERS, Question
from ..order import Order, option_order
from ..pool import ordered_map
from ..render import markdown, to_html
from ..validate import resolve_media


Tick = Callable[[int], None]


def no_tick(_n: int) -> None:
    """The progress callback when nobody is watching."""


# --- names and identifiers ----------------------------------------------------------------

def slug(name: str) -> str:
    """A file-name-safe form of the bank name: `LCSW Practice` -> `lcsw-practice`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return out or "bank"


def item_ident(question_id: str) -> str:
    """An XML identifier (NCName) for a question: ids may start with a digit, NCNames may not.
    Question ids are `[a-z0-9][a-z0-9._-]*`, so the prefix keeps them unique and valid."""
    return f"q-{question_id}"


def decimal(value: float) -> str:
    """A positive number with at most 7 decimals (Moodle's columns), never in exponent form and
    never rounded to nothing."""
    text = f"{value:.7f}".rstrip("0").rstrip(".")
    return text if text != "0" else "0.0000001"


def stable_int(*parts: str, low: int, span: int) -> int:
    """A number in [low, low + span) that depends only on ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return low + int.from_bytes(digest[:8], "big") % span


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can carry: control characters (legal in YAML escapes) are dropped."""
    return _XML_BAD.sub("", text)


# --- media --------------------------------------------------------------------------------

# Size bounds, checked from the files' sizes before anything is written. An image over
# MAX_IMAGE_BYTES is no exam image (a video, a disk image, a mistake); a package over
# MAX_PACKAGE_BYTES is past what LMS course imports and Anki's media sync accept, and near the
# 4 GiB at which a zip needs ZIP64, which some importers lack.
MAX_IMAGE_BYTES = 256 * 1024 * 1024
MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024
COPY_CHUNK = 1024 * 1024   # images are copied into packages this much at a time


@dataclass(frozen=True)
class MediaFile:
    name: str     # packaged name, flat and unique: `3f2a1b9c-chart.png`
    source: str   # real path inside the bank root
    size: int = 0  # bytes, as found when the question was rendered


def media_name(relative_path: str) -> str:
    """A flat packaged name for a bank-relative path that cannot collide with another
    path's: two `chart.png` in different folders get different hash prefixes."""
    posix = relative_path.replace(os.sep, "/")
    digest = hashlib.sha256(posix.encode("utf-8")).hexdigest()[:10]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", posix.rsplit("/", 1)[-1]).lstrip(".") or "file"
    return f"{digest}-{base}"


_IMG_SRC = re.compile(r'(<img src=")([^"]*)(")')


def _img_srcs(fragment: str) -> list[str]:
    if "<img" not in fragment:
        return []
    return [html.unescape(m.group(2)) for m in _IMG_SRC.finditer(fragment)]


def relocate_images(fragment: str, names: dict[str, str], prefix: str) -> str:
    """``fragment`` with every packaged image's src replaced by ``prefix + packaged name``.
    Only `<img src="...">` written by the Markdown renderer can be in the HTML: raw HTML
    in the source was escaped, so this never touches text the author wrote."""
    if "<img" not in fragment or not names:
        return fragment

    def swap(m: re.Match) -> str:
        packaged = names.get(html.unescape(m.group(2)))
        return m.group(0) if packaged is None else f"{m.group(1)}{html.escape(prefix + packaged)}{m.group(3)}"

    return _IMG_SRC.sub(swap, fragment)


# --- rendering ----------------------------------------------------------------------------

# Texts holding one of these go to the full parser: table rows need `|`; tabs, control
# characters and Unicode spaces are trimmed or expanded by rules not worth mirroring here.
_NOT_PROSE = re.compile("[|\t\x00-\x08\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]")
# Every inline construct (escapes, code, emphasis, links, images, autolinks, entities,
# strikethrough) needs one of these; a paragraph without them is literal text.
_INLINE = re.compile(r"[\\`*_\[\]<>&~!]")
# A line starting with a letter, an opening quote or bracket, or emphasis (`*` or `_` runs
# followed by a character that is neither a space nor the same mark: no list item, no thematic
# break) cannot open a block (heading, list, quote, fence, thematic break, setext underline, HTML
# block, link reference definition), so a text made of such lines is paragraphs only.
_PROSE_START = re.compile(r"[^\W\d_]|[\"'(\u201c\u2018]|\*+(?=[^\s*])|_+(?=[^\s_])")


def paragraphs_html(text: str) -> str | None:
    """CommonMark's HTML for a text made only of paragraphs, or None for anything else.

    Most texts in a bank (options, rationales, many stems) are paragraphs of prose with at
    most some inline markup, where the block parse is pure overhead: literal paragraphs are
    escaped here, the others go through the same parser's inline rules alone. Tests check
    that the result is exactly ``to_html``'s.
    """
    if _NOT_PROSE.search(text):
        return None
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if (not current and len(line) - len(body) >= 4) or not _PROSE_START.match(body):
            return None  # indented code, or a line that may open a block
        current.append(line)
    if current:
        paragraphs.append(current)
    out = []
    for lines in paragraphs:
        # The paragraph's content as the block parser hands it to the inline rules:
        # lines as written (a code span keeps a continuation line's indent), ends trimmed.
        content = "\n".join(lines).strip(" ")
        if _INLINE.search(content):
            out.append("<p>" + markdown().renderInline(content) + "</p>")
            continue
        parts = []
        for i, line in enumerate(lines):
            body = line.strip(" ")
            hard_break = i < len(lines) - 1 and line.endswith("  ")
            parts.append(body.replace('"', "&quot;") + ("<br />" if hard_break else ""))
        out.append("<p>" + "\n".join(parts) + "</p>")
    return "\n".join(out)


@dataclass(frozen=True)
class RenderedQuestion:
    """A question with every Markdown text rendered to HTML once. Image sources are still
    the author's references; ``localized(prefix)`` points them at the packaged files."""

    question: Question
    stem: str
    options: tuple[str, ...]
    explanation: str
    rationales: tuple[str | None, ...]
    relative_path: str                      # the question file, relative to the bank root
    images: dict[str, str] = field(default_factory=dict)   # reference -> packaged name
    order: Order = Order(True)              # what the target may shuffle (see qbank.order)

    @classmethod
    def source_only(cls, q: Question) -> "RenderedQuestion":
        """For formats that need no HTML (the reviewers' CSV): every HTML field empty."""
        return cls(q, "", tuple("" for _ in q.options), "", tuple(None for _ in q.options), "")

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def key_index(self) -> int:
        return self.question.key_index

    @property
    def points(self) -> float:
        """What the question is worth: its `points`, else 1 (every target's default)."""
        return float(self.question.points) if self.question.points is not None else 1.0

    @property
    def key_letter(self) -> str:
        return self.question.key_letter

    def letter(self, index: int) -> str:
        return LETTERS[index]

    def localized(self, prefix: str) -> "RenderedQuestion":
        """The same question with image sources rewritten to ``prefix`` + packaged name."""
        if not self.images:
            return self

        def move(fragment: str) -> str:
            return relocate_images(fragment, self.images, prefix)

        return replace(self, stem=move(self.stem), options=tuple(move(o) for o in self.options),
                       explanation=move(self.explanation),
                       rationales=tuple(None if r is None else move(r) for r in self.rationales))


class Renderer:
    """Renders questions for export, each distinct Markdown text once, and collects the
    images they use under packaged names."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._real_root = os.path.realpath(self.root)
        self._root_abs = os.path.abspath(self.root)
        self._html: dict[str, str] = {}
        self.media: dict[str, MediaFile] = {}   # packaged name -> file

    def html(self, text: str) -> str:
        out = self._html.get(text)
        if out is None:
            out = paragraphs_html(text)
            if out is None:
                out = to_html(text)
            self._html[text] = out
        return out

    def prepare(self, questions: Iterable[Question], jobs: int | None = None) -> None:
        """Render every distinct text of ``questions`` up front; the Markdown parses run in
        worker processes when there are many (a 10,000-question bank has ~10^4 of them)."""
        todo: list[str] = []
        for q in questions:
            for text in (q.stem, q.explanation, *(o.text for o in q.options),
                         *(o.rationale for o in q.options if o.rationale)):
                if text not in self._html:
                    fast = paragraphs_html(text)
                    if fast is None:
                        self._html[text] = ""   # placeholder: keeps `todo` free of repeats
                        todo.append(text)
                    else:
                        self._html[text] = fast
        self._html.update(zip(todo, _to_html_many(todo, jobs)))

    def render(self, q: Question) -> RenderedQuestion:
        stem = self.html(q.stem)
        options = tuple(self.html(o.text) for o in q.options)
        explanation = self.html(q.explanation)
        rationales = tuple(self.html(o.rationale) if o.rationale and o.rationale.strip() else None
                           for o in q.options)
        images: dict[str, str] = {}
        for fragment in (stem, explanation, *options, *(r for r in rationales if r)):
            for ref in _img_srcs(fragment):
                if ref not in images:
                    packaged = self._package(q, ref)
                    if packaged is not None:
                        images[ref] = packaged
        return RenderedQuestion(q, stem, options, explanation, rationales, self._relative(q.path), images,
                                option_order(q))

    def _relative(self, path: str) -> str:
        if not path:
            return ""
        try:
            rel = os.path.relpath(os.path.abspath(path), self._root_abs)
        except ValueError:  # another drive on Windows
            return Path(path).name
        return Path(rel).as_posix() if not rel.startswith("..") else Path(path).name

    def _package(self, q: Question, ref: str) -> str | None:
        real, why = resolve_media(q.path, ref, str(self.root))
        if why:
            raise ExportError(f"{q.path}: {why}")
        if real is None:  # a URL: left as written
            return None
        name = media_name(os.path.relpath(real, self._real_root))
        if name not in self.media:
            try:
                size = os.stat(real).st_size
            except OSError as exc:
                raise ExportError(f"{q.path}: cannot read image {ref}: {exc.strerror or exc}") from exc
            if size > MAX_IMAGE_BYTES:
                raise ExportError(f"{q.path}: image {ref} is {megabytes(size)}; images over "
                                  f"{megabytes(MAX_IMAGE_BYTES)} are not packaged (make it smaller, or link to it "
                                  "by URL)")
            self.media[name] = MediaFile(name, real, size)
        return name


PARALLEL_MIN_TEXTS = 2000  # below this, starting workers costs more than it saves
HTML_CHUNK = (200, sys.maxsize)  # texts per worker task (low, high): no upper bound


def _to_html_chunk(texts: list[str]) -> list[str]:
    return [to_html(t) for t in texts]


def _to_html_many(texts: list[str], jobs: int | None) -> list[str]:
    """``to_html`` of each text, in order; in worker processes for long lists, and only where
    they can be forked (spawning a worker costs more than rendering its share)."""
    jobs = jobs if hasattr(os, "fork") else 1
    return list(ordered_map(_to_html_chunk, texts, jobs=jobs, min_items=PARALLEL_MIN_TEXTS, chunk=HTML_CHUNK))


def render_all(questions: list[Question], root: Path, tick: Tick = no_tick,
               jobs: int | None = None) -> tuple[list[RenderedQuestion], dict[str, MediaFile]]:
    renderer = Renderer(root)
    renderer.prepare(questions, jobs)
    rendered = []
    for q in questions:
        rendered.append(renderer.render(q))
        tick(1)
    return rendered, dict(sorted(renderer.media.items()))


def media_used(rendered: Iterable[RenderedQuestion], media: dict[str, MediaFile]) -> list[MediaFile]:
    names = {n for rq in rendered for n in rq.images.values()}
    return [media[n] for n in sorted(names)]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def copy_media(file: MediaFile, dest: BinaryIO) -> None:
    """Stream the image into ``dest`` in chunks (a 200 MB image never sits in memory). It
    must still have the size it had when it was rendered: the bounds were checked on that."""
    copied = 0
    try:
        with open(file.source, "rb") as src:
            while chunk := src.read(min(COPY_CHUNK, file.size - copied + 1)):
                copied += len(chunk)
                if copied > file.size:
                    break
                dest.write(chunk)
    except OSError as exc:
        raise ExportError(f"cannot read image {file.source}: {exc.strerror or exc}") from exc
    if copied != file.size:
        raise ExportError(f"image {file.source} changed size while it was being exported; export again")


def locate(path: str, at: tuple) -> tuple[int, int]:
    """The line and column of part ``at`` of a question file, read again: only the few
    questions a format cannot carry need it. (1, 1) when the file cannot be read now."""
    from ..fsutil import read_file
    from ..loader import load

    raw, _ = read_file(path) if path else (None, None)
    doc = load(path, raw)[0] if raw is not None else None
    return doc.pos(at) if doc is not None else (1, 1)


IMAGE_PARTS = ("stem", "options", "explanation", "rationales")


def first_image(rq: RenderedQuestion, parts: Iterable[str] = IMAGE_PARTS) -> tuple | None:
    """Where the first packaged (local) image of ``rq`` is, among ``parts``, as a data path."""
    if not rq.images:
        return None
    for part in parts:
        if part in ("stem", "explanation"):
            if any(ref in rq.images for ref in _img_srcs(getattr(rq, part))):
                return (part,)
            continue
        fragments = rq.options if part == "options" else rq.rationales
        for i, fragment in enumerate(fragments):
            if fragment and any(ref in rq.images for ref in _img_srcs(fragment)):
                return ("options", i, "text" if part == "options" else "rationale")
    return None


def images_in(rq: RenderedQuestion, fragment: str | None) -> list[str]:
    """The packaged names of the local images ``fragment`` (one of rq's texts) shows, each once."""
    if not fragment:
        return []
    return list(dict.fromkeys(rq.images[ref] for ref in _img_srcs(fragment) if ref in rq.images))


# --- the export being built ---------------------------------------------------------------

@dataclass
class ExportJob:
    """Everything an exporter needs: the name to show (deck, title, file), the rendered
    questions (sorted by path, as the bank lists them), the media they use and where the
    file will go."""

    bank_name: str
    questions: list[RenderedQuestion]
    media: dict[str, MediaFile]
    target: Path
    tick: Tick = no_tick
    now: float | None = None   # export time for Anki modification times; None = the clock
    # The bank's own name (qbank.toml): with the question id it is each Anki note's identity,
    # so a deck exported under another name (--name) still updates the same notes.
    identity: str = ""

    # What the format could not carry (QB011), appended by the writer; run_export hands them on.
    findings: list[Diagnostic] = field(default_factory=list)
    form: str | None = None     # `--form`: the form's name; the questions are its items, in its order
    # `--pools`: blueprint.Pool rows (area, pick count, ids) that QTI and Moodle write as sections
    # or categories for the LMS to draw from; the questions are theirs, pool by pool
    pools: tuple = ()

    def __post_init__(self) -> None:
        self.identity = self.identity or self.bank_name

    def lossy(self, rq: RenderedQuestion, at: tuple, message: str) -> None:
        """Record a QB011 finding at part ``at`` of the question's file (``("options", 2, "text")``)."""
        line, column = locate(rq.question.path, at)
        self.findings.append(diagnostic("QB011", rq.question.path, line, column, message))

    @property
    def slug(self) -> str:
        return slug(self.bank_name)


def sections(job: ExportJob) -> list[tuple[str, str, int | None, list[RenderedQuestion]]]:
    """How a test lays out its questions: (identifier, title, how many to draw or None for all,
    questions). One section of every question (a form's, titled with its name) or, with
    ``job.pools``, one per blueprint area, drawing its pick count."""
    if not job.pools:
        title = f"{job.bank_name}, form {job.form}" if job.form else job.bank_name
        return [("section-1", title, None, list(job.questions))]
    by_id = {rq.id: rq for rq in job.questions}
    return [(f"area-{i}", pool.area, pool.pick, [by_id[qid] for qid in pool.questions])
            for i, pool in enumerate(job.pools, 1)]


def check_package_size(total: int) -> None:
    """Refuse, before anything is written, a file that would hold more than MAX_PACKAGE_BYTES."""
    if total > MAX_PACKAGE_BYTES:
        raise ExportError(f"the package would hold {megabytes(total)}, over the {megabytes(MAX_PACKAGE_BYTES)} "
                          "a package may hold; export fewer questions at a time (--tag, --id, --sample) or "
                          "use smaller images")


class Base64Writer:
    """Writes the base64 of what it is given to ``out`` as it comes (no line breaks), so an
    image is embedded in an XML file without being held whole: ``copy_media(file, writer)``."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._rest = b""

    def write(self, chunk: bytes) -> int:
        data = self._rest + chunk
        whole = len(data) - len(data) % 3
        self._out.write(base64.b64encode(data[:whole]))
        self._rest = data[whole:]
        return len(chunk)

    def close(self) -> None:
        self._out.write(base64.b64encode(self._rest))
        self._rest = b""


def base64_size(size: int) -> int:
    return (size + 2) // 3 * 4


# --- deterministic zip --------------------------------------------------------------------

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_zip(out: BinaryIO, entries: dict[str, bytes | MediaFile], *, level: int = 6) -> None:
    """Write a zip of ``entries`` (bytes, or an image streamed from its file) to ``out``.

    The zip depends on nothing but the entries' names and bytes: sorted entries, fixed
    timestamps, fixed permissions, fixed creator system, fixed deflate level (0 stores).
    Raises ExportError, before writing anything, when the entries add up to more than
    MAX_PACKAGE_BYTES.
    """
    check_package_size(sum(e.size if isinstance(e, MediaFile) else len(e) for e in entries.values()))
    with zipfile.ZipFile(out, "w") as zf:
        for name in sorted(entries):
            entry = entries[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED if level else zipfile.ZIP_STORED
            info.create_system = 3                      # Unix, whatever the host
            info.external_attr = (0o100644 & 0xFFFF) << 16
            if not isinstance(entry, MediaFile):
                zf.writestr(info, entry, compresslevel=level or None)
                continue
            # As writestr does for bytes: the size up front (it decides ZIP64), then the level.
            info.file_size = entry.size
            info._compresslevel = level or None
            with zf.open(info, "w") as dest:
                copy_media(entry, dest)


# --- IMS content packaging (both QTI packages) ----------------------------------------------

CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def cp_sub(parent, tag: str, text: str | None = None, **attrib: str):
    """A child element in the IMS CP namespace (lxml imported here: --anki and --csv never need it)."""
    from lxml import etree

    el = etree.SubElement(parent, f"{{{CP_NS}}}{tag}", attrib)
    if text is not None:
        el.text = text
    return el


def cp_manifest(slug: str, schema: str, version: str):
    """An IMS CP 1.1 manifest with its metadata and the (required, empty) organizations;
    returns the root and its ``resources`` element."""
    from lxml import etree

    root = etree.Element(f"{{{CP_NS}}}manifest", nsmap={None: CP_NS, "xsi": XSI}, identifier=f"m-{slug}")
    root.set(f"{{{XSI}}}schemaLocation", f"{CP_NS} {CP_XSD}")
    meta = cp_sub(root, "metadata")
    cp_sub(meta, "schema", schema)
    cp_sub(meta, "schemaversion", version)
    cp_sub(root, "organizations")
    return root, cp_sub(root, "resources")

