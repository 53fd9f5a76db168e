"""Bank configuration from ``qbank.toml`` in the bank root.

```toml
name = "LCSW Practice"            # bank name: export file names, Anki decks and GUIDs
exclude = ["drafts/**"]           # files under the root that are not questions (globs)
[lint]
select = ["QB"]                   # code prefixes to enable (default: all)
ignore = ["QB305"]                # code prefixes to disable
per-file-ignores = { "drafts/**" = ["QB401"] }
[lint.severity]
QB304 = "error"                   # error | warning | info
[lint.options]
min-options = 3
max-options = 5
stem-stoplist = ["vignette"]      # extra words QB308 never treats as clues
[lint.options.QB102]              # or per rule: only that rule's options
min-options = 4
[fields.domain]                   # a key the bank's items carry, validated like the built-in ones
type = "string"                   # string | integer | number | boolean | list (of strings)
enum = ["ethics", "assessment"]   # optional: the allowed values
required = true                   # optional (default false)
description = "Content outline domain"
```
The options are those the rules declare (rules/base.Option; `qbank rules CODE` lists them).
Problems in the file are diagnostics (code QB008) at the line and column of the key, never
tracebacks; a misspelt setting, option, code or severity gets a "did you mean".
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .codes import CODES, near
from .diagnostics import Diagnostic, Severity, diagnostic
from .digest import blake2b
from .fsutil import MAX_FILE_BYTES, read_bounded
from .rules.base import RuleOptions
from .schema import FIELD_TYPES, FieldSpec, schema

CONFIG_NAME = "qbank.toml"
_CODE = re.compile(r"^QB[0-9]{0,3}$")


@dataclass
class Config:
    root: Path
    name: str
    path: Path | None = None
    exclude: tuple[str, ...] = ()
    export_out: str | None = None   # [export] out: the default export folder, relative to the root
    select: tuple[str, ...] = ("QB",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: RuleOptions = field(default_factory=RuleOptions)
    fields: tuple[FieldSpec, ...] = ()   # [fields.NAME]: keys the bank declares for its items
    blueprints: dict[str, Any] = field(default_factory=dict)   # [blueprints.NAME]: blueprint.Blueprint
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def enabled(self, code: str, rel_path: str | None = None) -> bool:
        """Is lint rule ``code`` on (for the file at bank-relative ``rel_path``)?
        The longest matching prefix wins, as in ruff: select QB3 + ignore QB30 + ..."""
        sel = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        ign = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        if sel < 0 or ign >= sel:
            return False
        if rel_path is not None:
            for pattern, codes in self.per_file_ignores.items():
                if _glob_match(rel_path, pattern) and any(code.startswith(c) for c in codes):
                    return False
        return True

    def excluded(self, path: str) -> bool:
        """Is the file at ``path`` (as discovered) left out by `exclude`?"""
        if not self.exclude:
            return False
        full = os.path.abspath(path)
        prefix = str(self.root).rstrip(os.sep) + os.sep
        rel = (full[len(prefix):] if full.startswith(prefix) else path).replace(os.sep, "/")
        return any(_glob_match(rel, pattern) for pattern in self.exclude)

    def fingerprint(self) -> str:
        """What cached per-file results depend on besides qbank's own code (which the cache tag
        hashes, defaults included): every rule option the config sets, resolved, by name, whatever
        the option. Select, ignore, severities and per-file ignores are applied after the cache.
        Options left at their defaults are not listed, so this never imports a rule module."""
        blob = json.dumps([sorted(self.options.given.items()), [repr(f) for f in self.fields]],
                          default=_canonical)
        return blake2b(blob.encode(), digest_size=8).hexdigest()


def _canonical(value: Any) -> Any:
    """A resolved option value JSON cannot write as it is (a set of words), in a fixed order."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"option value {value!r} has no canonical JSON form")


def _glob_match(rel_path: str, pattern: str) -> bool:
    pure = PurePosixPath(rel_path)
    return pure.match(pattern) or fnmatch.fnmatch(rel_path, pattern) or (
        pattern.endswith("/**") and rel_path.startswith(pattern[:-2]))


def find_root(paths: list[Path]) -> tuple[Path, Path | None]:
    """The bank root and its config file: the nearest folder holding qbank.toml at or above
    the first path; without one, the first path itself (a folder) or its folder (a file)."""
    first = (paths[0] if paths else Path("bank")).absolute()
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return folder, candidate
    return start, None


