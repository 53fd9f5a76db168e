"""`qbank lint`: configuration, suppressions with reasons, exit codes, cache and workers."""

from __future__ import annotations

import json
import os
import time

from conftest import ALL_ABOVE, GOOD, defective_bank, write

from qbank.cache import seal, unseal
from qbank.pool import Helper


def _json(path):
    """A lint cache file's JSON (its checksum stripped)."""
    return json.loads(unseal(path.read_bytes()))


def _write_json(path, blob):
    """``blob`` into a lint cache file with a checksum that holds: what the cache must
    still refuse when the content itself is wrong."""
    path.write_bytes(seal(json.dumps(blob).encode()))


def codes(cli, *args):
    result = cli("lint", *args, "--format", "json", "--no-cache")
    return result.exit_code, [(d["code"], d["line"], d["severity"]) for d in json.loads(result.output)]


def test_all_of_the_above_is_an_error_at_its_option(cli, bank):
    write(bank, "q.yaml", ALL_ABOVE.format(id="q1"))
    exit_code, found = codes(cli, bank)
    assert exit_code == 1 and ("QB301", 13, "error") in found


def test_comment_suppression_with_reason(cli, bank):
    text = ALL_ABOVE.format(id="q1").replace(
        "  - text: All of the above\n", "  # qbank: disable=QB301 legacy item kept for score comparability\n  - text: All of the above\n")
    write(bank, "q.yaml", text)
    exit_code, found = codes(cli, bank)
    assert "QB301" not in [c for c, _, _ in found] and exit_code == 0


def test_trailing_comment_suppression(cli, bank):
    text = ALL_ABOVE.format(id="q1").replace(
        "  - text: All of the above\n", "  - text: All of the above  # qbank: disable=QB301 kept on purpose\n")
    write(bank, "q.yaml", text)
    assert "QB301" not in [c for c, _, _ in codes(cli, bank)[1]]


def test_suppression_without_reason_is_reported(cli, bank):
    text = ALL_ABOVE.format(id="q1").replace("  - text: All of the above\n",
                                             "  # qbank: disable=QB301\n  - text: All of the above\n")
    write(bank, "q.yaml", text)
    _, found = codes(cli, bank)
    assert ("QB007", 13, "warning") in found and "QB301" not in [c for c, _, _ in found]


def test_unused_suppressions_are_reported(cli, bank):
    text = GOOD.format(id="q1") + "lint:\n  ignore:\n    QB304: the key is long on purpose\n"
    text = text.replace("options:\n", "# qbank: disable=QB302 no such option here\noptions:\n")
    write(bank, "q.yaml", text)
    _, found = codes(cli, bank)
    assert sorted(c for c, _, _ in found) == ["QB007", "QB007"]


def test_item_level_ignore(cli, bank):
    text = ALL_ABOVE.format(id="q1") + "lint:\n  ignore:\n    QB301: reproduces a published item verbatim\n"
    write(bank, "q.yaml", text)
    exit_code, found = codes(cli, bank)
    assert exit_code == 0 and "QB301" not in [c for c, _, _ in found]


def test_config_ignore_select_severity_and_per_file(cli, bank):
    write(bank, "q.yaml", ALL_ABOVE.format(id="q1"))
    write(bank, "drafts/d.yaml", ALL_ABOVE.format(id="q2").replace(
        "A 34-year-old client reports trouble sleeping since starting a new job",
        "A retired teacher of 70 says she wakes at 3 a.m. every night since her husband's death"))
    (bank / "qbank.toml").write_text('[lint]\nignore = ["QB301"]\n')
    assert "QB301" not in [c for c, _, _ in codes(cli, bank)[1]]
    (bank / "qbank.toml").write_text('[lint]\nselect = ["QB2"]\n')
    assert all(c.startswith("QB2") for c, _, _ in codes(cli, bank)[1])
    (bank / "qbank.toml").write_text('[lint.severity]\nQB301 = "warning"\n[lint.per-file-ignores]\n"drafts/**" = ["QB301"]\n')
    exit_code, found = codes(cli, bank)
    assert [(c, s) for c, _, s in found if c == "QB301"] == [("QB301", "warning")]
    assert exit_code == 0
    assert cli("lint", bank, "--strict", "--no-cache").exit_code == 1


def test_cli_select_and_ignore(cli, bank):
    write(bank, "q.yaml", ALL_ABOVE.format(id="q1"))
    assert codes(cli, bank, "--ignore", "QB301")[0] == 0
    assert all(c == "QB301" for c, _, _ in codes(cli, bank, "--select", "QB301")[1])
    assert cli("lint", bank, "--select", "XYZ").exit_code == 2


