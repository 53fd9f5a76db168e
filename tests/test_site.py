"""`qbank site`: what the built files hold (the browser tests drive the same site in Chromium)."""

from __future__ import annotations

import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import lxml.html
import pytest

from conftest import ALL_ABOVE, GOOD, write
from qbank import api
from qbank.errors import OutputError
from qbank.site import SiteResult
from qbank.site.item import page_of
from qbank.site.layout import CSP

HOSTILE_STEM = ("<script>window.__pwned = 1</script> </textarea><textarea> "
                "[a link](javascript:window.__pwned=2) <img src=x onerror=\"window.__pwned=3\"> "
                "A client asks about the agency's fee policy. What should the social worker do FIRST?")


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (grey pixels), written by hand so the fixture needs no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def item(qid: str, stem: str, *, topic: str = "Ethics", extra: str = "", base: str = GOOD) -> str:
    text = base.format(id=qid) if "{id}" in base else base.replace("id: practice-sleep-001\n", f"id: {qid}\n", 1)
    text = text.replace("""stem: |
  A 34-year-old client reports trouble sleeping since starting a new job.
  What should the social worker explore FIRST?
""", "stem: " + json.dumps(stem) + "\n", 1)
    return text + f"topic: {topic}\n" + extra


# Five practice items in one topic: (id, stem) with the base item's options, key first as written.
ETHICS = [(f"eth-{n:03d}", f"Case {n}: a {age}-year-old client reports trouble sleeping since starting job number {n}. "
                          "What should the social worker explore FIRST?")
          for n, age in zip(range(1, 6), (21, 34, 47, 58, 66))]
KEY_TEXT = "Recent changes in the client's daily routine"
KEY_RATIONALE = "Routine changes are a common, modifiable cause of new sleep problems."
WRONG_TEXT = "Family history of psychiatric hospitalization"
WRONG_RATIONALE = "Useful later, but it does not address the recent onset tied to the job."
EXPLANATION = "The problem began with the new job"


def make_bank(root: Path, *, huge: int = 200_000) -> Path:
    """A small bank with what every page must show: findings (an error, bank-level ones), an
    image, math (good and unconvertible), a pinned order, hostile text and a broken file."""
    bank = root / "bank"
    write(bank, "qbank.toml", """\
        name = "Site Test Bank"
        [blueprints.test-outline]
        title = "Test outline"
        [[blueprints.test-outline.areas]]
        name = "Ethics area"
        weight = 60
        match = { topic = "Ethics" }
        [[blueprints.test-outline.areas]]
        name = "Assessment area"
        weight = [35, 45]
        match = { topic = "Assessment" }
        """)
    for qid, stem in ETHICS:
        write(bank, f"ethics/{qid}.yaml", item(qid, stem, extra="difficulty: easy\ntags: [sleep]\n"))
    write(bank, "assess/all-above.yaml", item("asm-all-above", "A client describes poor sleep after a move. "
                                              "What should the social worker explore FIRST?", topic="Assessment",
                                              base=ALL_ABOVE.replace("id: practice-sleep-001\n", "id: {id}\n", 1)))
    write(bank, "assess/img/chart.png", "")
    (bank / "assess/img/chart.png").write_bytes(png())
    write(bank, "assess/image.yaml", item("asm-image", "The sleep diary is shown. ![Sleep diary chart](img/chart.png)\n"
                                          "A scale is at ![the scale](https://example.org/scale.png).\n"
                                          "What should the social worker explore FIRST?", topic="Assessment",
                                          extra="difficulty: hard\nstatus: review\nreferences: [\"Sleep manual, ch. 2\"]\n"))
    write(bank, "assess/math.yaml", item("asm-math", r"A scale scores $\frac{a}{b}$ and \(x^2\). "
                                         r"A bad one: $\href{javascript:alert(1)}{x}$. What should the social worker explore FIRST?",
                                         topic="Assessment", extra="shuffle: false\n"))
    write(bank, "assess/hostile.yaml", item("asm-hostile", HOSTILE_STEM + " " + "long text " * (huge // 10),
                                            topic="Assessment"))
    write(bank, "broken.yaml", "id: broken\nstem: [unclosed\n")
    return bank


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, SiteResult]:
    root = tmp_path_factory.mktemp("site")
    bank = make_bank(root)
    result = api.build_site(bank, root / "site", cache=False)
    return root / "site", result


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def item_of(site: Path, qid: str) -> str | None:
    """The item's article on the item page file that holds it (None: it is on none)."""
    page = site / "items" / page_of(qid)
    found = re.search(rf'<article class="item" id="{re.escape(qid)}".*?</article>', page.read_text(encoding="utf-8"),
                      re.S) if page.is_file() else None
    return found.group(0) if found else None


