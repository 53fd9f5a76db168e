"""Placing imported questions into a bank: ids, folders, media, and the plan on a re-import."""

from __future__ import annotations

from pathlib import Path

from qbank.fmt import format_text
from qbank.importers.base import ImportedItem, ReadResult
from qbank.importers.itemdata import slug_id
from qbank.importers.write import apply_plan, plan_import, stem_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 16


def item(qid: str | None = "q1", stem: str = "Which one is right?", folder: tuple[str, ...] = (), **extra) -> ImportedItem:
    data = {"stem": stem, "options": [{"text": "Right", "correct": True}, {"text": "Wrong", "rationale": "No."}],
            "explanation": "Because.", **extra}
    if qid is not None:
        data = {"id": qid, **data}
    return ImportedItem(data=data, line=3, folder=folder)


def run(tmp_path: Path, *items: ImportedItem, source: str = "src.xml", dry: bool = False):
    plan = plan_import([(source, ReadResult(items=list(items)))], tmp_path)
    if not dry:
        assert apply_plan(plan) == []
    return plan


def test_ids_are_slugged_to_the_schema_pattern():
    assert slug_id("Q 1: Ethics/Intro") == "q-1-ethics-intro"
    assert slug_id("--Über_Frage.3--") == "uber_frage.3"
    assert slug_id("???") == ""
    assert stem_id("What is the **first** step in ![x](a.png) planning care?") == "what-is-the-first-step-in"


def test_a_new_question_is_added_in_its_folder_in_the_fmt_layout(tmp_path):
    plan = run(tmp_path, item("Ethics 1", folder=("Values & Ethics", "Part 2"), topic="Values & Ethics/Part 2"))
    assert [(e.state, e.id, e.path) for e in plan.entries] == [("added", "ethics-1", "values-ethics/part-2/ethics-1.yaml")]
    text = (tmp_path / "values-ethics/part-2/ethics-1.yaml").read_text("utf-8")
    assert text.startswith("id: ethics-1\nstem: Which one is right?\noptions:\n  - text: Right\n    correct: true\n")
    assert format_text(text) == text


def test_re_import_is_a_no_op_and_a_change_is_an_update(tmp_path):
    run(tmp_path, item("a"), item("b"))
    again = run(tmp_path, item("a"), item("b"))
    assert [e.state for e in again.entries] == ["unchanged", "unchanged"] and not again.writes
    changed = run(tmp_path, item("a", stem="Which one is right now?"), item("b"))
    assert [e.state for e in changed.entries] == ["updated", "unchanged"]
    assert "right now?" in (tmp_path / "a.yaml").read_text("utf-8")


def test_an_update_keeps_what_the_source_cannot_say(tmp_path):
    run(tmp_path, item("a"))
    path = tmp_path / "a.yaml"
    path.write_text(path.read_text("utf-8").replace("  - text: Right\n    correct: true\n",
                                                     "  - text: Right\n    correct: true\n    rationale: Yes.\n")
                    + "difficulty: hard\n", "utf-8")
    plan = run(tmp_path, item("a"))
    assert [e.state for e in plan.entries] == ["unchanged"]
    text = path.read_text("utf-8")
    assert "difficulty: hard" in text and "rationale: Yes." in text


def test_same_id_twice_in_one_import_gets_a_suffix_and_keeps_it_on_re_import(tmp_path):
    first = run(tmp_path, item("dup", folder=("A",)), item("dup", folder=("B",)), item(None), item(None))
    assert [e.path for e in first.entries] == ["a/dup.yaml", "b/dup-2.yaml", "which-one-is-right.yaml",
                                               "which-one-is-right-2.yaml"]
    again = run(tmp_path, item("dup", folder=("A",)), item("dup", folder=("B",)), item(None), item(None))
    assert [(e.state, e.path) for e in again.entries] == [("unchanged", e.path) for e in first.entries]


def test_a_question_the_bank_keeps_in_another_folder_is_updated_where_it_is(tmp_path):
    run(tmp_path, item("taken", folder=("elsewhere",)))
    plan = run(tmp_path, item("taken", stem="Which one is right, now?", folder=("Other category",)))
    assert [(e.state, e.path) for e in plan.entries] == [("updated", "elsewhere/taken.yaml")] and not plan.failed
    assert "now?" in (tmp_path / "elsewhere/taken.yaml").read_text() and not (tmp_path / "other-category").exists()


