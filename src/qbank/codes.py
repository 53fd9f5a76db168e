"""Every code qbank reports, in one table (as ruff's codes.rs): code, name, default severity,
whether it is always on, what kind of check it is, a one-line summary and where it is defined.

Diagnostics, rule classes, `qbank rules`, SARIF rule metadata, suppressions and the config's
severity overrides all read this table, so a code's name or severity is written once. It is a
literal with no imports: every run reads it, including a warm `qbank lint` that imports no rule.

Kinds: "file" (the file and schema checks `validate` runs), "qbank" (reports about qbank's own
inputs and work: config, suppressions, refused rewrites, internal errors), "item" and "bank"
(lint rules; ``where`` names the class as "module:Class"). An always-on code cannot be switched
off, suppressed or given another severity.
"""

from __future__ import annotations

from typing import NamedTuple

# The project's home (pyproject.toml's [project.urls] says the same; a test keeps them equal):
# SARIF's informationUri, the rule pages' URLs, and the repository `qbank init` points hooks at.
PROJECT_URL = "https://github.com/qbank/qbank"
DOCS_URL = PROJECT_URL + "/blob/main/docs/rules/{code}.md"


class Code(NamedTuple):
    code: str
    name: str
    severity: str       # default severity: "error" | "warning" | "info"
    always_on: bool
    kind: str           # "file" | "qbank" | "item" | "bank"
    summary: str
    where: str          # the module that reports it; for a lint rule "module:Class"