def index(site: Path) -> dict:
    return json.loads(text(site, "data/index.js").removeprefix("var QB_INDEX = ").rstrip(";\n"))


def test_every_page_carries_the_policy_and_no_inline_script_or_style(built):
    site, _ = built
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html, page
        tree = lxml.html.fromstring(html)
        assert all(s.get("src") and not (s.text or "").strip() for s in tree.iter("script")), page
        assert not list(tree.iter("style")), page
        for el in tree.iter():
            attrs = getattr(el, "attrib", {})
            assert not [a for a in attrs if a == "style" or a.startswith("on")], (page, el.tag, attrs)
            # nothing loads from off the site; a link may lead off it, never to a script URL
            assert not re.match(r"\s*(?:[a-z][a-z0-9+.-]*:|//)", attrs.get("src", ""), re.I), (page, attrs)
            assert re.match(r"(?:https?:|[^:]*$)", attrs.get("href", "")), (page, attrs)
    assert "'self'" in CSP and "unsafe" not in CSP


def test_the_index_lists_every_loaded_item_with_its_worst_finding(built):
    site, result = built
    data = index(site)
    rows = {r[0]: r for r in data["items"]}
    assert sorted(rows) == sorted(["asm-all-above", "asm-image", "asm-math", "asm-hostile"] + [i for i, _ in ETHICS])
    assert result.items == 9
    assert rows["asm-all-above"][5:7] == ["error", "QB301"]
    assert data["topics"] == ["Assessment", "Ethics"] and rows["eth-001"][1] == 1
    assert rows["asm-image"][2:5] == ["hard", "review", "A"]
    assert "trouble sleeping" in rows["eth-003"][9] and rows["eth-003"][9] == rows["eth-003"][9].lower()
    page = text(site, "index.html")
    assert "broken.yaml" in page and "QB001" in page   # the file that could not be loaded


def test_every_item_has_one_stable_link_to_the_page_file_that_holds_it(built):
    site, result = built
    rows = index(site)["items"]
    pages = sorted(p.name for p in (site / "items").iterdir())
    assert len(pages) < len(rows) and all(re.fullmatch(r"[0-9a-f]{2}\.html", p) for p in pages)
    for row in rows:
        assert row[11] == page_of(row[0]) and item_of(site, row[0]) is not None
        held = [p for p in pages if f'<article class="item" id="{row[0]}"' in text(site, f"items/{p}")]
        assert held == [row[11]]
    assert page_of("eth-001") == "%02x.html" % (zlib.crc32(b"eth-001") % 256)   # not the bank's size or order


def test_an_item_page_shows_the_item_with_key_rationales_findings_and_source(built):
    site, _ = built
    page = item_of(site, "asm-all-above")
    assert '<li class="option key">' in page and len(re.findall(r'<li class="option[ "]', page)) == 4
    assert "Only one of these is the first thing to explore." in page              # a rationale
    assert '<a href="../rules/QB301.html">QB301 all-of-the-above</a>' in page      # finding -> rule page
    assert "assess/all-above.yaml, line 1" in page
    assert (site / "rules/QB301.html").is_file() and "Fails" in text(site, "rules/QB301.html")
    image = item_of(site, "asm-image")
    src = re.search(r'<img src="\.\./media/([^"]+)" alt="Sleep diary chart"', image).group(1)
    assert (site / "media" / src).read_bytes() == png()
    assert "Sleep manual, ch. 2" in image
    assert '<a class="remote-image" href="https://example.org/scale.png">image: the scale</a>' in image