def test_config_errors_are_diagnostics(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    (bank / "qbank.toml").write_text('name = "Bank"\n[lint]\nselct = ["QB3"]\nignore = "QB301"\n')
    exit_code, found = codes(cli, bank)
    assert exit_code == 1 and ("QB008", 3, "error") in found and ("QB008", 4, "error") in found
    (bank / "qbank.toml").write_text('[lint\n')
    exit_code, found = codes(cli, bank)
    assert exit_code == 1 and found[0][0] == "QB008"


def test_same_diagnostics_with_or_without_cache_and_any_jobs(cli, bank):
    defective_bank(bank)
    baseline = cli("lint", bank, "--format", "json", "--no-cache", "--jobs", "1").output
    assert json.loads(baseline)
    assert cli("lint", bank, "--format", "json", "--no-cache", "--jobs", "2").output == baseline
    cold = cli("lint", bank, "--format", "json").output
    assert (bank / ".qbank_cache").is_dir()
    warm = cli("lint", bank, "--format", "json", "--jobs", "2").output
    assert cold == warm == baseline


def test_cache_follows_edits(cli, bank):
    defective_bank(bank, 12)
    first = json.loads(cli("lint", bank, "--format", "json").output)
    path = bank / "t0" / "q000.yaml"
    path.write_text(GOOD.format(id="q000"))
    second = json.loads(cli("lint", bank, "--format", "json").output)
    assert first != second
    assert second == json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)


def test_corrupt_or_foreign_cache_is_ignored(cli, bank):
    defective_bank(bank, 12)
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    cache = bank / ".qbank_cache"

    def spoil(change):
        cli("lint", bank)
        for f in cache.glob("lint-*"):
            change(f)
        assert cli("lint", bank, "--format", "json").output == expected, change

    spoil(lambda f: f.write_text("garbage"))
    spoil(lambda f: f.write_bytes(b"\xff\x00"))
    spoil(lambda f: f.write_text('{"tag": "x", "entries": {"abc": 1}}'))
    spoil(lambda f: f.write_bytes(seal(b"garbage")))  # from here on with checksums that hold
    spoil(lambda f: f.write_bytes(seal(b'{"tag": "x", "entries": {"abc": 1}}')))

    def wrong_types(f):
        if f.suffix != ".json":  # a rule's binary state
            f.write_bytes(seal(unseal(f.read_bytes())[:-5]))
            return
        blob = _json(f)
        if "paths" in blob:
            blob["diags"] = {k: [{"nonsense": 1}] for k in blob["keys"]}
        _write_json(f, blob)

    spoil(wrong_types)

    def wrong_values(f):  # well-formed JSON, values of the wrong kind
        if f.name.count(".") == 1:
            blob = _json(f)
            blob["lines"] = [True] * len(blob["lines"])
            blob["sizes"] = [str(size) for size in blob["sizes"]]
            _write_json(f, blob)

    spoil(wrong_values)

    def lost_summaries(f):
        if ".QB" in f.name:  # a bank rule's summary store or state
            f.unlink()
        else:  # and every bank rule must run again
            blob = _json(f)
            blob["bank"] = {}
            _write_json(f, blob)

    spoil(lost_summaries)


def _age(bank):
    """Date every file's mtime a minute back. (Its ctime, which cannot be set back, is now:
    a run in the next second reads such files again, as git does, and finds them unchanged.)"""
    old = time.time_ns() - 60 * 10**9
    for path in bank.rglob("*.yaml"):
        os.utime(path, ns=(old, old))


def test_files_written_just_before_a_run_are_read_again_once_then_trusted(cli, bank, monkeypatch):
    import qbank.cache

    monkeypatch.setattr(qbank.cache, "RACY_NS", 300_000_000)
    defective_bank(bank, 40)
    cli("lint", bank)  # every file changed within RACY_NS before this run: its stat proves nothing
    reads = []
    real = qbank.cache.read_file
    monkeypatch.setattr(qbank.cache, "read_file", lambda *a: (reads.append(a[0]), real(*a))[1])
    time.sleep(0.35)
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    assert cli("lint", bank, "--format", "json").output == expected
    assert sorted(reads) == sorted(str(p) for p in bank.rglob("*.yaml"))  # read again: unchanged, now recorded as of this run
    reads.clear()
    assert cli("lint", bank, "--format", "json").output == expected
    assert reads == []  # trusted by their stat from now on


