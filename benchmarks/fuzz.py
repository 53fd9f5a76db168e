"""Fuzz `qbank lint`, `qbank fmt` and `qbank lint --fix` with mutated question files.

    python benchmarks/fuzz.py [--cases 20000] [--seed 1] [--batch 500] [--keep DIR] [--case I]
                              [--huge 200000] [--timeout 300] [--qbank PATH]

Seeds are real question files: the bundled bank, the test fixtures and the examples of the rule
pages (docs/rules/, most of them fixable findings). Each case is one seed given a unique id and
1-3 seeded mutations: byte flips, deleted, duplicated or re-indented lines, inserted YAML specials
(``&*!|>%@``), unicode (emoji ZWJ sequences, RTL marks, U+0085, U+2028, control characters),
truncation, huge lines, tabs, CRLF and BOM, comments, and edits inside the values that keep the
YAML valid (typography, code, links, numbers) so that fmt and --fix have work to do.

Cases run in batches: one bank folder of ``--batch`` files per command, through the real console
script (``--qbank PATH`` for another install), and the findings are mapped back to the files.
Per batch:

1. ``qbank lint --no-cache --format json``;
2. ``qbank fmt``, then ``qbank fmt --check`` on the files it changed;
3. ``qbank lint --fix --format json``, ``qbank lint --no-cache`` on the result, then ``qbank lint
   --fix`` again on the files the first one changed;
4. ``qbank validate``, then ``qbank export --all`` of the files it passes.

Properties (a failure's ``kind``): no Python traceback (``traceback``), exit code in {0, 1, 2}
(``exit-code``), no run over the time limit (``timeout``), no QB000 and no "internal" refusal
(``internal-error``), lint leaves files alone (``lint-wrote``); fmt keeps the data exactly, types
included (``fmt-data``), every comment (``fmt-comment``), what a YAML 1.1 reader such as PyYAML
reads (``fmt-yaml11``), and is idempotent (``fmt-idempotent``); --fix keeps the data up to the
typography and capitalisation it fixes and the order of numeric options (``fix-data``), code,
link targets and link text exactly (``fix-markdown``), every comment (``fix-comment``), and is
idempotent (``fix-idempotent``); a file no YAML reader reads stays byte-for-byte
(``rewrote-unreadable``); the cached report after --fix equals a fresh one (``cache``); a file
validate passes reads as a question to other YAML readers too (``accepted-unreadable``), and
exports, with every question and every text in each package, and packages that read (and that
the official IMS schemas accept, where the QTI tests find them) (``export``).
A batch-level failure (traceback, exit code, timeout, broken package) is bisected down to the
file causing it.

Prints the figures (cases, failures by kind, time by step); exit code 1 when anything failed. With
``--keep DIR`` each failing input is saved there, named after its case; ``--case I`` runs one case
alone (as ``--seed`` made it) to reproduce a failure (``--huge 0`` for the cases of the test suite,
which makes no 200,000-character lines).
"""

from __future__ import annotations

import argparse
import collections
import functools
import io
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QBANK = str(Path(sys.executable).parent / "qbank")  # the console script of this environment
CONFIG = 'name = "Fuzz Bank"\n'


# --- seeds --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seed:
    name: str         # where it came from, e.g. "bank/ethics/lcsw-eth-003.yaml"
    folder: str       # the folder its cases go in, inside the fuzz bank (media sits beside it)
    text: str


def _seed_files() -> Iterator[tuple[Path, Path]]:
    """(file, the root its media paths are relative to) of every real question file."""
    for root in (REPO / "bank", REPO / "tests" / "fixtures"):
        for path in sorted(root.rglob("*.y*ml")):
            if path.suffix in (".yaml", ".yml"):
                yield path, root


_DOC_EXAMPLE = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)


def load_seeds() -> list[Seed]:
    """The bank's and fixtures' question files, and every question of the rule pages' examples
    (fragments over the rules' base item, expanded as the rule-doc tests expand them)."""
    from qbank.rules.examples import example_items

    seeds = [Seed(str(path.relative_to(REPO)), str(path.parent.relative_to(root.parent)), path.read_text("utf-8"))
             for path, root in _seed_files()]
    for page in sorted((REPO / "docs" / "rules").glob("QB*.md")):
        for n, match in enumerate(_DOC_EXAMPLE.finditer(page.read_text("utf-8"))):
            try:
                items = example_items(match.group(1))
            except ValueError:  # not a question example (a qbank.toml, say)
                continue
            seeds += [Seed(f"docs/rules/{page.name}#{n + 1}.{i + 1}", "docs", item) for i, item in enumerate(items)]
    return seeds