def test_an_id_the_bank_has_twice_is_a_conflict_and_nothing_is_overwritten(tmp_path):
    run(tmp_path, item("taken", folder=("a",)))
    (tmp_path / "b").mkdir()
    (tmp_path / "b/copy.yaml").write_bytes((tmp_path / "a/taken.yaml").read_bytes())
    before = (tmp_path / "a/taken.yaml").read_bytes()
    plan = run(tmp_path, item("taken", stem="Another question entirely?"))
    assert [e.state for e in plan.entries] == ["conflicting"] and plan.failed
    [d] = [d for d in plan.diagnostics if d.code == "QB014"]
    assert (d.path, d.line) == ("src.xml", 3) and "a/taken.yaml" in d.message and "b/copy.yaml" in d.message
    assert (tmp_path / "a/taken.yaml").read_bytes() == before and not (tmp_path / "taken.yaml").exists()


def test_a_made_up_id_steps_past_the_banks_ids(tmp_path):
    run(tmp_path, item("which-one-is-right", folder=("x",)))
    plan = run(tmp_path, item(None))
    assert [(e.state, e.id) for e in plan.entries] == [("added", "which-one-is-right-2")]


def test_media_is_written_once_per_content_and_references_follow(tmp_path):
    a = item("a", stem="Look: ![chart](chart.png)?", folder=("t",))
    a.media = {"chart.png": PNG}
    b = item("b", stem="And ![chart](chart.png)?", folder=("t",))
    b.media = {"chart.png": PNG}
    c = item("c", stem="Now ![chart](<chart.png>)?", folder=("t",))
    c.media = {"chart.png": OTHER_PNG}
    run(tmp_path, a, b, c)
    assert (tmp_path / "t/media/chart.png").read_bytes() == PNG
    assert (tmp_path / "t/media/chart-2.png").read_bytes() == OTHER_PNG
    assert "![chart](media/chart.png)" in (tmp_path / "t/a.yaml").read_text("utf-8")
    assert "![chart](media/chart.png)" in (tmp_path / "t/b.yaml").read_text("utf-8")
    assert "![chart](media/chart-2.png)" in (tmp_path / "t/c.yaml").read_text("utf-8")
    again = run(tmp_path, a, b, c)
    assert not again.media and [e.state for e in again.entries] == ["unchanged"] * 3


def test_dry_run_writes_nothing_and_shows_a_diff(tmp_path):
    plan = run(tmp_path / "bank", item("a"), dry=True)
    assert not (tmp_path / "bank").exists()
    assert "+++ b/a.yaml" in plan.diff() and "+id: a" in plan.diff()


def test_an_item_the_schema_refuses_is_skipped_not_written(tmp_path):
    bad = ImportedItem(data={"id": "x", "stem": "S?", "options": [{"text": "only", "correct": True}],
                             "explanation": "E."}, line=9)
    plan = run(tmp_path, bad)
    assert plan.skipped == {"QB013": 1} and not plan.entries and not list(tmp_path.iterdir())


def test_a_symlinked_folder_out_of_the_bank_is_refused(tmp_path):
    bank, away = tmp_path / "bank", tmp_path / "away"
    bank.mkdir()
    away.mkdir()
    (bank / "t").symlink_to(away)
    plan = run(bank, item("a", folder=("t",)))
    assert plan.skipped == {"QB015": 1} and not list(away.iterdir())


# --- the direct writer of the fmt layout is fmt's layout ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qbank.importers.write import _fast_text, _fmt_text  # noqa: E402

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=120) | st.sampled_from(
    ["yes", "No", "1.5", "2024-01-31", "x: y", "- dash", "#tag", "it's", "a # b", "@at", "~", "null", "Ünïcode — ok",
     "line\nbreak", "two\n\nparas\n", " lead", "trail ", "`code` and *em*", "50%", "[link](x)", "a" * 90])


