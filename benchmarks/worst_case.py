"""Question files built to be as slow as possible to lint: one stem line that repeats one
pattern to the 1 MB file limit (issue 10 point 3).

A regex that backtracks over such a line, or a scan that starts over at each of its
characters, takes time quadratic in the line: seconds at 16k characters, hours at 1 MB.
tests/test_worst_case.py lints one file per pattern; benchmarks/run.py times the file that
holds every pattern in turn (`mixed_file`).

    python benchmarks/worst_case.py OUT_DIR    # writes one file per pattern, and the mixed one
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LIMIT = 1_000_000  # qbank's limit for one question file (qbank.fsutil.MAX_FILE_BYTES)

# name -> what the stem repeats. The five (backtick, tilde, bracket and link and image
# openers), then what every other scan on the lint path looks for: code-span and HTML
# starts, half-finished links, titles and references, emphasis, escapes, URLs, typography's
# whitespace and punctuation runs, and list markers that nest.
PATTERNS: dict[str, str] = {
    "backticks": "`",
    "tildes": "~",
    "brackets": "[",
    "link-openers": "](",
    "image-openers": "![",
    "code-span-starts": "``x",
    "unclosed-links": "[a](",
    "unclosed-images": "![a](",
    "angle-destinations": "[a](<",
    "titles": "[a](b '",
    "references": "[a][",
    "angles": "<",
    "open-tags": "<a",
    "close-tags": "</",
    "comments": "<!--",
    "instructions": "<?",
    "parentheses": "(",
    "emphasis": "**a",
    "escapes": "\\",
    "urls": "http://",
    "spaces": "a  ",
    "punctuation": "..",
    "quotes": "'\"",
    "html-tags": "<b>x</b><br>",
    "spaced-images": "![a](b c) ",
    "nested-items": "- + ",
}
_OPTIONS = ("Recent changes in the client's routine", "Family history of psychiatric illness",
            "Early childhood attachment patterns")


FIELDS = ("stem", "explanation", "rationale")


def question(text: str, id: str = "worst-case", field: str = "stem") -> bytes:
    """A valid question whose stem (or explanation, or last rationale: ``field``) is ``text``
    (one line, JSON-quoted: any character goes). A code span ends it, so no "nothing to scan"
    shortcut skips the line."""
    payload = json.dumps(text + " `a`", ensure_ascii=False)
    stem = payload if field == "stem" else json.dumps("Which factor should the worker explore first?")
    lines = [f"id: {id}", "stem: " + stem, "options:"]
    for i, option in enumerate(_OPTIONS):
        lines.append(f"  - text: {json.dumps(option)}")
        last = i == len(_OPTIONS) - 1
        lines.append("    correct: true" if i == 0 else "    rationale: " + (
            payload if field == "rationale" and last else json.dumps(option + " is not what the situation calls for first.")))
    lines.append("explanation: " + (payload if field == "explanation" else
                                    json.dumps("Recent changes in the routine come first: they explain the new trouble.")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _room() -> int:
    return LIMIT - len(question("")) - 100  # the id may be longer


def repeated(pattern: str, size: int) -> str:
    """``pattern`` repeated to ``size`` characters, with JSON escapes counted (each `\\` and
    `"` takes two bytes in the file)."""
    width = len(json.dumps(pattern)) - 2
    return pattern * (size // width)


def pattern_file(name: str, field: str = "stem") -> bytes:
    """The worst-case file of one pattern in one field: just under the limit."""
    return question(repeated(PATTERNS[name], _room()), id=f"worst-{name}", field=field)


def mixed_file() -> bytes:
    """One file just under the limit whose single stem line runs through every pattern in
    turn, each for an equal share (tens of thousands of characters each: far past where a
    quadratic scan takes seconds). Nested list markers are left out: they count only at the
    line's start, and what they nest past markdown-it's limit is not prose (it is not shown)."""
    order = [p for name, p in PATTERNS.items() if name != "nested-items"]
    share = _room() // len(order) - 1
    return question(" ".join(repeated(p, share) for p in order), id="worst-mixed")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in PATTERNS:
        (out / f"{name}.yaml").write_bytes(pattern_file(name))
    (out / "mixed.yaml").write_bytes(mixed_file())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