def test_math_becomes_mathml_and_what_cannot_convert_is_qb031(built):
    site, result = built
    page = item_of(site, "asm-math")
    assert page.count("<math ") == 2 and "<mfrac>" in page and "<msup>" in page
    assert 'href="javascript' not in page and r'<code class="tex">\href{javascript:alert(1)}{x}</code>' in page
    qb031 = [d for d in result.diagnostics if d.code == "QB031"]
    assert len(qb031) == 1 and qb031[0].path.endswith("math.yaml") and qb031[0].line == 2
    assert "fixed as written" in page


def test_hostile_text_is_escaped_everywhere(built):
    site, _ = built
    page = item_of(site, "asm-hostile")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page and "<script>window" not in page
    assert "&lt;/textarea&gt;" in page and "<img src=x" not in page and 'href="javascript' not in page
    data = text(site, "data/items/0.js")
    assert "<script>window" not in data.replace("\\u003c", "<").replace("&lt;script&gt;", "")
    assert len(page) > 200_000    # the huge stem is there whole


def test_the_dashboard_draws_plots_as_svg_files_readable_in_dark_mode(built):
    site, _ = built
    page = text(site, "dashboard.html")
    names = re.findall(r'<img src="plots/([a-z0-9-]+)\.svg"', page)
    assert names[:3] == ["key-positions", "topics", "blueprint-test-outline"]
    assert {"difficulty", "option-counts", "findings"} <= set(names)
    svg = text(site, "plots/key-positions.svg")
    assert "var(--fg)" in svg and "prefers-color-scheme: dark" in svg and "<dc:date>" not in svg
    blueprint = page[page.index("Items per blueprint area"):]
    assert "<td>Ethics area</td><td>5</td><td>55.6%</td><td>60%</td>" in blueprint
    assert "<td>Assessment area</td><td>4</td><td>44.4%</td><td>35-45%</td>" in blueprint
    bank_level = page[page.index("Bank-level findings"):]
    assert "QB904 shared-option-set" in bank_level and 'class="side-by-side"' in bank_level


def test_building_twice_gives_the_same_bytes(tmp_path, built):
    site, _ = built
    again = tmp_path / "again"
    api.build_site(make_bank(tmp_path), again, cache=False)
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert all((site / f).read_bytes() == (again / f).read_bytes() for f in files if f != ".qbank-site")


def test_a_site_built_after_lint_shows_every_item_as_it_is_now(tmp_path):
    bank = make_bank(tmp_path, huge=10)
    full = api.build_site(bank, tmp_path / "first", cache=False)
    api.lint(bank)                                     # the cache now answers for every file
    path = bank / "ethics/eth-003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("job number 3", "job number 33"), encoding="utf-8")
    again = api.build_site(bank, tmp_path / "site")    # one file changed: checked, the rest from the cache
    assert again.items == full.items
    assert "job number 33" in item_of(tmp_path / "site", "eth-003")
    assert all(item_of(tmp_path / "site", row[0]) is not None for row in index(tmp_path / "site")["items"])


def test_the_items_made_in_the_lint_run_are_those_made_from_a_loaded_bank(tmp_path):
    from qbank.config import load_config
    from qbank.site import make_site

    bank = make_bank(tmp_path, huge=10)
    api.build_site(bank, tmp_path / "one", cache=False)          # items made where lint reads them
    loaded = api.load_bank(bank)                                 # no lint run: made here
    assert loaded.made == []
    make_site(loaded, api.lint(bank, cache=False).diagnostics, Path(loaded.root), tmp_path / "two",
              blueprints=load_config([bank]).blueprints)
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert one == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in one)