CODES: dict[str, Code] = {c.code: c for c in (
    Code("QB000", "internal-error", "error", True, "qbank", "qbank itself failed on a file.", "qbank.engine"),
    Code("QB001", "yaml-syntax", "error", True, "file", "The file is not valid YAML.", "qbank.loader"),
    Code("QB002", "encoding", "error", True, "file", "The file cannot be read as UTF-8 text.", "qbank.loader"),
    Code("QB003", "schema", "error", True, "file", "The question does not match the question format.",
         "qbank.validate"),
    Code("QB004", "duplicate-key", "error", True, "file", "A mapping key appears twice.", "qbank.loader"),
    Code("QB005", "duplicate-id", "error", True, "file", "An id is used by more than one file.", "qbank.engine"),
    Code("QB006", "missing-media", "error", True, "file", "A referenced image is missing or outside the bank.",
         "qbank.validate"),
    Code("QB007", "suppression", "warning", True, "qbank", "A suppression is malformed or unused.",
         "qbank.suppress"),
    Code("QB008", "config", "error", True, "qbank", "qbank.toml is invalid.", "qbank.config"),
    Code("QB009", "rewrite-refused", "error", True, "qbank", "`fmt` or `--fix` refused to rewrite a file.",
         "qbank.rewrite"),
    Code("QB010", "package-invalid", "error", True, "qbank",
         "An exported package does not validate against the official IMS schemas.", "qbank.package_check"),
    Code("QB011", "export-lossy", "warning", True, "qbank",
         "An export format cannot carry a question whole: it is left out, or loses what the message says.",
         "qbank.export.common"),
    Code("QB012", "import-unsupported", "warning", True, "qbank",
         "An imported question is of a type qbank cannot hold (essay, numerical, matching, several answers...): "
         "skipped.", "qbank.importers"),
    Code("QB013", "import-malformed", "error", True, "qbank",
         "A question or part of an imported file cannot be read: skipped.", "qbank.importers"),
    Code("QB014", "import-conflict", "error", True, "qbank",
         "An imported question's id is used by another file of the bank: not imported, nothing overwritten.",
         "qbank.importers.write"),
    Code("QB015", "import-refused", "error", True, "qbank",
         "An imported file is refused as hostile or too large (entity declarations, size), or would be written "
         "out of the bank.", "qbank.importers"),
    Code("QB020", "area-overlap", "error", True, "qbank",
         "A question is in more than one area of a blueprint.", "qbank.blueprint"),
    Code("QB021", "form-infeasible", "error", True, "qbank",
         "A form cannot be assembled: an area lacks items.", "qbank.assemble"),
    Code("QB022", "form-invalid", "error", True, "qbank",
         "A form file cannot be used: unreadable, malformed, or naming items the bank does not have.",
         "qbank.forms"),
    Code("QB025", "stats-import-malformed", "error", True, "qbank",
         "A results file for `qbank stats import` cannot be read as its format.", "qbank.analysis.importer"),
    Code("QB026", "stats-matched-by-text", "warning", True, "qbank",
         "A question in the results was matched to a bank item by its text, not by its id.",
         "qbank.analysis.importer"),
    Code("QB027", "stats-unknown-item", "warning", True, "qbank",
         "A question in the results matches no item of the bank, or more than one.", "qbank.analysis.importer"),
    Code("QB028", "stats-unknown-answer", "warning", True, "qbank",
         "Results that do not fit the item: an answer none of its options, or another number of options.",
         "qbank.analysis.importer"),
    Code("QB029", "stats-store-invalid", "error", True, "qbank",
         "The statistics store (qbank-stats.json) cannot be read.", "qbank.analysis.store"),
    Code("QB030", "site-stats-stale", "warning", True, "qbank",
         "An item's statistics in qbank-stats.json are for another number of options than it has now.",
         "qbank.site.inputs"),
    Code("QB031", "math-unrendered", "warning", True, "qbank",
         "TeX math the site cannot convert to MathML: it is shown as written.", "qbank.site.math"),
    Code("QB101", "key-count", "error", True, "file", "Not exactly one option is the key.", "qbank.validate"),
    Code("QB102", "option-count", "warning", False, "item", "Too few or too many options.",
         "qbank.rules.options:OptionCount"),
    Code("QB103", "duplicate-option", "error", False, "item", "Two options say the same thing.",
         "qbank.rules.options:DuplicateOption"),
    Code("QB104", "overlapping-options", "warning", False, "item",
         "Options that overlap: one inside another as a part of a list, or overlapping ranges.",
         "qbank.rules.overlap:OverlappingOptions"),
    Code("QB105", "missing-rationale", "error", True, "file",
         "A distractor lacks a rationale, or the explanation is empty.", "qbank.validate"),
    Code("QB201", "stem-not-closed-question", "warning", False, "item", "The stem does not pose a complete question or task.",
         "qbank.rules.stem:StemNotClosedQuestion"),
    Code("QB202", "unfocused-lead-in", "warning", False, "item", 'A bare "Which of the following is true?" lead-in.',
         "qbank.rules.stem:UnfocusedLeadIn"),
    Code("QB203", "negative-lead-in", "warning", False, "item",
         "A negative lead-in (NOT, EXCEPT, LEAST...) not written in capitals.", "qbank.rules.emphasis:NegativeLeadIn"),
    Code("QB204", "qualifier-not-capitalized", "info", False, "item",
         "A priority qualifier (FIRST, NEXT, BEST, MOST, INITIAL) not in capitals.",
         "qbank.rules.emphasis:QualifierNotCapitalized"),
    Code("QB301", "all-of-the-above", "error", False, "item", 'An "All of the above" option.',
         "qbank.rules.option_format:AllOfTheAbove"),
    Code("QB302", "none-of-the-above", "warning", False, "item", 'A "None of the above" option.',
         "qbank.rules.option_format:NoneOfTheAbove"),
    Code("QB303", "combination-option", "error", False, "item",
         'An option that combines other options ("Both A and C", "I and II only").',
         "qbank.rules.option_format:CombinationOption"),
    Code("QB304", "longest-option-is-key", "warning", False, "item", "The key is conspicuously the longest option.",
         "qbank.rules.length_cues:LongestOptionIsKey"),
    Code("QB305", "option-length-spread", "info", False, "item", "Options of very different lengths.",
         "qbank.rules.length_cues:OptionLengthSpread"),
    Code("QB306", "absolute-term-cue", "warning", False, "item",
         "An absolute term (always, never, only...) in a distractor but not in the key.",
         "qbank.rules.term_cues:AbsoluteTermCue"),
    Code("QB307", "vague-term-cue", "info", False, "item", "A hedge (usually, may, often...) only in the key.",
         "qbank.rules.term_cues:VagueTermCue"),
    Code("QB308", "stem-key-word-repeat", "warning", False, "item",
         "A stem word repeated in the key and in no distractor (clang association).",
         "qbank.rules.word_cues:StemKeyWordRepeat"),
    Code("QB309", "convergence-key", "info", False, "item",
         "The key shares the most words with the other options (convergence cue).",
         "qbank.rules.word_cues:ConvergenceKey"),
    Code("QB310", "article-agreement-cue", "warning", False, "item",
         'The lead-in ends in "a"/"an" and only the key agrees with it.',
         "qbank.rules.article_cue:ArticleAgreementCue"),
    Code("QB311", "numeric-options-unordered", "warning", False, "item", "Numeric options in no order.",
         "qbank.rules.numeric_order:NumericOptionsUnordered"),
    Code("QB312", "nonparallel-options", "info", False, "item", "One option differs in form from all the others.",
         "qbank.rules.parallel_options:NonparallelOptions"),
    Code("QB401", "weak-explanation", "warning", False, "item",
         "The explanation gives no reason: a verdict, a link or the key and nothing else.",
         "qbank.rules.feedback:WeakExplanation"),
    Code("QB402", "rationale-too-short", "warning", False, "item",
         "A rationale gives no reason, or copies a generic rationale of another option.",
         "qbank.rules.feedback:RationaleTooShort"),
    Code("QB403", "letter-reference", "warning", False, "item",
         "Feedback, a stem or an option that names options by letter or position.",
         "qbank.rules.letter_reference:LetterReference"),
    Code("QB501", "typography", "info", False, "item",
         "Whitespace, invisible characters, punctuation, brackets and quote styles.",
         "qbank.rules.typography:Typography"),
    Code("QB502", "unrendered-markup", "warning", False, "item",
         "Markup every export shows as typed: raw HTML, an unreadable link or image, `~sub~`.",
         "qbank.rules.unrendered:UnrenderedMarkup"),
    Code("QB503", "misspelling", "warning", False, "item",
         "A word that codespell's dictionary lists as a common misspelling.", "qbank.rules.spelling:Misspelling"),
    Code("QB901", "key-position-skew", "warning", False, "bank",
         "Key positions are unevenly spread across the bank, or repeat in long runs.",
         "qbank.rules.bank.key_position:KeyPositionSkew"),
    Code("QB902", "duplicate-stem", "info", False, "bank", "Two questions with the same or nearly the same stem.",
         "qbank.rules.bank.duplicate_stem:DuplicateStem"),
    Code("QB903", "key-longest-rate", "warning", False, "bank",
         "The key is the longest option far more often than chance.", "qbank.rules.bank.key_longest:KeyLongestRate"),
    Code("QB904", "shared-option-set", "info", False, "bank",
         "The same option set reused across questions, or one distractor used everywhere.",
         "qbank.rules.bank.shared_options:SharedOptionSet"),
    Code("QB910", "area-short", "warning", False, "bank",
         "An area of a blueprint cannot fill its share of the configured form size.",
         "qbank.rules.bank.area_share:AreaShare"),

    Code("QB920", "item-too-easy", "info", False, "bank",
         "Nearly every candidate answers the item correctly (from imported statistics).",
         "qbank.rules.bank.item_difficulty:ItemTooEasy"),
    Code("QB921", "item-too-hard", "warning", False, "bank",
         "Few candidates answer the item correctly (from imported statistics).",
         "qbank.rules.bank.item_difficulty:ItemTooHard"),
    Code("QB922", "low-discrimination", "warning", False, "bank",
         "The item barely or negatively separates strong from weak candidates (from imported statistics).",
         "qbank.rules.bank.item_discrimination:LowDiscrimination"),
    Code("QB923", "suspected-miskey", "warning", False, "bank",
         "A distractor discriminates better than the key: the key may be wrong (from imported statistics).",
         "qbank.rules.bank.item_distractors:SuspectedMiskey"),
    Code("QB924", "nonfunctioning-distractor", "info", False, "bank",
         "A distractor almost no candidate chooses (from imported statistics).",
         "qbank.rules.bank.item_distractors:NonfunctioningDistractor"),
)}