def load_config(paths: list[Path], config_file: Path | None = None) -> Config:
    """The configuration for ``paths``: their bank's qbank.toml, or ``config_file`` instead
    (`--config`; the bank root, which media, the cache and globs are relative to, stays
    where it is)."""
    root, path = find_root(paths)
    if config_file is not None:
        path = Path(config_file).absolute()
    config = Config(root=root, name=root.name or "bank", path=path)
    if path is None:
        return config
    shown = _shown(path)
    try:
        text = read_bounded(path, MAX_FILE_BYTES).decode("utf-8")  # a 2 GB file is refused, not read
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        config.diagnostics.append(_diag(shown, 1, 1, f"cannot read the config file: {exc}"))
        return config
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        config.diagnostics.append(_diag(shown, line, col, f"invalid TOML: {str(exc).split(' (at line')[0]}"))
        return config
    _apply(config, raw, text, shown)
    if any(b.form_size for b in config.blueprints.values()):
        # QB910 reads the blueprints with a form size from the rule options (so they are part of the
        # cache key, and reach the workers)
        sized = tuple(b for _, b in sorted(config.blueprints.items()) if b.form_size)
        config.options = RuleOptions(**config.options.given, blueprints=sized)
    return config


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Report:
    """QB008 findings about one config file, each at the line and column of its key."""

    def __init__(self, config: Config, text: str, shown: str) -> None:
        self.config, self.text, self.shown = config, text, shown

    def __call__(self, key: tuple[str, ...], message: str, at: tuple[int, int] | None = None) -> None:
        line, col = at or _locate(self.text, key)
        self.config.diagnostics.append(_diag(self.shown, line, col, message))


def _diag(path: str, line: int, col: int, message: str) -> Diagnostic:
    return diagnostic("QB008", path, line, col, message)


_KEY_PART = re.compile(r"""\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*""")
_HEADER = re.compile(r"\s*\[\[?([^\[\]]+)\]\]?")


def _keys(text: str) -> tuple[list[str], int] | None:
    """The parts of a dotted key at the start of ``text`` and where the key ends, if any."""
    parts, pos = [], 0
    while True:
        m = _KEY_PART.match(text, pos)
        if not m or m.end() == pos:
            return None
        parts.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
        if text.startswith(".", pos):
            pos += 1
            continue
        return parts, pos


def _locate(text: str, key: tuple[str, ...]) -> tuple[int, int]:
    """Line and column (1-based) where ``key`` (("lint", "options", "min-options")) is written:
    as a table header, a (dotted) key, or a key of an inline table; else its nearest enclosing
    table or key that is written; else (1, 1)."""
    best, best_depth = (1, 1), 0
    table: list[str] = []
    in_string = False
    for n, line in enumerate(text.splitlines(), 1):
        quotes = line.count('"""') + line.count("'''")
        if in_string:
            in_string = quotes % 2 == 0
            continue
        in_string = quotes % 2 == 1
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        start = len(line) - len(stripped) + 1
        header = _HEADER.match(line)
        if header:
            parsed = _keys(header.group(1))
            table = parsed[0] if parsed else []
            found, col = table, start
        else:
            parsed = _keys(line)
            if not parsed or not line[parsed[1]:].startswith("="):
                continue
            found, col = table + parsed[0], start
        if tuple(found) == key:
            return n, col
        if tuple(found) == key[:len(found)] and len(found) > best_depth:
            best, best_depth = (n, col), len(found)
            if not header and len(found) < len(key):  # an inline table: look for the key on this line
                inner = re.search(rf"""[{{,]\s*["']?({re.escape(key[len(found)])})["']?\s*=""", line)
                if inner:
                    best, best_depth = (n, inner.start(1) + 1), len(found) + 1
    return best


def _did_you_mean(word, known, known_list: bool = True) -> str:
    """"; did you mean `x`?" for a near miss among ``known``; else (with ``known_list``) the list."""
    import difflib  # only on a config error

    hint = difflib.get_close_matches(word, known, n=1, cutoff=0.6) if isinstance(word, str) else []
    if hint:
        return f"; did you mean `{hint[0]}`?"
    return f"; known: {', '.join(sorted(known))}" if known_list else ""