def media_folders() -> Iterator[tuple[Path, str]]:
    """(source, folder in the fuzz bank) of every non-YAML file a seed may reference."""
    for root in (REPO / "bank", REPO / "tests" / "fixtures"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix not in (".yaml", ".yml", ".toml", ".json"):
                yield path, str(path.relative_to(root.parent))


# --- mutations ----------------------------------------------------------------------------------

YAML_SPECIALS = ["&", "*", "!", "|", ">", "%", "@", "`", "? ", ": ", "- ", "#", "{", "}", "[", "]", ",", "'", '"',
                 "&a ", "*a", "!!str ", "!!binary ", "!foo ", "|-", ">+", "|2", "%YAML 1.1\n", "%TAG ! x\n", "---\n",
                 "...\n", "<<: *a\n", "? [a]\n: b\n", "\\", "~", "null", "yes", "No", "on", "0x1F", "1:30", "1e3",
                 ".inf", ".nan", "2024-01-01", "'", "''", '"\\x00"', '"\\ud800"']
UNICODE = ["\U0001F469\u200d\U0001F469\u200d\U0001F467", "\U0001F3F3\ufe0f\u200d\U0001F308", "\u202e", "\u200f",
           "\u200e", "\u2067", "\u0085", "\u2028", "\u2029", "\u00a0", "\u200b", "\u200c", "\u200d", "\u00ad",
           "\ufeff", "\u2060", "\u0301", "e\u0301", "\U0001F642", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
           "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\ufffd", "\U0010ffff", "\ufdd0", "\u3000", "\u180e"]
CONTROL = [chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127, 0x80, 0x9b]]
# Edits inside a value that keep most files valid YAML and give --fix and fmt something to do.
TEXT_EDITS = ["  ", " ,", ",,", "??", "..", " .", "'", '"', "\u201c", "\u2019", "\u00a0", "\u200b", "\u200d", "\u200c",
              "\t", " first", " not", " except", " best", " least", " NOT", "Which is FIRST?", " `code 'a' ,  \"b\"`",
              " ``a ` b``", " [link first text](http://x.y/a'b  c)", " [not this](<a b.png>)", " ![img](media/chart.png)",
              " ![x](missing 1.png)", " <sub>2</sub>", " (unbalanced", " [", " 10 mg", " 5%", " 18-25 years", "\\",
              "  \n", " ~~~", " ***", " **bold**", " $x$", " & ", " <", " http://example.com/a_b_c", " 1.", " -",
              " #", " # not a comment", " --", " \u2014", "...", " \u2026", " ![x](%00a.png)", " ![x](%ZZ.png)",
              " ![x](media/%63hart.png)", " ![x](/etc/passwd)", " ![x](../../../../x.png)", " ![x](media/chart.png?a#b)",
              " ![x](file:///etc/passwd)", " ![x](C:\\x.png)", " ![x](<media/chart.png>)", " ![x](media/chart.png \"t\")",
              " ![x](media)", " ![x](.)", " ![x](%2e%2e/x.png)", " ![](media/chart.png)", " [sound:x.mp3]", " [latex]x[/latex]",
              " {{c1::x}}", " <img src=x>", " &amp;", " &#0;", " &#x1F;", " \\[", " <!-- x -->"]
# Whole values: YAML 1.1 readers take the unquoted forms of these for booleans, numbers, dates or null.
VALUES = ["'Yes'", "'No'", "'on'", "'off'", "'y'", "'n'", "'1:30'", "'0o17'", "'1_000'", "'.inf'", "'~'", "'null'",
          "'2024-01-01'", "'0x1F'", "'+1'", "'1e3'", "'012'", "''", "'#'", "'- a'", "'a: b'", '"\\u0085"', '"\\t x"',
          '" x"', "'x '", "yes", "1:30", "0o17", "1_000", "~", "null", "12", "1.5", "true", "-", "[]", "{}", "|\n  a\n",
          ">-\n  a\n  b\n", '"\\x1f"', '"a\\nb"', "!!str 1", "'multi\n  line'", "\"\\\"quoted\\\"\""]
INDENTED_CODE = "\n\n      print('a' ,  \"b\")  \n      x  =  1\n\n"
FENCE = "\n\n  ```\n  print('a' ,  \"b\")\n  ```\n\n"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _pick_line(rng: random.Random, lines: list[str]) -> int:
    return rng.randrange(len(lines))


def m_byte_flip(rng: random.Random, text: str) -> str:
    raw = bytearray(text.encode("utf-8", "surrogateescape"))
    if raw:
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return raw.decode("utf-8", "surrogateescape")


def m_delete_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = _pick_line(rng, lines)
    del lines[i:i + rng.choice([1, 1, 1, 2, 3])]
    return "".join(lines)


def m_duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = _pick_line(rng, lines)
    span = lines[i:i + rng.choice([1, 1, 2, 3])]
    lines[i:i] = span
    return "".join(lines)


