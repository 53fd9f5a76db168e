"""Check an exported QTI package against the official IMS schemas the user has.

qbank cannot ship the IMS schemas (their licence does not allow it), so `qbank check-package
FILE --schemas DIR` validates with the copies a user has, with the same code the test suite
uses: the content-package manifest against IMS CP 1.1, QTI 2.1 items and tests against
imsqti_v2p1.xsd, and a QTI 1.2 assessment against the QTI 1.2.1 DTD. Every problem is a
Diagnostic at the file inside the package (``package.zip!items/x.xml``), line and column.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .diagnostics import Diagnostic, diagnostic

# The files needed, by name, as the IMS distributions name them (found anywhere under DIR).
QTI21_XSD = "imsqti_v2p1.xsd"
CP_XSD = "imscp_v1p1.xsd"
QTI12_DTD = "ims_qtiasiv1p2p1.dtd"

MAX_MEMBER_BYTES = 64 * 1024 * 1024   # an XML file in a package larger than this is refused
MAX_MEMBERS = 100_000
_XS = "{http://www.w3.org/2001/XMLSchema}"
_CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class SchemaError(Exception):
    """The schema folder cannot be used (a file missing, an import that does not resolve)."""


@dataclass(frozen=True)
class Schemas:
    qti21: etree.XMLSchema
    cp: etree.XMLSchema
    qti12: etree.DTD


def _find(folder: Path, name: str, preferred: str) -> Path:
    direct = folder / preferred
    if direct.is_file():
        return direct
    for candidate in sorted(folder.rglob(name)):
        if candidate.is_file():
            return candidate
    raise SchemaError(f"{name} not found under {folder}")


def unresolved_imports(xsd: Path, seen: set[Path] | None = None) -> list[str]:
    """Every xs:import/include/redefine under ``xsd`` whose file is missing or remote
    (libxml2 only warns about those, and would then validate against less than the schema)."""
    seen = set() if seen is None else seen
    xsd = xsd.resolve()
    if xsd in seen:
        return []
    seen.add(xsd)
    missing = []
    for el in etree.parse(str(xsd), etree.XMLParser(**_PARSER)).iter(f"{_XS}import", f"{_XS}include", f"{_XS}redefine"):
        location = el.get("schemaLocation")
        if not location:
            continue
        target = xsd.parent / location
        if re.match(r"^[a-z]+://", location) or not target.is_file():
            missing.append(f"{xsd.name} -> {location}")
        else:
            missing.extend(unresolved_imports(target, seen))
    return missing


def _xsd(path: Path) -> etree.XMLSchema:
    missing = unresolved_imports(path)
    if missing:
        raise SchemaError(f"schema imports that cannot be resolved offline: {', '.join(missing)}")
    try:
        built = etree.XMLSchema(etree.parse(str(path), etree.XMLParser(**_PARSER)))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise SchemaError(f"{path} does not load: {exc}") from exc
    skipped = [str(e) for e in built.error_log if "import" in str(e).lower() or e.type_name.startswith("IO")]
    if skipped:
        raise SchemaError(f"{path}: libxml2 skipped schema imports: {skipped[0]}")
    return built


def load_schemas(folder: str | Path) -> Schemas:
    """The three schemas from ``folder`` (the layout of the IMS/qti-sdk distribution, or any
    folder holding the files). Raises :class:`SchemaError` with what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SchemaError(f"{folder} is not a folder")
    qti21 = _xsd(_find(folder, QTI21_XSD, f"qti-sdk/qtiv2p1/{QTI21_XSD}"))
    cp = _xsd(_find(folder, CP_XSD, f"qti-sdk/{CP_XSD}"))
    try:
        dtd = etree.DTD(str(_find(folder, QTI12_DTD, f"pyslet/{QTI12_DTD}")))
    except etree.DTDParseError as exc:
        raise SchemaError(f"{QTI12_DTD} does not load: {exc}") from exc
    return Schemas(qti21, cp, dtd)


def without_namespaces(doc: etree._Element) -> etree._ElementTree:
    """A copy of a QTI 1.2 document as the namespace-less DTD describes it."""
    doc = etree.fromstring(etree.tostring(doc))
    for el in doc.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
            for attr in [a for a in el.attrib if a.startswith("{")]:
                del el.attrib[attr]
    etree.cleanup_namespaces(doc)
    return etree.ElementTree(doc)


def _diag(where: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return diagnostic("QB010", where, max(line, 1), max(column, 1), message)


def _log(where: str, log) -> list[Diagnostic]:
    return [_diag(where, e.message, e.line, e.column + 1) for e in list(log)[:20]]


def validate_xml(data: bytes, schema: etree.XMLSchema | etree.DTD, where: str,
                 namespaced: bool = True) -> tuple[etree._Element | None, list[Diagnostic]]:
    """Parse ``data`` safely and validate it; (the root, problems)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 0)
        return None, [_diag(where, f"not well-formed XML: {exc.msg}", line, column + 1)]
    target = root if namespaced else without_namespaces(root)
    if schema.validate(target):
        return root, []
    return root, _log(where, schema.error_log)


def _members(zf: zipfile.ZipFile, shown: str) -> tuple[dict[str, bytes], list[Diagnostic]]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return {}, [_diag(shown, f"the package holds {len(infos):,} files; refusing more than {MAX_MEMBERS:,}")]
    files, problems = {}, []
    for info in infos:
        if not info.filename.endswith(".xml"):
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            problems.append(_diag(f"{shown}!{info.filename}", f"{info.file_size:,} bytes uncompressed; "
                                  f"refusing XML files over {MAX_MEMBER_BYTES:,}"))
            continue
        with zf.open(info) as fh:  # read at most the declared size + 1: a lying header is caught
            data = fh.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            problems.append(_diag(f"{shown}!{info.filename}", "larger than its header says; refused"))
            continue
        files[info.filename] = data
    return files, problems


def check_package(path: str | Path, schemas: Schemas) -> list[Diagnostic]:
    """Every schema problem of the QTI 1.2 or 2.1 content package at ``path``."""
    shown = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            files, problems = _members(zf, shown)
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        return [_diag(shown, f"not a readable zip package: {exc}")]
    if "imsmanifest.xml" not in files:
        return problems + [_diag(shown, "no imsmanifest.xml at the top of the package")]
    manifest, found = validate_xml(files["imsmanifest.xml"], schemas.cp, f"{shown}!imsmanifest.xml")
    problems += found
    if manifest is None:
        return problems
    listed = {f.get("href") for f in manifest.iter(f"{_CP}file")}
    for missing in sorted(h for h in listed if h and h not in names):
        problems.append(_diag(f"{shown}!imsmanifest.xml", f"lists {missing}, which is not in the package"))
    for resource in manifest.iter(f"{_CP}resource"):
        kind, href = resource.get("type") or "", resource.get("href")
        if href not in files:
            continue
        where = f"{shown}!{href}"
        if kind.startswith("imsqti_item_xmlv2p1") or kind.startswith("imsqti_test_xmlv2p1"):
            problems += validate_xml(files[href], schemas.qti21, where)[1]
        elif kind == "imsqti_xmlv1p2":
            problems += validate_xml(files[href], schemas.qti12, where, namespaced=False)[1]
    return problems