def _near_codes(word: str) -> str:
    found = near(word)
    if not found:
        return "; `qbank rules` lists the codes"
    return "; did you mean " + " or ".join(f"{c.code} ({c.name})" for c in found) + "?"


def _codes(value, key: tuple[str, ...], report: _Report) -> tuple[str, ...] | None:
    name = key[-1]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report(key, f"`{name}` must be a list of rule codes like [\"QB305\"]")
        return None
    bad = [v for v in value if not _CODE.match(v)]
    if bad:
        report(key, f"`{name}`: {', '.join(map(repr, bad))} is not a rule code or prefix like QB3 or QB305")
        return None
    return tuple(value)


TOP_SETTINGS = ("name", "exclude", "export", "lint", "fields", "blueprints")
FIELD_SETTINGS = ("type", "enum", "required", "description")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
LINT_SETTINGS = ("select", "ignore", "severity", "per-file-ignores", "options")
SEVERITIES = tuple(s.value for s in Severity)


def _apply(config: Config, raw: dict, text: str, shown: str) -> None:
    report = _Report(config, text, shown)
    for key in raw:
        if key not in TOP_SETTINGS:
            hint = (_did_you_mean(key, TOP_SETTINGS, known_list=False)
                    or _did_you_mean(key, LINT_SETTINGS, known_list=False).replace("?", " under [lint]?")
                    or _did_you_mean(key, TOP_SETTINGS))
            report((key,), f"unknown setting `{key}`{hint}")
    if "name" in raw:
        if isinstance(raw["name"], str) and raw["name"].strip():
            config.name = raw["name"].strip()
        else:
            report(("name",), "`name` must be non-empty text")
    if "exclude" in raw:
        value = raw["exclude"]
        if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            config.exclude = tuple(value)
        else:
            report(("exclude",), '`exclude` must be a list of glob patterns, e.g. ["drafts/**"]')
    export = raw.get("export", {})
    if not isinstance(export, dict):
        report(("export",), "`export` must be a table: [export]")
    else:
        for key in export:
            if key != "out":
                report(("export", key), f"unknown setting `export.{key}`{_did_you_mean(key, ('out',))}")
        if "out" in export:
            if isinstance(export["out"], str) and export["out"].strip():
                config.export_out = export["out"].strip()
            else:
                report(("export", "out"), '`export.out` must be a folder, e.g. "exports" or "../exports"')
    if "fields" in raw:
        config.fields = _fields(raw["fields"], report)
    if "blueprints" in raw:
        from .blueprint import parse_blueprints

        config.blueprints = parse_blueprints(raw["blueprints"], report, text, shown)
    lint = raw.get("lint", {})
    if not isinstance(lint, dict):
        report(("lint",), "`lint` must be a table: [lint]")
        return
    for key in lint:
        if key not in LINT_SETTINGS:
            report(("lint", key), f"unknown setting `lint.{key}`{_did_you_mean(key, LINT_SETTINGS)}")
    for key in ("select", "ignore"):
        if key in lint:
            codes = _codes(lint[key], ("lint", key), report)
            if codes is not None:
                setattr(config, key, codes)
    sev = lint.get("severity", {})
    if not isinstance(sev, dict):
        report(("lint", "severity"), "`lint.severity` must be a table of CODE = \"error|warning|info\"")
    else:
        for code, level in sev.items():
            _severity(config, code, level, report)
    pfi = lint.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        report(("lint", "per-file-ignores"), "`per-file-ignores` must map glob patterns to code lists")
    else:
        for pattern, codes in pfi.items():
            parsed = _codes(codes, ("lint", "per-file-ignores", pattern), report)
            if parsed is not None:
                config.per_file_ignores[pattern] = parsed
    opts = lint.get("options", {})
    if not isinstance(opts, dict):
        report(("lint", "options"), "`lint.options` must be a table")
    elif opts:
        _options(config, opts, report)