def _cache_files(bank):
    files = sorted((bank / ".qbank_cache").glob("lint-*.json"))
    base = [f for f in files if f.name.count(".") == 1]
    delta = [f for f in files if f.name.endswith(".delta.json")]
    return base[0], delta[0] if delta else None


def test_an_edit_is_recorded_in_a_small_delta_and_the_base_is_left_alone(cli, bank, monkeypatch):
    import qbank.cache

    monkeypatch.setattr(qbank.cache, "RACY_NS", 0)  # files written just now are not racy here (see below)
    defective_bank(bank, 40)
    _age(bank)
    cli("lint", bank)
    base, delta = _cache_files(bank)
    assert delta is None
    before = base.read_bytes()
    comment, stem = bank / "t1" / "q001.yaml", bank / "t2" / "q002.yaml"
    comment.write_text(comment.read_text() + "# reviewed\n")
    stem.write_text(stem.read_text().replace("trouble sleeping", "trouble sleeping and eating"))
    for _ in range(2):  # once to record the edits, once to read them back
        assert cli("lint", bank, "--format", "json").output == cli("lint", bank, "--format", "json", "--no-cache").output
    base, delta = _cache_files(bank)
    assert base.read_bytes() == before
    assert sorted(_json(delta)["rows"]) == [str(comment), str(stem)]


def test_the_delta_carries_every_summary_the_base_store_lacks(cli, bank):
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    edited, other = bank / "t1" / "q001.yaml", bank / "t2" / "q002.yaml"
    edited.write_text(edited.read_text().replace("trouble sleeping", "trouble sleeping badly"))
    for _ in range(2):  # the second run carries the edited row forward into a new delta
        assert cli("lint", bank, "--format", "json").output == cli("lint", bank, "--format", "json", "--no-cache").output
        _, delta = _cache_files(bank)
        blob = _json(delta)
        assert blob["rows"][str(edited)][-1]["QB902"] in blob["sum"]["QB902"]
        other.write_text(other.read_text() + "# reviewed\n")


def test_runs_after_an_edit_do_not_read_the_summary_stores(cli, bank, monkeypatch):
    from qbank.cache import Cache

    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    edited = bank / "t1" / "q001.yaml"
    edited.write_text(edited.read_text().replace("trouble sleeping", "trouble sleeping badly"))
    cli("lint", bank)  # QB902 runs again from its state; the delta keeps the new summary

    def forbidden(self, code):
        raise AssertionError(f"read the whole {code} store")

    monkeypatch.setattr(Cache, "_read_store", forbidden)
    other = bank / "t2" / "q002.yaml"
    other.write_text(other.read_text() + "# reviewed\n")
    cli("lint", bank)


def test_a_file_touched_but_not_changed_is_recorded_with_its_new_stat(cli, bank):
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    path = bank / "t1" / "q001.yaml"
    later = time.time_ns() - 30 * 10**9
    os.utime(path, ns=(later, later))
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    assert cli("lint", bank, "--format", "json").output == expected
    _, delta = _cache_files(bank)
    assert _json(delta)["rows"][str(path)][1] == later


def test_a_large_delta_is_folded_into_the_base(cli, bank, monkeypatch):
    from qbank.cache import Cache

    defective_bank(bank, 12)
    cli("lint", bank)
    monkeypatch.setattr(Cache, "REBASE_MIN", 0)
    path = bank / "t1" / "q001.yaml"
    path.write_text(path.read_text() + "# reviewed\n")
    assert cli("lint", bank, "--format", "json").output == cli("lint", bank, "--format", "json", "--no-cache").output
    base, delta = _cache_files(bank)
    assert delta is None
    assert str(path) in _json(base)["paths"]


def test_a_corrupt_delta_is_ignored(cli, bank):
    defective_bank(bank, 12)
    _age(bank)
    cli("lint", bank)
    path = bank / "t1" / "q001.yaml"
    path.write_text(path.read_text().replace("explanation:", "explaination:"))
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    for spoil in ("garbage", '{"tag": 1}', "shape", "types"):
        cli("lint", bank)
        _, delta = _cache_files(bank)
        if spoil in ("shape", "types"):  # right tag, rows of the wrong shape or with wrong values
            blob = _json(delta)
            blob["rows"] = {p: [1, 2] if spoil == "shape" else [row[0], row[1], row[2], row[3], True, *row[5:]]
                            for p, row in blob["rows"].items()}
            spoil = json.dumps(blob)
        delta.write_bytes(seal(spoil.encode()))  # a checksum that holds: the content itself is refused
        assert cli("lint", bank, "--format", "json").output == expected


