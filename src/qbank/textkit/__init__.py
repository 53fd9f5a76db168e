"""Text analysis for the lint rules: what a question's Markdown says as plain words.

One module per job, each imported on its own (the package imports nothing, so a rule
pays only for what it uses): ``markup`` (Markdown masked, reduced to prose, folded for
comparison), ``words`` (words, stopwords, word roots), ``lead_in`` (the stem's last
sentence and its words), ``quantity`` (options read as numbers and ranges), ``phrases``
(stock option phrases such as "All of the above"), ``typography`` (spacing, punctuation,
bracket and quote problems of a field), ``facts`` (everything the rules read about one
question, computed once), ``edits`` (changing a YAML string without changing its style) and
``messages`` (quoting text in a finding).

Everything here is on the hot path (every rule, every item, every save): regexes are
compiled once, Markdown is handled by a few offset-preserving substitutions rather than a
parser, and the per-item facts are computed lazily and at most once per question.
"""
