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
```
Problems in the file are diagnostics (code QB008) pointing at the line, never tracebacks.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, Severity
from .digest import blake2b
from .rules.base import RuleOptions

CONFIG_NAME = "qbank.toml"
_CODE = re.compile(r"^QB[0-9]{0,3}$")


@dataclass
class Config:
    root: Path
    name: str
    path: Path | None = None
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ("QB",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: RuleOptions = field(default_factory=RuleOptions)
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
        """What cached per-file results depend on (rule options; select/ignore are applied after)."""
        opts = self.options
        blob = json.dumps([opts.min_options, opts.max_options, sorted(opts.stem_stoplist)])
        return blake2b(blob.encode(), digest_size=8).hexdigest()


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


def load_config(paths: list[Path]) -> Config:
    root, path = find_root(paths)
    config = Config(root=root, name=root.name or "bank", path=path)
    if path is None:
        return config
    shown = _shown(path)
    try:
        text = path.read_text("utf-8")
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
    return config


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _diag(path: str, line: int, col: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, "QB008", "config", Severity.ERROR, message)


def _line_of(text: str, key: str) -> int:
    m = re.search(rf'^\s*"?{re.escape(key)}"?\s*=', text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _codes(value, key: str, text: str, shown: str, config: Config) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        config.diagnostics.append(_diag(shown, _line_of(text, key), 1, f"`{key}` must be a list of rule codes like [\"QB305\"]"))
        return None
    bad = [v for v in value if not _CODE.match(v)]
    if bad:
        config.diagnostics.append(_diag(shown, _line_of(text, key), 1,
                                        f"`{key}`: {', '.join(map(repr, bad))} is not a rule code or prefix like QB3 or QB305"))
        return None
    return tuple(value)


def _apply(config: Config, raw: dict, text: str, shown: str) -> None:
    known_top = {"name", "exclude", "lint"}
    for key in raw:
        if key not in known_top:
            config.diagnostics.append(_diag(shown, _line_of(text, key), 1,
                                            f"unknown setting `{key}`; known: {', '.join(sorted(known_top))}"))
    if "name" in raw:
        if isinstance(raw["name"], str) and raw["name"].strip():
            config.name = raw["name"].strip()
        else:
            config.diagnostics.append(_diag(shown, _line_of(text, "name"), 1, "`name` must be non-empty text"))
    if "exclude" in raw:
        value = raw["exclude"]
        if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            config.exclude = tuple(value)
        else:
            config.diagnostics.append(_diag(shown, _line_of(text, "exclude"), 1,
                                            '`exclude` must be a list of glob patterns, e.g. ["drafts/**"]'))
    lint = raw.get("lint", {})
    if not isinstance(lint, dict):
        config.diagnostics.append(_diag(shown, _line_of(text, "lint"), 1, "`lint` must be a table: [lint]"))
        return
    known_lint = {"select", "ignore", "severity", "per-file-ignores", "options"}
    for key in lint:
        if key not in known_lint:
            config.diagnostics.append(_diag(shown, _line_of(text, key), 1,
                                            f"unknown setting `lint.{key}`; known: {', '.join(sorted(known_lint))}"))
    for key in ("select", "ignore"):
        if key in lint:
            codes = _codes(lint[key], key, text, shown, config)
            if codes is not None:
                setattr(config, key, codes)
    sev = lint.get("severity", {})
    if not isinstance(sev, dict):
        config.diagnostics.append(_diag(shown, _line_of(text, "severity"), 1, "`lint.severity` must be a table of CODE = \"error|warning|info\""))
    else:
        for code, level in sev.items():
            if not re.match(r"^QB[0-9]{3}$", code) or level not in ("error", "warning", "info"):
                config.diagnostics.append(_diag(shown, _line_of(text, code), 1,
                                                f"severity override `{code} = {level!r}`: use a rule code and one of error, warning, info"))
            else:
                config.severity[code] = Severity(level)
    pfi = lint.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        config.diagnostics.append(_diag(shown, _line_of(text, "per-file-ignores"), 1, "`per-file-ignores` must map glob patterns to code lists"))
    else:
        for pattern, codes in pfi.items():
            parsed = _codes(codes, pattern, text, shown, config)
            if parsed is not None:
                config.per_file_ignores[pattern] = parsed
    opts = lint.get("options", {})
    if not isinstance(opts, dict):
        config.diagnostics.append(_diag(shown, _line_of(text, "options"), 1, "`lint.options` must be a table"))
        return
    values = {"min_options": config.options.min_options, "max_options": config.options.max_options}
    for key, value in opts.items():
        if key in ("min-options", "max-options"):
            if isinstance(value, int) and not isinstance(value, bool) and 2 <= value <= 26:
                values[key.replace("-", "_")] = value
            else:
                config.diagnostics.append(_diag(shown, _line_of(text, key), 1, f"`{key}` must be a whole number from 2 to 26"))
        elif key == "stem-stoplist":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                values["stem_stoplist"] = frozenset(v.casefold() for v in value)
            else:
                config.diagnostics.append(_diag(shown, _line_of(text, key), 1, "`stem-stoplist` must be a list of words"))
        else:
            config.diagnostics.append(_diag(shown, _line_of(text, key), 1,
                                            f"unknown option `{key}`; known: max-options, min-options, stem-stoplist"))
    if values["min_options"] > values["max_options"]:
        config.diagnostics.append(_diag(shown, _line_of(text, "min-options"), 1, "`min-options` is larger than `max-options`"))
    else:
        config.options = RuleOptions(**values)