@pytest.mark.parametrize("cache", [False, True])
def test_an_image_that_cannot_be_packaged_stops_the_build_before_anything_is_written(tmp_path, cache):
    from qbank.errors import ExportError

    bank = make_bank(tmp_path, huge=10)
    with open(bank / "assess/img/chart.png", "wb") as fh:   # sparse: over the 256 MB an export packages
        fh.truncate(257 * 1024 * 1024)
    with pytest.raises(ExportError, match="chart.png is 257"):
        api.build_site(bank, tmp_path / "site", cache=cache)
    assert not (tmp_path / "site").exists()


def test_a_rebuild_removes_what_is_gone_and_a_foreign_folder_is_refused(tmp_path):
    bank = make_bank(tmp_path, huge=10)
    out = tmp_path / "site"
    api.build_site(bank, out, cache=False)
    (bank / "assess/image.yaml").unlink()
    api.build_site(bank, out, cache=False)
    assert item_of(out, "asm-image") is None and not (out / "media").exists()
    assert item_of(out, "asm-math") is not None
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "keep me")
    with pytest.raises(OutputError, match="not a site qbank built"):
        api.build_site(bank, foreign, cache=False)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_statistics_and_forms_are_read_against_the_contract(tmp_path):
    bank = make_bank(tmp_path, huge=10)
    stats = {"version": 1, "items": {
        "eth-001": {"n": 412, "p": 0.81, "rpb": 0.34, "upper_lower": 0.3, "source": "spring.csv",
                    "imported": "2026-11-30", "options": [{"rate": 0.81, "rpb": 0.34}, {"rate": 0.1, "rpb": -0.2},
                                                          {"rate": 0.05, "rpb": -0.1}, {"rate": 0.04, "rpb": -0.1}]},
        "eth-002": {"n": 412, "p": 0.5, "rpb": 0.1, "upper_lower": 0.1, "source": "old.csv", "imported": "2025-01-02",
                    "options": [{"rate": 0.5, "rpb": 0.1}, {"rate": 0.5, "rpb": -0.1}]}},   # before an edit
        "forms": {"A": {"n": 412, "kr20": 0.78}}}
    (bank / "qbank-stats.json").write_text(json.dumps(stats), encoding="utf-8")
    write(tmp_path, "forms/A.yaml", """\
        form: A
        blueprint: test-outline
        seed: 7
        items:
          - id: eth-002
            area: Ethics area
            order: [3, 2, 1, 0]
          - id: eth-001
            area: Ethics area
            order: [0, 1, 2, 3]
        """)
    write(tmp_path, "forms/B.yaml", "form: B\nitems:\n  - id: eth-001\n    order: [0, 1, 2, 3]\n"
                                    "  - id: no-such-item\n    order: [0, 1]\n")
    result = api.build_site(bank, tmp_path / "site", forms=[tmp_path / "forms/A.yaml", tmp_path / "forms/B.yaml"], cache=False)
    site = tmp_path / "site"
    page = item_of(site, "eth-001")
    assert "Item statistics" in page and "<dd>412</dd>" in page and "Chosen by 81%" in page
    assert "Item statistics" not in item_of(site, "eth-002")
    assert "item-statistics" in text(site, "dashboard.html") and "<td>0.78</td>" in text(site, "dashboard.html")
    found = [(d.code, Path(d.path).name, d.line, d.message) for d in result.diagnostics if d.code in ("QB022", "QB030")]
    assert [f[:3] for f in found] == [("QB030", "qbank-stats.json", 1), ("QB022", "B.yaml", 5)]
    assert "eth-002" in found[0][3] and "2 options" in found[0][3] and "no-such-item" in found[1][3]
    assert index(site)["forms"] == [{"name": "A", "items": [{"id": "eth-002", "order": [3, 2, 1, 0]},
                                                             {"id": "eth-001", "order": [0, 1, 2, 3]}]}]
    assert "Form" in text(site, "practice.html") and "A (2 items)" in text(site, "practice.html")