def m_indent(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = _pick_line(rng, lines)
    for j in range(i, min(len(lines), i + rng.choice([1, 1, 2, 4]))):
        if rng.random() < 0.5:
            lines[j] = " " * rng.choice([1, 2, 4]) + lines[j]
        else:
            lines[j] = lines[j][min(rng.choice([1, 2]), len(lines[j]) - len(lines[j].lstrip(" "))):]
    return "".join(lines)


def _insert(rng: random.Random, text: str, what: str) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + what + text[at:]


def m_yaml_special(rng: random.Random, text: str) -> str:
    special = rng.choice(YAML_SPECIALS)
    if rng.random() < 0.5:  # where YAML looks: the start of a value or of a line
        lines = _lines(text)
        i = _pick_line(rng, lines)
        line = lines[i]
        colon = line.find(": ")
        at = colon + 2 if colon >= 0 and rng.random() < 0.6 else len(line) - len(line.lstrip(" -"))
        lines[i] = line[:at] + special + line[at:]
        return "".join(lines)
    return _insert(rng, text, special)


def m_unicode(rng: random.Random, text: str) -> str:
    return _insert(rng, text, rng.choice(UNICODE))


def m_control(rng: random.Random, text: str) -> str:
    return _insert(rng, text, rng.choice(CONTROL))


def m_truncate(rng: random.Random, text: str) -> str:
    return text[:rng.randrange(len(text) + 1)]


HUGE = [1000, 5000, 20000]  # characters of a huge line; the long run adds 200,000 (a quadratic scan shows)


def m_huge_line(rng: random.Random, text: str) -> str:
    unit = rng.choice(["a", "word ", "`", "~", "[", "](", "![", "*", "_", "<", "\\", " ", "a  ", "'", "\u200d"])
    n = rng.choice(HUGE) // len(unit)
    lines = _lines(text)
    i = _pick_line(rng, lines)
    line = lines[i]
    colon = line.find(": ")
    at = colon + 2 if colon >= 0 else len(line) - len(line.lstrip(" "))
    lines[i] = line[:at] + unit * n + line[at:]
    return "".join(lines)


def m_tabs(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = _pick_line(rng, lines)
    line = lines[i]
    stripped = line.lstrip(" ")
    if rng.random() < 0.5 and len(stripped) < len(line):
        lines[i] = "\t" + stripped
    else:
        lines[i] = _insert(rng, line.rstrip("\n"), "\t") + ("\n" if line.endswith("\n") else "")
    return "".join(lines)


def m_line_endings(rng: random.Random, text: str) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return text.replace("\n", "\r\n")
    if choice == 1:
        return "\ufeff" + text
    if choice == 2:
        return text.replace("\n", "\r")
    return text.rstrip("\n") + rng.choice(["", " ", "  \n", "\n\n\n", "\t", "\n \n"])


def m_comment(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = _pick_line(rng, lines)
    n = rng.randrange(1000)
    if rng.random() < 0.5:
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
        lines.insert(i, " " * rng.choice([0, indent, indent + 2]) + f"# fuzz comment {n}\n")
    else:
        lines[i] = lines[i].rstrip("\n") + f"  # fuzz note {n}\n"
    return "".join(lines)


def m_text_edit(rng: random.Random, text: str) -> str:
    """An edit inside a value: after `key: ` or in a block scalar's line."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if re.match(r"\s+\S", line) or re.match(r"\S+: \S", line)]
    if not candidates:
        return _insert(rng, text, rng.choice(TEXT_EDITS))
    i = rng.choice(candidates)
    line = lines[i].rstrip("\n")
    start = line.find(": ") + 2 if re.match(r"\s*(- )?[a-z]+: \S", line) else len(line) - len(line.lstrip())
    at = rng.randint(start, len(line))
    what = rng.choice(TEXT_EDITS)
    lines[i] = line[:at] + what + line[at:] + ("\n" if lines[i].endswith("\n") else "")
    return "".join(lines)


def m_value(rng: random.Random, text: str) -> str:
    """A whole value replaced: a quoted YAML 1.1 boolean or number, a bare one, an empty one..."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if re.match(r"\s*(- )?[a-z]+: \S", line) or
                  re.match(r"\s+- \S", line)]
    if not candidates:
        return text
    i = rng.choice(candidates)
    head = re.match(r"\s*(- )?[a-z]+: |\s+- ", lines[i]).group()
    lines[i] = head + rng.choice(VALUES) + "\n"
    return "".join(lines)


def m_block_code(rng: random.Random, text: str) -> str:
    """Code inside a `|` stem or explanation: an indented block or a fence."""
    match = re.search(r"^(stem|explanation): \|\n(?:  .*\n)+", text, re.M)
    if not match:
        return m_text_edit(rng, text)
    return text[:match.end()].rstrip("\n") + rng.choice([INDENTED_CODE, FENCE]).rstrip("\n") + "\n  more text.\n" + \
        text[match.end():]


def m_numbers(rng: random.Random, text: str) -> str:
    """Options that are all numbers in one unit, in a random order: QB311 sorts them."""
    unit = rng.choice(["", " mg", "%", " days", " years"])
    values = rng.sample(range(1, 200), 6)
    count = iter(values)
    return re.sub(r"^(\s*- text: ).*$", lambda m: f"{m.group(1)}{next(count, 7)}{unit}", text, flags=re.M)


MUTATIONS: list[tuple[Callable[[random.Random, str], str], int]] = [
    (m_byte_flip, 2), (m_delete_lines, 2), (m_duplicate_line, 2), (m_indent, 2), (m_yaml_special, 3),
    (m_unicode, 3), (m_control, 2), (m_truncate, 1), (m_huge_line, 1), (m_tabs, 2), (m_line_endings, 2),
    (m_comment, 3), (m_text_edit, 8), (m_value, 3), (m_block_code, 2), (m_numbers, 1),
]


@dataclass
class Case:
    index: int
    seed: Seed
    mutations: list[str]
    data: bytes

    @property
    def relpath(self) -> str:
        return f"bank/{self.seed.folder}/c{self.index:06d}.yaml"


def make_case(seed_value: int, index: int, seeds: list[Seed]) -> Case:
    """Case ``index`` of run ``seed_value``: the same every time, whatever else runs."""
    rng = random.Random(f"{seed_value}:{index}")
    seed = rng.choice(seeds)
    text = re.sub(r"^id: .*$", f"id: fz-{index:06d}", seed.text, count=1, flags=re.M)
    funcs, weights = zip(*MUTATIONS)
    names = []
    for func in rng.choices(funcs, weights, k=rng.choice([1, 1, 2, 3])):
        text = func(rng, text)
        names.append(func.__name__[2:])
    return Case(index, seed, names, text.encode("utf-8", "surrogateescape"))


# --- oracles ------------------------------------------------------------------------------------

class Unreadable(Exception):
    pass


@functools.lru_cache(maxsize=4096)
def read_yaml(raw: bytes) -> Any:
    """The data of a file as a YAML 1.2 reader (ruamel.yaml, safe) sees it; Unreadable if none."""
    from ruamel.yaml import YAML

    try:
        text = raw.decode("utf-8-sig")
        return YAML(typ="safe", pure=True).load(text)
    except Exception as exc:  # any reader error means: not a file a rewrite may touch
        raise Unreadable(str(exc)) from exc


_CORE_SCHEMA = [  # YAML 1.2 core schema: (tag, pattern, first characters)
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+.0123456789"),
]


def _int12(value: str) -> int:
    return int(value[2:], 8) if value.startswith("0o") else int(value, 16 if value.startswith("0x") else 10)


@functools.lru_cache(maxsize=1)
def _fast_loader() -> type:
    """libyaml with the YAML 1.2 core schema, refusing duplicate keys like ruamel.yaml."""
    import yaml

    class Loader(yaml.CSafeLoader):
        yaml_implicit_resolvers: dict = {}

        def construct_mapping(self, node, deep=False):
            keys = [self.construct_object(k, deep=True) for k, _ in node.value]
            if len({repr(canon(k)) for k in keys}) != len(keys):
                raise yaml.constructor.ConstructorError(None, None, "duplicate key", node.start_mark)
            return super().construct_mapping(node, deep)

    for tag, pattern, first in _CORE_SCHEMA:
        Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))
    Loader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: None)
    Loader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: node.value.lower() == "true")
    Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: _int12(node.value))
    Loader.add_constructor("tag:yaml.org,2002:float",
                           lambda loader, node: float(node.value.lower().replace(".inf", "inf").replace(".nan", "nan")))
    return Loader