_BY_NAME = {c.name: c for c in CODES.values()}

# Bank rules that read another rule's summary (the same ``summarize``): each file's is then
# computed, hashed and cached once. Here, not on the rule classes, so that a warm run finds a
# rule's summaries without importing it.
SHARED_SUMMARIES = {code: "QB920" for code in ("QB921", "QB922", "QB923", "QB924")}


def summary_code(code: str) -> str:
    """The bank rule whose summaries ``code`` reads: its own, unless it shares one."""
    return SHARED_SUMMARIES.get(code, code)


def always_on(code: str) -> bool:
    """Whether ``code`` can never be switched off, suppressed or given another severity."""
    entry = CODES.get(code)
    return entry is not None and entry.always_on


def by_name(name: str) -> Code | None:
    return _BY_NAME.get(name)


def lint_rules(kind: str | None = None) -> list[Code]:
    """The lint rules ("item" and "bank", or only ``kind``), in code order."""
    return [c for c in CODES.values() if c.kind in ("item", "bank") and (kind is None or c.kind == kind)]


def doc_url(code: str) -> str:
    """Where the rule's page (docs/rules/CODE.md) is published."""
    return DOCS_URL.format(code=code)


def near(word: str, limit: int = 3) -> list[Code]:
    """Codes ``word`` may be a slip for: codes one typo away (a wrong, missing, extra or swapped
    character: QB340 -> QB304, QB310), else the rule whose name is closest (option-cont -> QB102)."""
    key = word.strip().upper()
    by_code = [c for c in CODES.values() if _one_slip(key, c.code)]
    if by_code:
        return by_code[:limit]
    if word in _BY_NAME:
        return [_BY_NAME[word]]
    import difflib  # only on a config error: not on every run's import path

    return [_BY_NAME[n] for n in difflib.get_close_matches(word.strip().lower(), _BY_NAME, n=1, cutoff=0.6)]


def _one_slip(a: str, b: str) -> bool:
    """At most one edit (Damerau) apart, and not equal."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