def test_the_command_builds_the_bundled_bank(cli, tmp_path):
    from conftest import REPO

    result = cli("site", REPO / "bank", "--out", tmp_path / "s", "--no-cache")
    assert result.exit_code == 0, result.output
    assert re.search(r"index.html: [0-9,]+ items", result.output) and (tmp_path / "s/index.html").is_file()
    assert cli("site", REPO / "bank", "--out", tmp_path / "s/index.html").exit_code == 2


@pytest.mark.parametrize("stats, form, expected", [
    ("{not json", "form: X\nitems: [", [("QB022", "X.yaml", "not a readable YAML file"),
                                        ("QB029", "qbank-stats.json", "not JSON")]),
    ('{"version": 2, "items": {}}', "- just a list\n", [("QB022", "X.yaml", "a form file is a mapping"),
                                                       ("QB029", "qbank-stats.json", '"version": 1')]),
    ('{"version": 1, "items": {"eth-001": {"n": 5, "p": 0.5, "rpb": 0.1, "upper_lower": 0, '
     '"options": [{"rate": 1, "rpb": 0}]}}}',
     "form: X\nitems:\n  - id: eth-001\n    order: [0, 0, 1, 2]\n",
     [("QB022", "X.yaml", "is not each of its 4 options"), ("QB030", "qbank-stats.json", "for 1 options")]),
])
def test_unusable_statistics_and_forms_are_reported_and_the_site_is_still_built(tmp_path, stats, form, expected):
    bank = make_bank(tmp_path, huge=10)
    (bank / "qbank-stats.json").write_text(stats, encoding="utf-8")
    write(tmp_path, "X.yaml", form)
    result = api.build_site(bank, tmp_path / "site", forms=[tmp_path / "X.yaml"], cache=False)
    found = sorted((d.code, Path(d.path).name, d.message) for d in result.diagnostics
                   if d.code in ("QB022", "QB029", "QB030"))
    assert [f[:2] for f in found] == [e[:2] for e in expected]
    assert all(part in message for (_, _, message), (_, _, part) in zip(found, expected)), found
    assert (tmp_path / "site/index.html").is_file() and index(tmp_path / "site")["forms"] == []
    assert "Item statistics" not in item_of(tmp_path / "site", "eth-001")


def test_near_duplicate_stems_are_shown_side_by_side_on_the_dashboard(tmp_path):
    bank = tmp_path / "bank"
    stem = "A client who started a new job last month reports trouble sleeping most nights. What should the social worker explore FIRST?"
    write(bank, "a.yaml", item("dup-a", stem))
    write(bank, "b.yaml", item("dup-b", stem.replace("most nights", "most nights this week")))
    api.build_site(bank, tmp_path / "site", cache=False)
    page = text(tmp_path / "site", "dashboard.html")
    found = page[page.index("Bank-level findings"):]
    assert "QB902 duplicate-stem" in found
    panes = re.findall(r'<div class="pane"><h4><a href="items/[0-9a-f]{2}\.html#(dup-[ab])">', found)
    assert sorted(panes) == ["dup-a", "dup-b"] and "most nights this week" in found


def test_an_interrupted_build_stops_at_once_and_leaves_no_process_behind(tmp_path):
    bank = tmp_path / "big"
    for i in range(1500):
        write(bank, f"q{i:05d}.yaml", item(f"q{i:05d}", f"Case {i}: a client reports trouble sleeping since job {i}. "
                                                        "What should the social worker explore FIRST?"))
    run = "import sys; from qbank.cli import main; main(['site', *sys.argv[1:]])"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    # Whenever Ctrl-C lands (lint workers, the painter child, writing), the build stops, and no
    # worker or painter outlives it (they would hold its output open).
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([sys.executable, "-c", run, str(bank), "--out", str(tmp_path / "site"), "--no-cache"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)   # as a terminal sends it: to the whole group
        proc.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"a process of the interrupted build (delay {delay} s) is still running")