def test_a_damaged_rule_state_is_ignored(cli, bank):
    defective_bank(bank, 40)
    path = bank / "t1" / "q001.yaml"
    original = path.read_text()
    copy_of = (bank / "t2" / "q002.yaml").read_text().replace("id: q002", "id: q001")
    damages = (lambda b: b[:-7], lambda b: b[:30] + b"\0" * 9 + b[39:], lambda b: b"x" + b[1:], lambda b: b"")
    for part in ("index", "shingles"):
        for damage in damages:
            path.write_text(original)
            cli("lint", bank)
            (state,) = (bank / ".qbank_cache").glob(f"*.QB902.{part}.state")
            state.write_bytes(seal(damage(unseal(state.read_bytes()))))  # past the checksum: the rule's own checks
            path.write_text(copy_of)  # a new duplicate stem: QB902 must run again, from its state
            expected = cli("lint", bank, "--format", "json", "--no-cache").output
            assert cli("lint", bank, "--format", "json").output == expected


def test_the_first_valid_file_in_a_cached_bank_of_broken_ones(cli, bank):
    """A cache with no bank-rule summaries at all (every file had an error), then one file
    repaired: the warm run gives the repaired file's summaries their own column."""
    for i in range(3):
        write(bank, f"q{i}.yaml", GOOD.format(id=f"q{i}").replace("stem:", "stemx:"))
    _age(bank)
    cli("lint", bank)
    write(bank, "q0.yaml", GOOD.format(id="q0"))
    assert cli("lint", bank, "--format", "json").output == cli("lint", bank, "--format", "json", "--no-cache").output


def test_bank_rules_follow_edits_through_the_cache(cli, bank):
    defective_bank(bank, 12)
    cli("lint", bank)  # fill the cache
    path = bank / "t1" / "q001.yaml"
    path.write_text(path.read_text() + "# reviewed again\n")  # summaries unchanged: bank results reused
    assert cli("lint", bank, "--format", "json").output == cli("lint", bank, "--format", "json", "--no-cache").output
    copy_of = (bank / "t2" / "q002.yaml").read_text()
    path.write_text(copy_of.replace("id: q002", "id: q001"))  # now a duplicate stem of q002
    warm = json.loads(cli("lint", bank, "--format", "json").output)
    assert any(d["code"] == "QB902" and d["path"].endswith("q002.yaml") for d in warm)
    assert warm == json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)