def _fields(table, report: _Report) -> tuple[FieldSpec, ...]:
    """`[fields.NAME]` tables: the keys a bank adds to its items. A field that cannot be read is
    reported and left out (its key then reads as unknown in every item, which says the same)."""
    if not isinstance(table, dict):
        report(("fields",), "`fields` must hold one table per field: [fields.NAME]")
        return ()
    builtin = schema()["properties"]
    out = []
    for name, spec in table.items():
        key = ("fields", name)
        if name in builtin:
            report(key, f"field `{name}` is a built-in key of every question; choose another name")
            continue
        if not _FIELD_NAME.match(name):
            report(key, f"field name `{name}`: use lowercase letters, digits, '-' and '_', starting with a letter")
            continue
        if not isinstance(spec, dict):
            report(key, f"`fields.{name}` must be a table, e.g. [fields.{name}] with type = \"string\"")
            continue
        bad = False
        for k in spec:
            if k not in FIELD_SETTINGS:
                report(key + (k,), f"unknown setting `fields.{name}.{k}`{_did_you_mean(k, FIELD_SETTINGS)}")
                bad = True
        kind = spec.get("type", "string")
        if kind not in FIELD_TYPES:
            report(key + ("type",), f"`fields.{name}.type` must be one of {', '.join(FIELD_TYPES)}, not "
                                    f"{json.dumps(kind)}{_did_you_mean(kind, FIELD_TYPES, known_list=False)}")
            continue
        enum = spec.get("enum", [])
        item_type = "string" if kind == "list" else kind
        if not isinstance(enum, list) or not all(_is_type(v, item_type) for v in enum) or len(set(map(repr, enum))) != len(enum):
            report(key + ("enum",), f"`fields.{name}.enum` must be a list of distinct values of type {item_type}")
            continue
        required = spec.get("required", False)
        description = spec.get("description", "")
        if not isinstance(required, bool):
            report(key + ("required",), f"`fields.{name}.required` must be true or false")
            continue
        if not isinstance(description, str):
            report(key + ("description",), f"`fields.{name}.description` must be text")
            continue
        if not bad:
            out.append(FieldSpec(name, kind, tuple(enum), required, description))
    return tuple(out)


def _is_type(value, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str) and bool(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _severity(config: Config, code: str, level, report: _Report) -> None:
    """One `[lint.severity]` override: a lint rule's code and error, warning or info."""
    key = ("lint", "severity", code)
    entry = CODES.get(code)
    if entry is None:
        report(key, f"severity override of `{code}`: no rule has this code{_near_codes(code)}")
    elif entry.always_on:
        report(key, f"severity override of {code} ({entry.name}): it is always on, "
                    f"with severity {entry.severity}; it cannot be changed")
    elif level not in SEVERITIES:
        report(key, f"severity override `{code} = {json.dumps(level)}`: use one of error, warning, info"
                    + _did_you_mean(level, SEVERITIES, known_list=False))
    else:
        config.severity[code] = Severity(level)


def _options(config: Config, opts: dict, report: _Report) -> None:
    """`[lint.options]` (and `[lint.options.CODE]` tables) against the options the rules declare."""
    from .rules import declared_options  # imports the rule modules: only for a config that sets options

    declared = declared_options()
    values: dict[str, tuple[Any, tuple[str, ...]]] = {}  # name -> (resolved value, where it is set)

    def take(name: str, value, key: tuple[str, ...]) -> None:
        opt = declared[name][1]
        problem = opt.problem(value)
        if name in values:
            report(key, f"option `{name}` is set twice; keep one")
        elif problem:
            report(key, f"`{name}` {problem}")
        else:
            values[name] = (opt.resolve(value), key)

    for key, value in opts.items():
        if isinstance(value, dict):
            entry = CODES.get(key)
            if entry is None:
                report(("lint", "options", key), f"`[lint.options.{key}]`: no rule has this code{_near_codes(key)}")
                continue
            own = sorted(name for name, (code, _) in declared.items() if code == key)
            for name, v in value.items():
                where = ("lint", "options", key, name)
                if name in own:
                    take(name, v, where)
                else:
                    listed = _did_you_mean(name, own) if own else "; it has no options"
                    report(where, f"{key} ({entry.name}) has no option `{name}`{listed}")
        elif key in declared:
            take(key, value, ("lint", "options", key))
        else:
            report(("lint", "options", key), f"unknown option `{key}`{_did_you_mean(key, declared)}")

    def current(name: str):
        return values[name][0] if name in values else declared[name][1].resolve(declared[name][1].default)

    if {"min-options", "max-options"} <= declared.keys() and current("min-options") > current("max-options"):
        where = next(values[n][1] for n in ("min-options", "max-options") if n in values)
        report(where, "`min-options` is larger than `max-options`")
        values.pop("min-options", None)
        values.pop("max-options", None)
    config.options = RuleOptions(**{declared[name][1].attr: value for name, (value, _) in values.items()})
