"""qbank.toml: checked against the settings, the code registry and the options the rules declare;
every problem is a QB008 at the key's line and column, with a "did you mean" where one is near."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, write

from qbank import engine
from qbank.config import load_config
from qbank.diagnostics import Severity
from qbank.rules import base
from qbank.rules.base import ItemContext, Option, Rule, RuleOptions


def problems(bank, toml: str) -> list[tuple[int, int, str]]:
    (bank / "qbank.toml").write_text(toml)
    config = load_config([bank])
    assert all(d.code == "QB008" and d.name == "config" and d.severity is Severity.ERROR for d in config.diagnostics)
    return [(d.line, d.column, d.message) for d in config.diagnostics]


def test_a_valid_config_sets_the_declared_options(bank):
    (bank / "qbank.toml").write_text('[lint.options]\nmin-options = 4\nmax-options = 4\nstem-stoplist = ["Custody"]\n')
    config = load_config([bank])
    assert config.diagnostics == []
    assert (config.options.min_options, config.options.max_options) == (4, 4)
    assert config.options.stem_stoplist == frozenset({"custody"})


def test_options_left_out_keep_their_declared_defaults(bank):
    (bank / "qbank.toml").write_text('[lint.options]\nmax-options = 6\n')
    options = load_config([bank]).options
    assert (options.min_options, options.max_options, options.stem_stoplist) == (3, 6, frozenset())


def test_misspelt_settings_get_a_suggestion(bank):
    found = problems(bank, 'ignroe = ["QB3"]\nnmae = "x"\n[lint]\nselct = ["QB3"]\n')
    assert found == [(1, 1, "unknown setting `ignroe`; did you mean `ignore` under [lint]?"),
                     (2, 1, "unknown setting `nmae`; did you mean `name`?"),
                     (4, 1, "unknown setting `lint.selct`; did you mean `select`?")]


def test_unknown_option_gets_a_suggestion_at_its_key(bank):
    found = problems(bank, '[lint.options]\n  min-option = 3\n')
    assert found == [(2, 3, "unknown option `min-option`; did you mean `min-options`?")]
    listed = problems(bank, '[lint.options]\nzzz = 1\n')[0][2]
    assert "; known: boilerplate-max, boilerplate-share, convergence-min-shared, " in listed
    assert all(name in listed for name in ("min-options", "stem-stoplist", "rationale-min-words"))


def test_option_of_the_wrong_type_or_out_of_range(bank):
    found = problems(bank, '[lint.options]\nmin-options = "four"\nmax-options = 40\nstem-stoplist = "vignette"\n')
    assert found == [(2, 1, '`min-options` must be a whole number from 2 to 26, not "four"'),
                     (3, 1, "`max-options` = 40 is out of range: it must be a whole number from 2 to 26"),
                     (4, 1, '`stem-stoplist` must be a list of strings, not "vignette"')]
    assert load_config([bank]).options == RuleOptions()


def test_options_in_an_inline_table_are_located_too(bank):
    assert problems(bank, '[lint]\noptions = { min-options = 3, max-options = 1 }\n') == [
        (2, 30, "`max-options` = 1 is out of range: it must be a whole number from 2 to 26")]


def test_min_larger_than_max_is_reported_and_both_are_dropped(bank):
    assert problems(bank, '[lint.options]\nmin-options = 5\nmax-options = 4\n') == [
        (2, 1, "`min-options` is larger than `max-options`")]
    assert load_config([bank]).options == RuleOptions()


def test_options_per_rule(bank):
    (bank / "qbank.toml").write_text('[lint.options.QB102]\nmin-options = 4\n')
    assert load_config([bank]).options.min_options == 4
    assert problems(bank, '[lint.options.QB102]\nstem-stoplist = ["x"]\n') == [
        (2, 1, "QB102 (option-count) has no option `stem-stoplist`; known: max-options, min-options, "
               "two-option-items")]
    assert problems(bank, '[lint.options.QB301]\nmin-options = 4\n') == [
        (2, 1, "QB301 (all-of-the-above) has no option `min-options`; it has no options")]
    assert problems(bank, '[lint.options.QB3O8]\nstem-stoplist = []\n') == [
        (1, 1, "`[lint.options.QB3O8]`: no rule has this code; did you mean QB308 (stem-key-word-repeat)?")]
    assert problems(bank, '[lint.options]\nmin-options = 4\n[lint.options.QB102]\nmin-options = 4\n') == [
        (4, 1, "option `min-options` is set twice; keep one")]


def test_severity_overrides_name_lint_rules_and_levels(bank):
    found = problems(bank, '[lint.severity]\nQB340 = "error"\nQB101 = "warning"\nQB304 = "warn"\n'
                           'option-count = "error"\nQB305 = "error"\n')
    assert found == [
        (2, 1, "severity override of `QB340`: no rule has this code; did you mean QB304 (longest-option-is-key) "
               "or QB310 (article-agreement-cue)?"),
        (3, 1, "severity override of QB101 (key-count): it is always on, with severity error; it cannot be changed"),
        (4, 1, 'severity override `QB304 = "warn"`: use one of error, warning, info; did you mean `warning`?'),
        (5, 1, "severity override of `option-count`: no rule has this code; did you mean QB102 (option-count)?")]
    assert load_config([bank]).severity == {"QB305": Severity.ERROR}


def test_config_problems_reach_the_lint_output(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1"))
    (bank / "qbank.toml").write_text('[lint.options]\nmax-option = 4\n')
    out = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    assert [(d["code"], d["line"], d["column"]) for d in out] == [("QB008", 2, 1)]
    assert "did you mean `max-options`?" in out[0]["message"]


# --- options a rule declares, and the lint cache -------------------------------------------------

@pytest.fixture
def declarations(monkeypatch):
    """Rule classes defined in a test declare options only for that test."""
    monkeypatch.setattr(base, "_DECLARED", dict(base._DECLARED))


def test_every_kind_of_option_is_checked_and_resolved(declarations, bank):
    class Tunable(Rule):
        """Test rule with one option of each kind."""

        code, name, severity = "QB997", "tunable", Severity.INFO
        options = (Option("min-words", int, 8, "Words at least.", min=1),
                   Option("cut-off", float, 0.7, "Share of shingles.", min=0, max=1),
                   Option("strict", bool, False, "Report infos as warnings."),
                   Option("style", str, "plain", "Quote style.", choices=("plain", "curly")),
                   Option("extra-words", list[str], (), "More words.", choices=("foo", "bar")))

    (bank / "qbank.toml").write_text('[lint.options]\nmin-words = 3\ncut-off = 1\nstrict = true\nstyle = "curly"\n'
                                     'extra-words = ["foo"]\n')
    config = load_config([bank])
    assert config.diagnostics == []
    o = config.options
    assert (o.min_words, o.cut_off, o.strict, o.style, o.extra_words) == (3, 1.0, True, "curly", ("foo",))
    assert problems(bank, '[lint.options]\nmin-words = 0\ncut-off = 1.5\nstrict = "yes"\nstyle = "curvy"\n'
                          'extra-words = ["foo", "baz"]\n') == [
        (2, 1, "`min-words` = 0 is out of range: it must be a whole number of at least 1"),
        (3, 1, "`cut-off` = 1.5 is out of range: it must be a number from 0 to 1"),
        (4, 1, '`strict` must be true or false, not "yes"'),
        (5, 1, '`style` = "curvy" is not allowed; it must be one of "plain", "curly"'),
        (6, 1, '`extra-words` = ["foo", "baz"]: "baz" is not allowed; it must be a list of strings, each one of '
               '"foo", "bar"')]


def test_an_option_default_must_be_allowed():
    with pytest.raises(TypeError, match="min-words"):
        Option("min-words", int, 0, "Words at least.", min=1)


def test_the_cache_follows_any_option_a_rule_declares(declarations, monkeypatch, bank):
    """A rule added with a new option needs no change elsewhere for the cache to follow it."""

    class Shout(Rule):
        """Test rule: reports its option's value on every item."""

        code, name, severity = "QB996", "shout", Severity.WARNING
        options = (Option("shout-limit", int, 1, "How loud.", min=1, max=9),)

        def check(self, ctx: ItemContext):
            yield self.diagnostic(ctx, ("stem",), f"limit {ctx.options.shout_limit}")

    monkeypatch.setattr("qbank.rules.item_rules", lambda: [Shout()])
    write(bank, "q.yaml", GOOD.format(id="q1"))

    def shouts(limit: int) -> list[str]:
        (bank / "qbank.toml").write_text(f"[lint.options]\nshout-limit = {limit}\n")
        found, _ = engine.run([bank], lint=True, jobs=1)
        return [d.message for d in found.diagnostics if d.code == "QB996"]

    assert shouts(2) == ["limit 2"]
    assert (bank / ".qbank_cache").is_dir()
    assert shouts(3) == ["limit 3"]
    assert shouts(2) == ["limit 2"]
    # The cache is in play: with a key blind to options, the last answer would come back.
    monkeypatch.setattr("qbank.config.Config.fingerprint", lambda self: "blind")
    assert shouts(4) == ["limit 4"]
    assert shouts(5) == ["limit 4"]


def test_rule_options_read_defaults_and_pickle(declarations):
    import pickle

    options = RuleOptions(min_options=4)
    assert (options.min_options, options.max_options) == (4, 5)
    assert pickle.loads(pickle.dumps(options)) == options and hash(options) == hash(RuleOptions(min_options=4))
    with pytest.raises(AttributeError):
        options.min_options = 5
    with pytest.raises(AttributeError, match="no rule declares"):
        options.no_such_option


def test_export_out_sets_where_exports_go_relative_to_the_bank_root(tmp_path):
    from qbank.config import load_config
    from qbank.export import default_out_dir

    (tmp_path / "qbank.toml").write_text('[export]\nout = "../shared-exports"\n', encoding="utf-8")
    assert load_config([tmp_path]).diagnostics == []
    assert default_out_dir(tmp_path) == tmp_path.parent / "shared-exports"
    (tmp_path / "qbank.toml").write_text('[export]\nouts = "x"\n', encoding="utf-8")
    (d,) = load_config([tmp_path]).diagnostics
    assert d.code == "QB008" and d.line == 2 and "did you mean `out`" in d.message
    (tmp_path / "qbank.toml").write_text("", encoding="utf-8")
    assert default_out_dir(tmp_path) == tmp_path / "exports"