def test_config_exclude_leaves_non_question_yaml_alone(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    write(bank, "docs/mkdocs.yml", "site_name: Our bank\nnav: [index.md]\n")
    (bank / "qbank.toml").write_text('exclude = ["docs/**"]\n')
    assert cli("lint", bank, "--no-cache").exit_code == 0
    assert cli("validate", bank).exit_code == 0
    assert "mkdocs" not in cli("fmt", "--check", bank).output
    (bank / "qbank.toml").write_text('exclude = "docs"\n')
    exit_code, found = codes(cli, bank)
    assert exit_code == 1 and ("QB008", 1, "error") in found


def test_findings_inside_text_point_at_the_word(cli, bank):
    """A lowercase qualifier in a `|` block is reported at its own line and column; text whose
    layout YAML rewrites (escapes) falls back to the key line."""
    write(bank, "q.yaml", GOOD.format(id="q1").replace("explore FIRST?", "explore first?"))
    found = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    qb204 = next(d for d in found if d["code"] == "QB204")
    assert (qb204["line"], qb204["column"]) == (4, 41)
    line = (bank / "q.yaml").read_text().splitlines()[3]
    assert line[40:45] == "first"
    escaped = GOOD.format(id="q2").replace(
        "stem: |\n  A 34-year-old client reports trouble sleeping since starting a new job.\n"
        "  What should the social worker explore FIRST?\n",
        'stem: "A client\\tsleeps badly. What should the social worker explore first?"\n')
    write(bank, "q.yaml", escaped)
    found = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    assert next(d for d in found if d["code"] == "QB204")["line"] == 2


# --- items with validation errors still get the style rules ------------------------------------

NO_RATIONALE = GOOD.replace("    rationale: Too distant from a problem that began with a recent life change.\n", "")


def findings(cli, *args):
    return [(d["code"], d["line"], d["fixable"]) for d in
            json.loads(cli("lint", *args, "--format", "json", "--no-cache").output)]


def test_a_flaw_in_the_stem_is_reported_when_a_rationale_is_missing(cli, bank):
    write(bank, "q.yaml", NO_RATIONALE.format(id="q1").replace("explore FIRST?", "explore first"))
    assert sorted(c for c, _, _ in findings(cli, bank)) == ["QB105", "QB201", "QB204"]


def test_an_item_without_explanation_gets_the_option_rules_but_no_weak_explanation(cli, bank):
    text = ALL_ABOVE.format(id="q1")
    write(bank, "q.yaml", text[:text.index("explanation:")])
    assert [c for c, _, _ in findings(cli, bank)] == ["QB003", "QB301"]


def test_an_item_with_two_keys_gets_the_stem_rules_but_none_that_need_the_key(cli, bank):
    text = ALL_ABOVE.format(id="q1").replace("explore FIRST?", "explore first")
    text = text.replace("  - text: Early childhood attachment patterns\n",
                        "  - text: Early childhood attachment patterns\n    correct: true\n")
    write(bank, "q.yaml", text)
    assert sorted(c for c, _, _ in findings(cli, bank)) == ["QB101", "QB201"]  # QB301 and QB204 need the key


def test_an_item_whose_options_cannot_be_read_gets_only_its_validation_errors(cli, bank):
    text = GOOD.format(id="q1").replace("explore FIRST?", "explore first").replace(
        "  - text: Early childhood attachment patterns\n    rationale: Too distant from a problem that began with a recent "
        "life change.\n", "  - Early childhood attachment patterns\n")
    write(bank, "q.yaml", text)
    assert {c for c, _, _ in findings(cli, bank)} == {"QB003"}


def test_findings_on_an_item_with_errors_are_not_fixed(cli, bank):
    path = write(bank, "q.yaml", NO_RATIONALE.format(id="q1").replace("explore FIRST?", "explore first?"))
    before = path.read_text()
    assert ("QB204", 4, False) in findings(cli, bank)
    cli("lint", bank, "--fix", "--no-cache")
    assert path.read_text() == before  # --fix rewrites only valid files


def test_a_duplicate_stem_is_found_between_items_with_errors(cli, bank):
    write(bank, "a.yaml", NO_RATIONALE.format(id="q1"))
    write(bank, "b.yaml", NO_RATIONALE.format(id="q2"))
    assert ("QB902", 1, False) in findings(cli, bank)


def test_cached_findings_of_items_with_errors_equal_a_run_without_cache(cli, bank):
    write(bank, "a.yaml", NO_RATIONALE.format(id="q1").replace("explore FIRST?", "explore first"))
    write(bank, "b.yaml", NO_RATIONALE.format(id="q2"))
    baseline = cli("lint", bank, "--format", "json", "--no-cache").output
    cold = cli("lint", bank, "--format", "json").output
    warm = cli("lint", bank, "--format", "json").output
    assert "QB201" in baseline and "QB902" in baseline
    assert cold == warm == baseline


def test_a_bank_rule_run_apart_reports_and_keeps_what_it_would_here(cli, bank, monkeypatch):
    import qbank.engine as engine

    defective_bank(bank, 40)
    write(bank, "t9/copy.yaml", (bank / "t2" / "q002.yaml").read_text().replace("id: q002", "id: copy"))
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    assert '"QB902"' in expected
    started = []
    monkeypatch.setattr(engine, "APART_MIN_FILES", 0)
    monkeypatch.setattr(engine, "Helper", lambda func: started.append(1) or Helper(func))
    assert cli("lint", bank, "--format", "json").output == expected
    assert started and list((bank / ".qbank_cache").glob("*.QB902.index.state"))
    near_copy = (bank / "t2" / "q002.yaml").read_text().replace("id: q002", "id: q001")
    near_copy = near_copy.replace("  A ", "  Once more, a ", 1)
    (bank / "t1" / "q001.yaml").write_text(near_copy)  # a near-duplicate: QB902 updates the child's index
    warm = cli("lint", bank, "--format", "json").output
    assert warm == cli("lint", bank, "--format", "json", "--no-cache").output != expected


def test_a_bank_rule_whose_child_fails_runs_here(cli, bank, monkeypatch):
    import qbank.engine as engine

    defective_bank(bank, 40)
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    here, real = os.getpid(), engine._picklable

    def only_here(*args):
        if os.getpid() != here:
            raise MemoryError("the child fails")
        return real(*args)

    monkeypatch.setattr(engine, "APART_MIN_FILES", 0)
    monkeypatch.setattr(engine, "_picklable", only_here)
    assert cli("lint", bank, "--format", "json").output == expected
    assert list((bank / ".qbank_cache").glob("*.QB902.index.state"))
