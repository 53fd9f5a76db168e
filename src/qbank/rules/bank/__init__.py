"""Rules over the whole bank (QB901-QB904), one module per rule.

A bank rule's ``summarize`` runs per file in worker processes and its result is cached as
JSON, so it returns a few small, plain values; ``check_bank`` (or ``check_incremental``)
sees the summaries of every valid file in path order. All hashing is deterministic
(crc32/blake2b, fixed constants), never Python's per-process salted ``hash()``, so cached
summaries stay comparable across runs.

These modules import nothing from the item rules, and the text analysis (qbank.textkit)
only inside ``summarize``: a warm run that reruns a bank rule from cached summaries loads
only this package.
"""