@st.composite
def data(draw) -> dict:
    options = [{"text": draw(texts), **({"correct": True} if i == 0 else {}),
                **({"rationale": draw(texts)} if draw(st.booleans()) else {})} for i in range(draw(st.integers(2, 4)))]
    out = {"id": "q1", "stem": draw(texts), "options": options, "explanation": draw(st.sampled_from(["", "E."]) | texts)}
    if draw(st.booleans()):
        out["shuffle"] = False
    if draw(st.booleans()):
        out["topic"] = draw(texts)
    if draw(st.booleans()):
        out["tags"] = draw(st.lists(texts, min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        out["points"] = draw(st.sampled_from([2, 0.5, 1.25, 3.0]))
    return out


@settings(max_examples=300, deadline=None)
@given(data())
def test_the_direct_writer_writes_what_fmt_writes_or_leaves_it_to_fmt(question):
    fast = _fast_text(question)
    assert fast is None or fast == _fmt_text(question)


def test_the_direct_writer_takes_ordinary_questions():
    question = item("a", stem="A client says: 'I can't sleep.'\n\nWhat should the social worker do FIRST?",
                    tags=["sleep", "intake"], points=2).data
    assert _fast_text(question) == _fmt_text(question)


def test_an_update_keeps_the_comments_of_what_stays(tmp_path):
    run(tmp_path, item("a"))
    path = tmp_path / "a.yaml"
    path.write_text("# Reviewed by the team.\n" + path.read_text("utf-8").replace(
        "explanation: Because.\n", "explanation: Because.  # checked\n"), "utf-8")
    plan = run(tmp_path, item("a", stem="Which one is right, now?"))
    assert [e.state for e in plan.entries] == ["updated"]
    text = path.read_text("utf-8")
    assert text.startswith("# Reviewed by the team.\nid: a\nstem: Which one is right, now?\n")
    assert "explanation: Because.  # checked\n" in text and format_text(text) == text
    assert [e.state for e in run(tmp_path, item("a", stem="Which one is right, now?")).entries] == ["unchanged"]


def test_a_control_character_from_the_source_is_refused_not_written(tmp_path):
    plan = run(tmp_path, item("a", stem="Bell \x07 here?"))
    assert plan.skipped == {"QB013": 1} and "control character" in plan.diagnostics[0].message


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=8))
def test_the_literal_block_check_is_fmts(text):
    from qbank.fmt import _literal_ok as fmt_literal_ok
    from qbank.importers.write import _literal_ok

    assert _literal_ok(text) == fmt_literal_ok(text)


def test_a_file_qbank_toml_excludes_is_not_a_question_of_the_bank(tmp_path):
    run(tmp_path, item("taken", folder=("drafts",)))
    (tmp_path / "qbank.toml").write_text('exclude = ["drafts/**"]\n')
    plan = run(tmp_path, item("taken", folder=("live",)))
    assert [(e.state, e.path) for e in plan.entries] == [("added", "live/taken.yaml")]


def test_a_text_the_reader_wrote_ahead_is_what_the_plan_would_write(tmp_path):
    from dataclasses import replace

    from qbank.importers.write import new_text

    items = [item("Q 1"), item("q-1"), item(None, stem="No id here?"), item(None, stem="?"), item("q-2", topic="a/b")]
    items += [replace(items[0]), replace(item("pic", stem="Which bar is ![the chart](x.png) missing?"),
                                         media={"x.png": PNG})]   # the same id again; media to relink
    (tmp_path / "bank").mkdir()
    run(tmp_path / "bank", item("q-2", stem="Already here?"))   # an update: the bank has q-2
    ahead = [replace(i, text=new_text(i.data)) for i in items]
    assert [i.text is not None for i in ahead] == [True, True, True, False, True, True, True]
    planned = [plan_import([("src.xml", ReadResult(items=list(given)))], tmp_path / "bank").entries
               for given in (items, ahead)]
    assert planned[0] == planned[1]
    assert [(e.state, e.id) for e in planned[0]] == [
        ("added", "q-1"), ("added", "q-1-2"), ("added", "no-id-here"), ("added", "q-4"), ("updated", "q-2"),
        ("added", "q-1-3"), ("added", "pic")]
