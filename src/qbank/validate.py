"""Schema and structural checks of one question document (codes QB003, QB101, QB105, QB006).

The schema in ``schema/`` is the single source of truth; this module only turns its
errors into messages a writer can act on, at the line of the offending node, and adds
the checks a schema cannot locate well (which option is the second key, say, or the
escape that writes a control character no export can carry).
"""

from __future__ import annotations

import difflib
import os
import re
from typing import Any, Iterator

from .diagnostics import Diagnostic, error, plural
from .loader import Document
from .schema import Fields, detailed_validator, fast_is_valid, known_keys

_TYPE_NAMES = {"string": "text", "boolean": "true or false", "array": "a list", "object": "a mapping of keys",
               "integer": "a whole number", "number": "a number"}


def describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{short}"'
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def field_name(path: tuple) -> str:
    """A writer's name for a data path: `stem`, `options[2].rationale` (1-based)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def check_document(doc: Document, fields: Fields = ()) -> list[Diagnostic]:
    """Every schema and structure problem in ``doc`` (the loader's own diagnostics aside);
    ``fields``: the keys the bank declares in qbank.toml."""
    return check_document_at_fault(doc, fields)[0]


def check_document_at_fault(doc: Document, fields: Fields = ()) -> tuple[list[Diagnostic], set[tuple] | None]:
    """:func:`check_document`, and the data paths its findings judge (None: the whole file,
    which is not a question at all)."""
    data = doc.data
    if data is None:
        return [error(doc.path, 1, 1, "QB003",
                      "the file is empty; a question needs `id`, `stem`, `options` and `explanation`")], None
    if isinstance(data, dict) and not data.keys() & set(known_keys(())):
        return [_not_a_question(doc, data)], None
    diags: list[Diagnostic] = []
    # Data paths already reported (schema errors, keys written twice, a misspelt key's
    # intended name): the structural checks below do not judge them again, so one mistake
    # gives one error (`correct: yes` is a QB003, not also "no key" and "no rationale").
    at_fault: set[tuple] = set(doc.duplicate_keys)
    if not fast_is_valid(fields)(data):
        diags.extend(_schema_errors(doc, at_fault, fields))
    diags.extend(_control_characters(doc, at_fault))
    if isinstance(data, dict):
        diags.extend(_key_count(doc, data, at_fault))
        diags.extend(_rationales(doc, data, at_fault))
    return diags, at_fault


def _not_a_question(doc: Document, data: dict) -> Diagnostic:
    """One finding for YAML that is something else (mkdocs.yml, a workflow), in place of a
    "missing key" and an "unknown key" for each of its keys."""
    keys = ", ".join(f"`{k}`" for k in list(data)[:3]) + (", ..." if len(data) > 3 else "")
    line, col = doc.pos((next(iter(data)),)) if data else (1, 1)
    name = os.path.basename(doc.path)
    return error(doc.path, line, col, "QB003",
                 f"this does not look like a question: it has none of a question's keys (id, stem, options, "
                 f"explanation){f', only {keys}' if keys else ''}; if it is not one, leave it out in qbank.toml "
                 f"with `exclude = [\"{name}\"]`")


def _schema_errors(doc: Document, at_fault: set[tuple], fields: Fields) -> Iterator[Diagnostic]:
    seen: set[tuple] = set()
    for err in detailed_validator(fields).iter_errors(doc.data):
        for path, message, at_key in _rewrite(err, doc, fields):
            at_fault.add(path)
            if message is None:
                continue
            line, col = doc.pos(path) if at_key else doc.value_at(path)
            item = (line, col, message)
            if item not in seen:
                seen.add(item)
                yield error(doc.path, line, col, "QB003", message)


def _misspelt(key: str, allowed: list[str]) -> str | None:
    """The allowed key that ``key`` is a misspelling of, if any."""
    hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6) or \
        difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
    return hint[0] if hint else None


def _rewrite(err, doc: Document, fields: Fields = ()) -> Iterator[tuple[tuple, str | None, bool]]:
    """(data path, message, point at the key?) for one schema error. A path with message
    None is at fault without a message of its own (another one names it)."""
    path = tuple(err.absolute_path)
    name = field_name(path)
    v, value = err.validator, err.instance
    schema_path = tuple(err.absolute_schema_path)
    # Reported by the dedicated checks below, at better places, with their own codes.
    if v in ("contains", "minContains", "maxContains", "const") or "contains" in schema_path:
        return
    if "then" in schema_path or (path and path[-1] == "explanation" and v in ("pattern", "minLength")):
        return
    if len(path) == 3 and path[0] == "options" and path[2] == "rationale" and v in ("pattern", "minLength"):
        return  # an empty rationale counts as a missing one (QB105) on distractors; handled there
    if v == "additionalProperties":
        allowed = known_keys(path + ("x",), fields)
        for key in sorted(set(value) - set(err.schema.get("properties", {}))):
            hint = _misspelt(key, allowed)
            where = f" in {name}" if path else ""
            msg = f"unknown key '{key}'{where}"
            msg += f"; did you mean '{hint}'?" if hint else f"; allowed keys are {', '.join(allowed)}"
            yield path + (key,), msg, True
            if hint:
                yield path + (hint,), None, True  # `corect: true`: the key's status is unknown
        return
    if v == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        allowed = known_keys(path + ("x",), fields)
        misspelt = {_misspelt(k, allowed) for k in value if isinstance(k, str) and k not in allowed}
        for key in missing:
            if key in misspelt:
                continue  # "unknown key 'txt'; did you mean 'text'?" says it
            if path and path[0] == "options":
                yield path, f"option {path[1] + 1} has no `{key}`; every option needs the text shown to the candidate", False
            else:
                yield path, f"missing required key `{key}`", False
        return
    if v == "type":
        expected = err.validator_value
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
        if len(path) == 2 and path[0] == "options" and expected == "object":
            shown = value if isinstance(value, str) and len(value) <= 40 else "..."
            yield path, (f"option {path[1] + 1} must be a mapping with `text:` (plus `correct: true` on the key "
                         f"and `rationale:` on distractors), not {describe(value)}; write `- text: {shown}`"), False
        elif path and path[-1] == "correct":
            yield path, f"`{name}` must be true or false, not {describe(value)}; write `correct: true` on the key and leave it out elsewhere", True
        elif not path:
            yield path, f"a question file must be a mapping of keys (id, stem, options, explanation), not {describe(value)}", False
        elif expected == "string" and isinstance(value, (int, float, bool)):
            shown = written(doc, path) or str(value)  # `0.50` stays 0.50, not Python's 0.5
            what = f"the {'boolean' if isinstance(value, bool) else 'number'} {shown}"
            yield path, f"`{name}` must be text, not {what}; put it in quotes, e.g. \"{shown}\"", True
        else:
            yield path, f"`{name}` must be {wanted}, not {describe(value)}", True
        return
    if v in ("pattern", "minLength"):
        if path and path[-1] == "id":
            yield path, (f"id {value!r} is not allowed: use lowercase letters, digits, '.', '_' and '-', "
                         "starting with a letter or digit (e.g. lcsw-ethics-012)"), True
        elif path and path[0] == "lint":
            yield path, f"'{path[-1]}' is not a rule code; use codes like QB308", True
        elif _required(path):
            yield path, f"`{name}` is empty; write it", True
        else:
            yield path, f"`{name}` is empty; write the text or remove the key", True
        return
    if v == "enum":
        options = ", ".join(str(o) for o in err.validator_value)
        hint = [o for o in err.validator_value if isinstance(value, str) and str(o) == value.strip().lower()]
        extra = f"; did you mean '{hint[0]}'?" if hint else ""
        yield path, f"`{name}` must be one of {options}, not {describe(value)}{extra}", True
        return
    if v == "minItems":
        yield path, f"`{name}` needs at least {plural(err.validator_value, 'item')}; it has {len(value)}", True
        return
    if v == "maxItems":
        yield path, f"`{name}` has {plural(len(value), 'item')}; at most {err.validator_value} are allowed", True
        return
    if v == "uniqueItems":
        dup = next((x for i, x in enumerate(value) if x in value[:i]), None)
        yield path, f"`{name}` lists {describe(dup)} more than once; keep one", True
        return
    if v == "maxLength":
        yield path, f"`{name}` is longer than {plural(err.validator_value, 'character')}", True
        return
    if v == "propertyNames":
        yield path, f"`{name}`: {err.message}; use rule codes like QB308", True
        return
    yield path, f"`{name}`: {err.message}", True


_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#]+")


def written(doc: Document, path: tuple) -> str | None:
    """The number or boolean at ``path`` as the author wrote it (``0.50``, ``1e3``, ``True``):
    the plain scalar at its position in the file, or None if it cannot be read there."""
    line, col = doc.value_at(path)
    if not 0 < line <= len(doc.lines):
        return None
    m = _PLAIN_TOKEN.match(doc.lines[line - 1], col - 1)
    return m.group() if m else None


def _required(path: tuple) -> bool:
    """Is the key at ``path`` one a question (or an option) must have?"""
    from .schema import schema

    if len(path) == 1:
        return path[0] in schema()["required"]
    return len(path) == 3 and path[0] == "options" and path[2] in schema()["$defs"]["option"].get("required", ())


# --- characters no export can carry -------------------------------------------------------

# C0 controls but tab, line feed and carriage return; DEL; C1 controls (NEL too: YAML 1.1
# readers take it for a line break); lone UTF-16 surrogates; the noncharacters U+FFFE and
# U+FFFF. Anki splits a note into fields at U+001F, XML (QTI) forbids C0 controls and
# U+FFFE/U+FFFF, HTML treats the rest as parse errors. YAML forbids all of them written
# out, so they reach a value only through an escape in a double-quoted scalar.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "v": "\v", "f": "\f", "e": "\x1b", "N": "\x85"}


def _control_characters(doc: Document, skip: set[tuple]) -> Iterator[Diagnostic]:
    """QB003 at the first character of each text value that no export can carry."""
    if "\\" not in doc.text:  # no escape, no such character: the check costs one scan
        return
    for path, value in _texts(doc.data, ()):
        found = _FORBIDDEN.search(value)
        if found is None or path in skip:
            continue
        ch = found.group()
        more = len(_FORBIDDEN.findall(value)) - 1
        what = (f"the control character U+{ord(ch):04X}" if ch <= "\x9f"
                else f"U+{ord(ch):04X}, which is not a character (a lone surrogate or a noncharacter)")
        line, col = _escape_pos(doc, path) or doc.text_pos(path, found.start()) or doc.value_at(path)
        yield error(doc.path, line, col, "QB003",
                    f"`{field_name(path)}` contains {what}{f' (and {more} more)' if more else ''}; exports "
                    "cannot carry it (Anki splits a note into fields at U+001F, XML forbids control "
                    "characters): delete the escape that writes it")


def _texts(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, path + (i,))


def _escape_pos(doc: Document, path: tuple) -> tuple[int, int] | None:
    """The 1-based position of the first escape in the double-quoted scalar at ``path``
    that writes a forbidden character (None if the value is not double-quoted)."""
    info = doc.scalars.get(path)
    if info is None or info[0] != '"':
        return None
    _style, row, col, end = info
    col += 1  # past the opening quote
    lines = doc.lines
    while row <= end and row < len(lines):
        text = lines[row]
        while col < len(text):
            ch = text[col]
            if ch == '"':
                return None
            if ch != "\\" or col + 1 == len(text):  # a plain character, or an escaped line break
                col += 1
                continue
            kind = text[col + 1]
            width = _HEX_ESCAPES.get(kind, 0)
            try:
                written = chr(int(text[col + 2:col + 2 + width], 16)) if width else _ESCAPES.get(kind, "")
            except ValueError:
                return None
            if written and _FORBIDDEN.match(written):
                return row + 1, col + 1
            col += 2 + width
        row, col = row + 1, 0
    return None


def _key_unknown(option: Any, i: int, at_fault: set[tuple]) -> bool:
    """Whether option ``i`` may or may not be the key: it is not a mapping, or its `correct`
    is already reported (not a boolean, misspelt, written twice)."""
    return not isinstance(option, dict) or ("options", i, "correct") in at_fault


def _key_count(doc: Document, data: dict, at_fault: set[tuple]) -> Iterator[Diagnostic]:
    options = data.get("options")
    if not isinstance(options, list) or not options:
        return
    keys = [i for i, o in enumerate(options) if isinstance(o, dict) and o.get("correct") is True]
    if not keys and not any(_key_unknown(o, i, at_fault) for i, o in enumerate(options)):
        line, col = doc.pos(("options",))
        yield error(doc.path, line, col, "QB101",
                    "no option is marked `correct: true`; mark the one correct answer")
    for extra in keys[1:]:
        line, col = doc.pos(("options", extra, "correct"))
        yield error(doc.path, line, col, "QB101",
                    f"option {extra + 1} is marked correct, but option {keys[0] + 1} already is; "
                    "exactly one option may be the key")


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _rationales(doc: Document, data: dict, at_fault: set[tuple]) -> Iterator[Diagnostic]:
    options = data.get("options")
    if isinstance(options, list):
        for i, opt in enumerate(options):
            if _key_unknown(opt, i, at_fault) or opt.get("correct") is True or ("options", i, "rationale") in at_fault:
                continue
            if "rationale" not in opt or opt["rationale"] is None or (isinstance(opt["rationale"], str) and _blank(opt["rationale"])):
                text = opt.get("text")
                label = f' ("{text[:40]}")' if isinstance(text, str) and text.strip() else ""
                line, col = doc.value_at(("options", i))
                yield error(doc.path, line, col, "QB105",
                            f"distractor {i + 1}{label} has no rationale; add `rationale:` explaining "
                            "why this tempting answer is wrong")
    if "explanation" in data and ("explanation",) not in at_fault and (data["explanation"] is None or (isinstance(data["explanation"], str) and _blank(data["explanation"]))):
        line, col = doc.pos(("explanation",))
        yield error(doc.path, line, col, "QB105",
                    "the explanation is empty; say why the key is correct")


# --- media -----------------------------------------------------------------------------

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_MARKDOWN_FIELDS = ("stem", "explanation")


def markdown_fields(data: dict) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every Markdown field of a question."""
    for key in _MARKDOWN_FIELDS:
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    options = data.get("options")
    for i, opt in enumerate(options if isinstance(options, list) else ()):
        if isinstance(opt, dict):
            for key in ("text", "rationale"):
                if isinstance(opt.get(key), str):
                    yield ("options", i, key), opt[key]


def image_refs(text: str) -> list[str]:
    """Targets of the Markdown images in ``text``, as CommonMark (markdown-it) reads them, found
    by a scan that is linear in the text (markdown-it itself takes a minute on 1 MB of `![`)."""
    if "![" not in text:  # cheap pre-check: most fields have no image
        return []
    from .textkit.spans import image_sources

    return sorted(set(image_sources(text)))


def resolve_media(question_path: str, ref: str, bank_root: str) -> tuple[str | None, str | None]:
    """(real path, None) for a packaged image, (None, why not) otherwise, or (None, None) for a URL.

    The target is resolved with symlinks followed and must stay inside the bank root:
    a reference that escapes it is refused and never read.
    """
    from urllib.parse import unquote

    if _URL.match(ref) or ref.startswith("//"):
        return None, None
    target = unquote(ref.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None, "image has an empty path"
    if "\0" in target:  # no file name holds one, and os functions raise on it
        return None, f"image path '{ref}' contains a NUL character (%00); no file can have that name"
    if os.path.isabs(target):
        return None, f"image path '{ref}' is absolute; write it relative to the question file"
    root = os.path.realpath(bank_root)
    real = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(question_path)), target))
    if os.path.commonpath([root, real]) != root:
        return None, f"image '{ref}' lies outside the bank folder; keep media inside the bank"
    if not os.path.isfile(real):
        return None, f"image '{ref}' does not exist (looked for {os.path.relpath(real)})"
    return real, None


def check_media(doc: Document, bank_root: str) -> Iterator[Diagnostic]:
    if not isinstance(doc.data, dict):
        return
    for path, text in markdown_fields(doc.data):
        for ref in image_refs(text):
            _real, why = resolve_media(doc.path, ref, bank_root)
            if why:
                line, col = _ref_pos(doc, path, text, ref)
                yield error(doc.path, line, col, "QB006", why)


def _ref_pos(doc: Document, path: tuple, text: str, ref: str) -> tuple[int, int]:
    """Where image ``ref`` is written in the text at ``path``: the line and column of its
    target in the file where the loader can map it (literal blocks, one-line scalars), else
    the start of the value."""
    from urllib.parse import unquote

    offset = next((i for i in (text.find(f"]({ref}"), text.find(f"]({unquote(ref)}"), text.find(f"](<{unquote(ref)}>"))
                   if i >= 0), -1)
    found = doc.text_pos(path, offset + 2) if offset >= 0 else None
    return found or doc.value_at(path)