@functools.lru_cache(maxsize=4096)
def read_fast(raw: bytes) -> Any:
    """Like :func:`read_yaml`, through libyaml: ten times faster, YAML 1.1 syntax details aside."""
    import yaml

    try:
        return yaml.load(raw.decode("utf-8-sig"), Loader=_fast_loader())
    except Exception as exc:
        raise Unreadable(str(exc)) from exc


def read_any(raw: bytes) -> Any:
    """:func:`read_fast`, else :func:`read_yaml` (libyaml rejects a tab after a value)."""
    try:
        return read_fast(raw)
    except Unreadable:
        return read_yaml(raw)


def read_yaml11(raw: bytes) -> Any:
    import yaml

    try:
        return yaml.load(raw.decode("utf-8-sig"), Loader=yaml.CSafeLoader)
    except Exception as exc:
        raise Unreadable(str(exc)) from exc


def canon(value: Any, text: Callable[[str], Any] = lambda s: s) -> Any:
    """A comparable form of YAML data: types kept apart (1, 1.0 and true differ), mapping order
    ignored, NaN equal to itself; strings through ``text``; options sorted when ``text`` is given."""
    if isinstance(value, dict):
        items = {repr(canon(k)): canon(v, text) for k, v in value.items()}
        return ("map", tuple(sorted(items.items())))
    if isinstance(value, list):
        return ("seq", tuple(canon(v, text) for v in value))
    if isinstance(value, str):
        return ("str", text(value))
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, repr(value))


_COMMENT = re.compile(r"(?:^|(?<=[ \t\r]))#[^\r\n]*", re.M)


def _tokens(text: str) -> list:
    """The tokens of ``text``: libyaml's scanner (fast), else ruamel.yaml's YAML 1.2 one."""
    import yaml

    try:
        return list(yaml.scan(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        pass
    from ruamel.yaml import YAML

    try:
        return list(YAML(typ="rt").scan(text))
    except Exception as exc:
        raise Unreadable(str(exc)) from exc


def comments(raw: bytes) -> collections.Counter:
    """Every comment's text: a `#` after whitespace outside every token a YAML 1.2 scanner
    (ruamel.yaml) reads, a block scalar's header line included (`|  # note`)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(str(exc)) from exc
    covered = bytearray(len(text) + 1)
    for token in _tokens(text):
        start, end = token.start_mark.index, token.end_mark.index
        if getattr(token, "style", None) in ("|", ">"):
            start = min(i for i in (text.find("\n", start), text.find("\r", start), end) if i >= 0)
        covered[start:end] = b"\1" * (end - start)
    return collections.Counter(m.group().strip() for m in _COMMENT.finditer(text) if not covered[m.start()])


_QUOTES = str.maketrans({c: "'" for c in "\"\u2018\u2019\u201c\u201d"})
_DELETABLE = re.compile("[\\s\u200b\u2060\ufeff\u00ad\\\\]+")  # what --fix may remove (not ZWJ/ZWNJ)
_PUNCTUATION = re.compile(r"[,;:.!?]+")


def fix_text_key(s: str) -> str:
    """A string up to what QB203/QB204/QB501 change: case, whitespace, deletable zero-width
    characters, quote styles, doubled punctuation (",," or ",." become one mark). Anything
    else --fix must keep."""
    s = _DELETABLE.sub("", s.casefold().translate(_QUOTES)).replace("\u2026", "...")
    return _PUNCTUATION.sub(".", s)


def fix_shape(value: Any) -> Any:
    """``canon`` up to what --fix may change, with option lists in a fixed order (QB311 sorts)."""
    if isinstance(value, dict):
        out = {k: fix_shape(v) for k, v in value.items()}
        if isinstance(value.get("options"), list):
            out["options"] = ("seq", tuple(sorted(out["options"][1], key=repr)))
        return ("map", tuple(sorted((repr(canon(k)), v) for k, v in out.items())))
    if isinstance(value, list):
        return ("seq", tuple(fix_shape(v) for v in value))
    if isinstance(value, tuple):  # already shaped
        return value
    return canon(value, fix_text_key)


def string_pairs(before: Any, after: Any) -> Iterator[tuple[str, str]]:
    """Each string of ``before`` with its counterpart in ``after`` (same shape, options matched
    by their fix_shape)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key == "options" and isinstance(value, list) and isinstance(after.get(key), list):
                theirs = {repr(fix_shape(o)): o for o in after[key]}
                for option in value:
                    if repr(fix_shape(option)) in theirs:
                        yield from string_pairs(option, theirs[repr(fix_shape(option))])
            elif key in after:
                yield from string_pairs(value, after[key])
    elif isinstance(before, list) and isinstance(after, list):
        for a, b in zip(before, after):
            yield from string_pairs(a, b)
    elif isinstance(before, str) and isinstance(after, str):
        yield before, after


def markdown_kept(text: str) -> tuple:
    """What a fix must never touch in Markdown: code (inline, indented, fenced), link and image
    targets, link text."""
    from markdown_it import MarkdownIt

    kept: list[tuple[str, str]] = []
    stack = list(MarkdownIt("commonmark").parse(text))[::-1]
    link_depth, link_text = 0, []
    while stack:
        tok = stack.pop()
        if tok.type in ("code_inline", "code_block", "fence"):
            kept.append((tok.type, tok.content))
        elif tok.type in ("link_open", "image"):
            kept.append((tok.type, str(tok.attrs.get("href", tok.attrs.get("src", "")))))
        if tok.type == "link_open":
            link_depth += 1
        elif tok.type == "link_close":
            link_depth -= 1
            kept.append(("link_text", "".join(link_text)))
            link_text = []
        elif link_depth and tok.type in ("text", "code_inline"):
            link_text.append(tok.content)
        stack.extend(reversed(tok.children or []))
    return tuple(kept)


@dataclass
class Failure:
    kind: str
    case: Case
    detail: str

    def line(self) -> str:
        return (f"{self.kind}: case {self.case.index} ({self.case.seed.name}; {', '.join(self.case.mutations)}): "
                f"{self.detail[:300]}")


def check_rewrite(command: str, case: Case, before: bytes, after: bytes) -> list[Failure]:
    """The properties of one file that `fmt` (command "fmt") or `--fix` ("fix") rewrote."""
    if after == before:
        return []
    found = _data_problems(command, case, before, after, read_fast)
    if found:  # libyaml is a YAML 1.1 parser: confirm with the YAML 1.2 reader before blaming qbank
        confirmed = _data_problems(command, case, before, after, read_yaml)
        if not any(f.kind == "rewrote-unreadable" for f in confirmed):  # (it rejects tabs libyaml allows)
            found = confirmed
    try:
        lost = comments(before) - comments(after)
    except Unreadable as exc:
        return found + [Failure(f"{command}-comment", case, f"cannot find the comments: {exc}")]
    if lost:
        found.append(Failure(f"{command}-comment", case, f"lost {sorted(lost)[:3]}"))
    return found


def _data_problems(command: str, case: Case, before: bytes, after: bytes,
                   read: Callable[[bytes], Any]) -> list[Failure]:
    try:
        data = read(before)
    except Unreadable as exc:
        return [Failure("rewrote-unreadable", case, f"{command} rewrote a file a YAML 1.2 reader rejects: {exc}")]
    try:
        new = read(after)
    except Unreadable as exc:
        return [Failure(f"{command}-data", case, f"the rewritten file no longer reads: {exc}")]
    found: list[Failure] = []
    if command == "fmt":
        if canon(data) != canon(new):
            found.append(Failure("fmt-data", case, _first_difference(data, new)))
        try:
            if canon(read_yaml11(before)) == canon(data) and canon(read_yaml11(after)) != canon(data):
                found.append(Failure("fmt-yaml11", case, "a YAML 1.1 reader reads the formatted file differently: "
                                     + _first_difference(data, read_yaml11(after))))
        except Unreadable:
            pass
        return found
    if fix_shape(data) != fix_shape(new):
        found.append(Failure("fix-data", case, _changed_string(data, new) or _first_difference(data, new)))
    for old, fixed in string_pairs(data, new):
        kept, now = markdown_kept(old), markdown_kept(fixed)
        if kept != now:
            a, b = next(((x, y) for x, y in zip(kept + (None,), now + (None,)) if x != y))
            found.append(Failure("fix-markdown", case, f"{a!r:.150} -> {b!r:.150}"))
            break
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _changed_string(a: Any, b: Any) -> str | None:
    """Where the first string of ``a`` that --fix changed beyond its fixes differs from the
    string of ``b`` that starts most like it."""
    theirs = list(_strings(b))
    keys = {fix_text_key(s) for s in theirs}
    for s in _strings(a):
        if fix_text_key(s) not in keys:
            return _excerpt(s, max(theirs, key=lambda t: len(os.path.commonprefix([s, t])), default=""))
    return None


def _excerpt(a: str, b: str) -> str:
    """The span where ``a`` and ``b`` differ, with a little context: `...ctx[old -> new]ctx...`
    (common prefix and suffix only: linear, whatever the length)."""
    start = len(os.path.commonprefix([a, b]))
    tail = len(os.path.commonprefix([a[start:][::-1], b[start:][::-1]]))
    old, new = a[start:len(a) - tail], b[start:len(b) - tail]
    return f"...{a[max(0, start - 30):start]!r}[{old!r:.80} -> {new!r:.80}]{a[len(a) - tail:][:30]!r}..."


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b or canon(a[key]) != canon(b[key]):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if canon(x) != canon(y):
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where or 'document'}: {a!r:.150} -> {b!r:.150}"


# --- running qbank ------------------------------------------------------------------------------

@dataclass
class Run:
    returncode: int | None   # None: timed out
    stdout: str
    stderr: str


def qbank(args: list[str], cwd: Path, timeout: float) -> Run:
    try:
        proc = subprocess.run([QBANK, *args], cwd=cwd, capture_output=True, timeout=timeout,
                              env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired as exc:
        return Run(None, (exc.stdout or b"").decode("utf-8", "replace"), (exc.stderr or b"").decode("utf-8", "replace"))
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def run_failure(run: Run) -> tuple[str, str] | None:
    """(kind, detail) when a run as a whole went wrong."""
    if run.returncode is None:
        return "timeout", "the command did not finish in time"
    if "Traceback (most recent call last)" in run.stderr or "Traceback (most recent call last)" in run.stdout:
        return "traceback", run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.stdout[-300:]
    if run.returncode not in (0, 1, 2):
        return "exit-code", f"exit code {run.returncode}: {run.stderr.strip()[-300:]}"
    return None


def write_bank(folder: Path, cases: list[Case]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "bank").mkdir(parents=True)
    (folder / "bank" / "qbank.toml").write_text(CONFIG, "utf-8")
    for source, target in media_folders():
        dest = folder / "bank" / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    for case in cases:
        path = folder / case.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)


def _on_disk(folder: Path, cases: list[Case]) -> dict[int, bytes]:
    return {c.index: (folder / c.relpath).read_bytes() for c in cases}


_DIAG_LINE = re.compile(r"^(?P<path>bank/\S+?\.yaml):\d+:\d+: (?P<code>QB\d{3}) [a-z-]+: (?P<message>.*)$", re.M)


def _json_report(run: Run) -> list[dict]:
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return []
    return report if isinstance(report, list) else []


def _internal(case_by_path: dict[str, Case], diags: Iterable[tuple[str, str, str]], command: str) -> list[Failure]:
    found = []
    for path, code, message in diags:
        if code == "QB000" or (code == "QB009" and message.startswith("internal")):
            case = case_by_path.get(path)
            if case is not None:
                found.append(Failure("internal-error", case, f"{command}: {code} {message}"))
    return found


def step_lint(cases: list[Case], work: Path, timeout: float) -> tuple[Run | None, list[Failure]]:
    folder = work / "lint"
    write_bank(folder, cases)
    by_path = {c.relpath: c for c in cases}
    run = qbank(["lint", "--no-cache", "--format", "json", "bank"], folder, timeout)
    if run_failure(run):
        return run, []
    found = _internal(by_path, _json_diags(run), "lint")
    after = _on_disk(folder, cases)
    found += [Failure("lint-wrote", c, "lint changed the file") for c in cases if after[c.index] != c.data]
    return None, found


def _diag_lines(run: Run) -> Iterator[tuple[str, str, str]]:
    return ((m["path"], m["code"], m["message"]) for m in _DIAG_LINE.finditer(run.stdout))


def _json_diags(run: Run) -> Iterator[tuple[str, str, str]]:
    return ((d["path"], d["code"], d["message"]) for d in _json_report(run))


def step_fmt(cases: list[Case], work: Path, timeout: float) -> tuple[Run | None, list[Failure]]:
    """fmt keeps data and comments; fmt --check on what it wrote finds nothing to change."""
    folder = work / "fmt"
    write_bank(folder, cases)
    by_path = {c.relpath: c for c in cases}
    run = qbank(["fmt", "bank"], folder, timeout)
    if run_failure(run):
        return run, []
    found = _internal(by_path, _diag_lines(run), "fmt")
    after = _on_disk(folder, cases)
    changed = [c for c in cases if after[c.index] != c.data]
    for case in changed:
        found += check_rewrite("fmt", case, case.data, after[case.index])
    if not changed:
        return None, found
    again = qbank(["fmt", "--check", *(c.relpath for c in changed)], folder, timeout)
    if run_failure(again):
        return again, found
    for path in re.findall(r"^Would reformat: (\S+)$", again.stdout, re.M):
        if path in by_path:
            found.append(Failure("fmt-idempotent", by_path[path], "fmt --check wants to change fmt's own output"))
    return None, found + _internal(by_path, _diag_lines(again), "fmt (second run)")


def step_fix(cases: list[Case], work: Path, timeout: float,
             check_cache: bool = True) -> tuple[Run | None, list[Failure]]:
    """--fix keeps data up to its fixes; the cached report after it equals a fresh lint (unless
    not ``check_cache``); a second --fix on the files it changed changes nothing."""
    folder = work / "fix"
    write_bank(folder, cases)
    by_path = {c.relpath: c for c in cases}
    run = qbank(["lint", "--fix", "--format", "json", "bank"], folder, timeout)
    if run_failure(run):
        return run, []
    found = _internal(by_path, _json_diags(run), "--fix")
    fixed = _on_disk(folder, cases)
    changed = [c for c in cases if fixed[c.index] != c.data]
    for case in changed:
        found += check_rewrite("fix", case, case.data, fixed[case.index])
    if check_cache:
        fresh = qbank(["lint", "--no-cache", "--format", "json", "bank"], folder, timeout)
        if run_failure(fresh):
            return fresh, found
        now, cached = _by_file(_json_report(fresh)), _by_file(_json_report(run))
        found += [Failure("cache", c, "the cached report after --fix differs from a fresh lint")
                  for path, c in by_path.items() if now.get(path, []) != cached.get(path, [])]
    if not changed:
        return None, found
    again = qbank(["lint", "--fix", "--format", "json", *(c.relpath for c in changed)], folder, timeout)
    if run_failure(again):
        return again, found
    found += _internal(by_path, _json_diags(again), "--fix (second run)")
    twice = _on_disk(folder, changed)
    return None, found + [Failure("fix-idempotent", c, "a second --fix changed the file again") for c in changed
                          if twice[c.index] != fixed[c.index]]


def step_export(cases: list[Case], work: Path, timeout: float) -> tuple[Run | None, list[Failure]]:
    """The files `validate` passes export in every format, and each package holds all of them,
    well formed: zips that read, XML that parses (and that the official IMS schemas accept,
    where the QTI tests find them), one Anki note per question with every field, CSV rows
    as wide as the header that hold every text."""
    folder = work / "export"
    write_bank(folder, cases)
    by_path = {c.relpath: c for c in cases}
    run = qbank(["validate", "--format", "json", "bank"], folder, timeout)
    if run_failure(run):
        return run, []
    found = _internal(by_path, _json_diags(run), "validate")
    broken = {d["path"] for d in _json_report(run) if d["severity"] == "error"}
    clean = []
    for case in (c for c in cases if c.relpath not in broken):
        why = _not_a_question(case.data)
        if why:
            found.append(Failure("accepted-unreadable", case, f"validate passed a file that {why}"))
        else:
            clean.append(case)
    if not clean:
        return None, found
    out = folder / "out"
    run = qbank(["export", "--all", "--out", str(out), *(c.relpath for c in clean)], folder, timeout)
    if run_failure(run):
        return run, found
    if run.returncode != 0:
        return None, found + [Failure("export", clean[0], f"export of {len(clean)} valid files exited "
                                      f"{run.returncode}: {run.stderr.strip()[-300:]}")]
    problem = package_problem(out, [read_any(c.data) for c in clean])
    if problem is None:
        return None, found

    def export_problem(subset: list[Case]) -> tuple[str, str] | None:
        single = folder / "subset"
        shutil.rmtree(single, ignore_errors=True)
        one = qbank(["export", "--all", "--out", str(single), *(c.relpath for c in subset)], folder, timeout)
        if run_failure(one) or one.returncode:
            return run_failure(one) or ("export", f"exit code {one.returncode}: {one.stderr.strip()[-300:]}")
        why = package_problem(single, [read_any(c.data) for c in subset])
        return ("export", why) if why else None

    culprits = bisect(clean, export_problem, ("export", problem))
    return None, found + ([Failure(kind, c, f"export: {why}") for c, (kind, why) in culprits]
                         or [Failure("export", clean[0], f"export (only in combination): {problem}")])


def _not_a_question(raw: bytes) -> str | None:
    """Why a YAML 1.2 reader does not read ``raw`` as a valid question's shape, if it does not:
    libyaml with the core schema first (ruamel.yaml's pure reader rejects tabs inside plain
    text and reads `1_000` as a number, which YAML 1.2 does not), else ruamel.yaml."""
    try:
        data = read_any(raw)
    except Unreadable as exc:
        return f"a YAML 1.2 reader rejects: {str(exc).splitlines()[0]}"
    texts = [data.get(k) for k in ("id", "stem", "explanation")] if isinstance(data, dict) else [None]
    options = data.get("options") if isinstance(data, dict) else None
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        return "a YAML 1.2 reader reads without a list of options"
    if not all(isinstance(t, str) for t in texts + [o.get("text") for o in options]):
        return "a YAML 1.2 reader reads with an id, stem, explanation or option text that is not text"
    return None


def bisect(cases: list[Case], problem: Callable[[list[Case]], Any], why: Any) -> list[tuple[Case, Any]]:
    """Each case that gives ``problem(...)`` something on its own, by halving ``cases`` (which
    as a whole gave ``why``): about k log n calls for k culprits among n."""
    if len(cases) == 1:
        return [(cases[0], why)]
    half = len(cases) // 2
    found = []
    for part in (cases[:half], cases[half:]):
        part_why = problem(part)
        if part_why:
            found += bisect(part, problem, part_why)
    return found


@functools.lru_cache(maxsize=1)
def qti_schemas() -> Any:
    """The official IMS schemas, where the QTI tests find them (QBANK_QTI_SCHEMAS, else
    ../shared/schemas/qti beside the repository), or None: then packages are only parsed."""
    from qbank.package_check import SchemaError, load_schemas

    folder = Path(os.environ.get("QBANK_QTI_SCHEMAS") or REPO.parent / "shared" / "schemas" / "qti")
    try:
        return load_schemas(folder) if folder.is_dir() else None
    except SchemaError:
        return None


def _loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def package_problem(out: Path, data: list[dict]) -> str | None:
    """What is wrong with the packages in ``out`` of the questions ``data``, if anything."""
    questions = len(data)
    import csv
    import sqlite3
    import zipfile

    from lxml import etree

    files = {p.name.split(".", 1)[1]: p for p in out.iterdir()}
    if sorted(files) != ["aiken.txt", "anki.txt", "apkg", "csv", "gift.txt", "moodle.xml", "qti12.zip", "qti21.zip"]:
        return f"exported {sorted(files)}"
    try:
        for kind in ("qti12.zip", "qti21.zip", "apkg"):
            with zipfile.ZipFile(files[kind]) as z:
                if z.testzip() is not None:
                    return f"{kind}: a corrupt member"
                xml = [etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")]
                if kind == "qti21.zip" and sum(n.startswith("items/") for n in z.namelist()) != questions:
                    return f"qti21: {sum(n.startswith('items/') for n in z.namelist())} items for {questions} questions"
                if kind == "qti12.zip" and sum(len(x.findall(".//{*}item")) for x in xml) != questions:
                    return f"qti12: {sum(len(x.findall('.//{*}item')) for x in xml)} items for {questions} questions"
                if kind == "apkg":
                    db = out / "collection.anki2"
                    db.write_bytes(z.read("collection.anki2"))
                    with sqlite3.connect(db) as con:
                        models = json.loads(con.execute("select models from col").fetchone()[0])
                        widths = {int(k): len(m["flds"]) for k, m in models.items()}
                        notes = con.execute("select mid, flds from notes").fetchall()
                    db.unlink()
                    if len(notes) != questions:
                        return f"apkg: {len(notes)} notes for {questions} questions"
                    bad = [f for mid, f in notes if len(f.split("\x1f")) != widths[mid]]
                    if bad:
                        return f"apkg: a note with {len(bad[0].split(chr(31)))} fields for {widths[notes[0][0]]}"
        moodle = etree.parse(str(files["moodle.xml"]), etree.XMLParser(resolve_entities=False, huge_tree=True))
        written = len(moodle.findall("question[@type='multichoice']"))
        if written != questions:
            return f"moodle.xml: {written} questions for {questions}"
        # GIFT and Aiken may leave out what they cannot carry (QB011), never add a question
        if files["gift.txt"].read_text("utf-8").count("\n::") > questions:
            return "gift.txt: more questions than the bank has"
        if files["aiken.txt"].read_text("utf-8").count("\nANSWER: ") > questions:
            return "aiken.txt: more questions than the bank has"
        if qti_schemas() is not None:
            from qbank.package_check import check_package

            for kind in ("qti12.zip", "qti21.zip"):
                invalid = check_package(files[kind], qti_schemas())
                if invalid:
                    return f"{kind} is not valid QTI: {invalid[0].path}:{invalid[0].line}: {invalid[0].message}"
        with open(files["csv"], newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        if len(rows) != questions + 1 or len({len(r) for r in rows}) != 1:
            return f"csv: {len(rows)} rows of widths {sorted({len(r) for r in rows})} for {questions} questions"
        by_id = {_loose(str(q["id"])): q for q in data}
        for row in rows[1:]:
            q = by_id.get(_loose(row[0]))
            cells = {_loose(cell) for cell in row}
            texts = [q["stem"], q["explanation"], *(o["text"] for o in q["options"]),
                     *(o.get("rationale") or "" for o in q["options"])] if q else ["the id"]
            lost = next((t for t in texts if _loose(t) not in cells), None)
            if lost is not None:
                return f"csv: the row of {row[0]!r} lacks {lost!r:.100}"
        with open(files["anki.txt"], newline="", encoding="utf-8") as f:
            lines = f.read().split("\n")
        header = next(i for i, line in enumerate(lines) if not line.startswith("#"))  # Anki's header lines
        records = list(csv.reader(io.StringIO("\n".join(lines[header:])), delimiter="\t"))
        width = len(next(line for line in lines[:header] if line.startswith("#columns:")).split("\t"))
        if len(records) != questions or {len(r) for r in records} != {width}:
            return f"anki.txt: {len(records)} records of widths {sorted({len(r) for r in records})} for {questions}"
    except Exception as exc:  # any reader error is a broken package
        return f"{type(exc).__name__}: {exc}"
    return None


def _by_file(report: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in report:
        if d.get("code") != "QB009":  # refusals belong to --fix, not to the lint report
            out.setdefault(d.get("path"), []).append(d)
    return out


def _unique(failures: list[Failure]) -> list[Failure]:
    seen, out = set(), []
    for f in failures:
        if (f.kind, f.case.index) not in seen:
            seen.add((f.kind, f.case.index))
            out.append(f)
    return out


# Each step runs one batch and returns (a run that failed as a whole, or None; the failures).
Steps = dict[str, Callable[[list[Case], Path, float], tuple[Run | None, list[Failure]]]]
STEPS: Steps = {"lint": step_lint, "fmt": step_fmt, "fix": step_fix, "export": step_export}
# The test suite's: the cache has its own equivalence tests, and a run less to wait for.
SUITE_STEPS: Steps = {**STEPS, "fix": functools.partial(step_fix, check_cache=False)}


def run_step(name: str, cases: list[Case], work: Path, timeout: float, steps: Steps = STEPS) -> list[Failure]:
    """One step on a batch; a batch-level failure is bisected down to the cases that cause it."""
    run, found = steps[name](cases, work, timeout)
    if run is None:
        return found
    kind, detail = run_failure(run)
    if len(cases) == 1:
        return found + [Failure(kind, cases[0], f"{name}: {detail}")]
    # Halves, except that a timeout tries the huge lines on their own first: every run that
    # bisecting a slow file takes is as slow as the time limit.
    slow = [c for c in cases if "huge_line" in c.mutations] if kind == "timeout" else []
    first = slow if 0 < len(slow) < len(cases) else cases[:len(cases) // 2]
    found = run_step(name, first, work, timeout, steps)
    found += run_step(name, [c for c in cases if c not in first], work, timeout, steps)
    if not any(f.kind == kind for f in found):  # needs files from both parts: report the batch
        found.append(Failure(kind, cases[0], f"{name} (only in combination): {detail}"))
    return found


STEP_SECONDS: collections.Counter = collections.Counter()  # wall time per step, over every batch


def _longest_line(case: Case) -> int:
    return max(map(len, case.data.split(b"\n")))


BIG_LINE = 50_000    # characters: a case with a longer line is linted on its own, with a time limit
BIG_SECONDS = 30.0   # for one lint of a 200,000-character line: seconds if linear, hours if quadratic


def run_batch(cases: list[Case], work: Path, timeout: float = 120.0, steps: Steps = STEPS) -> list[Failure]:
    """Every step on ``cases``; a case with a line over BIG_LINE characters is only linted, on
    its own, and must finish in BIG_SECONDS (a quadratic scan would time every batch out)."""
    big = [c for c in cases if _longest_line(c) > BIG_LINE]
    rest = [c for c in cases if c not in big]
    failures: list[Failure] = []
    for name in steps:
        started = time.perf_counter()
        failures += run_step(name, rest, work, timeout, steps) if rest else []
        STEP_SECONDS[name] += time.perf_counter() - started
    started = time.perf_counter()
    for case in big:
        run, found = step_lint([case], work, BIG_SECONDS)
        failures += found
        if run is not None:
            kind, detail = run_failure(run)
            failures.append(Failure(kind, case, f"lint of a {_longest_line(case):,}-byte line, limit "
                                                f"{BIG_SECONDS:.0f} s: {detail}"))
    STEP_SECONDS["huge lines"] += time.perf_counter() - started
    return _unique(failures)


# --- command line -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500, help="files per bank folder (one qbank run each)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one qbank run may take")
    parser.add_argument("--keep", type=Path, help="save each failing input in this folder")
    parser.add_argument("--case", type=int, help="run only this case")
    parser.add_argument("--show", type=int, default=40, help="failures to list")
    parser.add_argument("--huge", type=int, default=200_000, help="also make huge lines this long (0: no)")
    parser.add_argument("--qbank", help="the qbank console script to fuzz (default: this environment's)")
    args = parser.parse_args(argv)
    if args.qbank:
        global QBANK
        QBANK = args.qbank
    if args.huge:
        HUGE.append(args.huge)
    seeds = load_seeds()
    indices = [args.case] if args.case is not None else list(range(args.cases))
    started = time.perf_counter()
    failures: list[Failure] = []
    with tempfile.TemporaryDirectory(prefix="qbank-fuzz-") as tmp:
        for start in range(0, len(indices), args.batch):
            batch = [make_case(args.seed, i, seeds) for i in indices[start:start + args.batch]]
            failures += run_batch(batch, Path(tmp), args.timeout)
            print(f"  {start + len(batch)} cases, {len(failures)} failures, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started
    kinds = collections.Counter(f.kind for f in failures)
    print(f"qbank fuzz: {len(indices)} cases (seed {args.seed}, {len(seeds)} seed files), "
          f"{len({f.case.index for f in failures})} failing, {elapsed:.1f} s")
    print("  time by step: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in STEP_SECONDS.items()))
    for kind, n in sorted(kinds.items()):
        print(f"  {kind:20} {n}")
    for failure in failures[:args.show]:
        print(failure.line())
    if args.keep and failures:
        args.keep.mkdir(parents=True, exist_ok=True)
        for failure in failures:
            (args.keep / f"case-{failure.case.index:06d}.yaml").write_bytes(failure.case.data)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
