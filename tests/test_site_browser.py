"""`qbank site` in a real browser: Debian's chromium driven by Playwright, axe-core for
accessibility. Skipped (with the reason) only when chromium is not installed and
QBANK_REQUIRE_BROWSER is unset; `.ci/run` installs chromium and sets it."""

from __future__ import annotations

import os
import re
import statistics
import sys
from pathlib import Path

import pytest

from conftest import REPO, write
from test_site import (ETHICS, EXPLANATION, KEY_RATIONALE, KEY_TEXT, WRONG_RATIONALE, WRONG_TEXT, make_bank)
from qbank import api
from qbank.site.item import page_of

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"

if not os.path.exists(CHROMIUM) and not os.environ.get("QBANK_REQUIRE_BROWSER"):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); set QBANK_REQUIRE_BROWSER=1 "
                "to make this a failure", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is required here (QBANK_REQUIRE_BROWSER is set)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    bank = make_bank(root)
    write(root, "forms/H.yaml", "form: H\nitems:\n  - id: asm-hostile\n    order: [0, 1, 2, 3]\n"
                                "  - id: asm-math\n    order: [0, 1, 2, 3]\n  - id: eth-001\n    order: [3, 2, 1, 0]\n")
    api.build_site(bank, root / "site", forms=[root / "forms/H.yaml"], cache=False)
    return root / "site"


class Watch:
    """What a page did that it must not: console errors, uncaught exceptions, dialogs
    (alert() from an item), requests outside the site."""

    def __init__(self, page: Page, site: Path) -> None:
        self.base = site.as_uri() + "/"
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", self._request)

    def _request(self, request) -> None:
        self.requests.append(request.url)
        if not request.url.startswith(self.base):
            self.outside.append(request.url)

    def clean(self) -> None:
        assert self.errors == [] and self.outside == []


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    watch = Watch(pg, site)
    pg.watch = watch
    yield pg
    context.close()
    watch.clean()


def url(site: Path, rel: str) -> str:
    return (site / rel).as_uri()


def item_url(site: Path, qid: str) -> str:
    return url(site, f"items/{page_of(qid)}") + f"#{qid}"


def no_serious_violations(page: Page) -> None:
    # preload off: axe would fetch the stylesheets again with XHR, which file:// refuses
    found = Axe().run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found
           if v["impact"] in ("serious", "critical")]
    assert bad == []


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_the_index_filters_and_searches(page, site):
    page.goto(url(site, "index.html"))
    count = page.locator("#count")
    expect(count).to_have_text("9 of 9 items")
    page.select_option("#f-topic", "Ethics")
    expect(count).to_have_text("5 of 9 items")
    assert page.locator("#items tbody tr td:first-child").all_inner_texts() == [i for i, _ in ETHICS]
    page.select_option("#f-topic", "")
    page.select_option("#f-severity", "error")
    expect(count).to_have_text("1 of 9 items")
    assert "QB301" in page.locator("#items tbody tr").inner_text()
    page.select_option("#f-severity", "")
    page.fill("#f-q", "sleep DIARY")
    expect(count).to_have_text("1 of 9 items")
    assert page.locator("#items tbody td a").first.inner_text() == "asm-image"
    page.fill("#f-q", "")
    page.select_option("#f-tag", "sleep")
    page.select_option("#f-difficulty", "easy")
    expect(count).to_have_text("5 of 9 items")
    page.select_option("#f-tag", "")
    page.select_option("#f-difficulty", "")
    no_serious_violations(page)
    screenshot(page, "index")


def test_an_item_opens_from_the_index_with_its_findings_linked_to_the_rules(page, site):
    page.goto(url(site, "index.html"))
    page.fill("#f-q", "all of the above")
    page.watch.requests.clear()
    page.click("text=asm-all-above")
    expect(page).to_have_title("Item asm-all-above · Site Test Bank")
    assert [r.rsplit("/site/", 1)[1] for r in page.watch.requests] == [f"items/{page_of('asm-all-above')}",
                                                                        "assets/site.css", "assets/item.js"]
    expect(page.locator("article.item:visible")).to_have_count(1)   # the page's other items are hidden
    key = page.locator("article.item:target li.option.key")
    expect(key).to_contain_text("Key")
    expect(key).to_contain_text(KEY_TEXT)
    expect(page.locator("article.item:target li.option").nth(1)).to_contain_text(WRONG_RATIONALE)
    expect(page.locator("article.item:target .meta")).to_contain_text("assess/all-above.yaml, line 1")
    no_serious_violations(page)
    screenshot(page, "item")
    page.click("text=QB301 all-of-the-above")
    expect(page.locator("h1")).to_have_text("QB301 all-of-the-above")
    page.goto(item_url(site, "asm-image"))
    image = page.locator("article.item:target .stem img")
    assert image.evaluate("i => i.complete && i.naturalWidth") == 2
    page.goto(item_url(site, "asm-math"))
    assert page.locator("article.item:target .stem math").count() == 2
    assert page.locator("article.item:target .stem math mfrac").evaluate("m => m.getBoundingClientRect().height") > 0


def test_the_dashboard_shows_its_plots_in_light_and_dark(page, site):
    page.goto(url(site, "dashboard.html"))
    plots = page.locator("figure.plot img")
    assert plots.count() >= 6
    assert all(plots.nth(i).evaluate("i => i.complete && i.naturalWidth > 100") for i in range(plots.count()))
    no_serious_violations(page)
    screenshot(page, "dashboard")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")   # printing shows every plot's numbers
    assert page.locator("details:not([open])").count() == 0
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 23, 26)"
    no_serious_violations(page)
    screenshot(page, "dashboard-dark")


def _answer(page: Page, text: str) -> None:
    """Choose the option whose text is ``text`` with the keyboard only, and check it."""
    page.keyboard.press("Tab")                   # from the question heading to the options
    page.keyboard.press("Space")
    for _ in range(6):
        chosen = page.locator('input[name="choice"]:checked + label .option-text').inner_text()
        if chosen == text:
            break
        page.keyboard.press("ArrowDown")
    assert chosen == text
    page.keyboard.press("Tab")                   # to "Check answer"
    page.keyboard.press("Enter")


def _take(page: Page, n: int, right: bool) -> None:
    expect(page.locator("#quiz-h")).to_contain_text(f"question {n} of 5")
    assert page.evaluate("document.activeElement.id") == "quiz-h"
    _answer(page, KEY_TEXT if right else WRONG_TEXT)
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Correct" if right else "Incorrect")
    expect(feedback).to_contain_text(KEY_RATIONALE if right else WRONG_RATIONALE)
    expect(feedback).to_contain_text(EXPLANATION)
    assert page.locator("#feedback").get_attribute("aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "next"


def test_a_five_item_practice_session_by_keyboard_resumes_after_a_reload(page, site):
    page.goto(url(site, "practice.html"))
    no_serious_violations(page)                  # the setup form
    page.focus("#p-topic")
    page.keyboard.type("Ethics")
    page.focus("#p-count")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Enter")                 # submits the setup form
    seen = set()
    for n in (1, 2, 3):
        _take(page, n, right=True)
        seen.add(page.locator("#item-id").inner_text())
        if n == 3:
            no_serious_violations(page)
            screenshot(page, "practice")
        page.keyboard.press("Enter")             # "Next question"
    page.reload()
    expect(page.locator("#resume-msg")).to_have_text("Practice: question 4 of 5, 3 answered.")
    assert page.evaluate("document.activeElement.id") == "resume-go"
    page.keyboard.press("Enter")
    for n in (4, 5):
        _take(page, n, right=False)
        seen.add(page.locator("#item-id").inner_text())
        page.keyboard.press("Enter")
    assert seen == {f"Item {i}" for i, _ in ETHICS}
    expect(page.locator("#score")).to_have_text("Score: 3 of 5 (60%).")
    assert page.locator("#by-topic tbody tr").all_inner_texts() == ["Ethics\t3\t5"]
    no_serious_violations(page)


def test_a_timed_session_ends_when_its_time_is_up_even_across_a_reload(page, site):
    page.goto(url(site, "practice.html"))
    page.fill("#p-count", "2")
    page.fill("#p-minutes", "1")
    page.click("#start")
    expect(page.locator("#timer")).to_have_text(re.compile(r"Time left: (1:00|0:5[0-9])"))
    assert page.locator("#timer").get_attribute("role") == "timer"
    page.evaluate("""() => {   // as if the minute had passed with the page closed
        const key = Object.keys(localStorage).find(k => k.startsWith("qbank-practice:"));
        const s = JSON.parse(localStorage.getItem(key));
        s.deadline = Date.now() - 1000;
        localStorage.setItem(key, JSON.stringify(s));
    }""")
    page.reload()
    page.click("#resume-go")
    expect(page.locator("#score")).to_have_text("Score: 0 of 2 (0%).")
    page.click("#again")
    expect(page.locator("#setup")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_hostile_text_runs_no_script_on_any_page(page, site):
    page.goto(item_url(site, "asm-hostile"))
    stem = page.locator("article.item:target .stem")
    expect(stem).to_contain_text("<script>window.__pwned = 1</script>")
    expect(stem).to_contain_text("[a link](javascript:window.__pwned=2)")
    assert page.locator("textarea, .stem script, .stem img, a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.goto(url(site, "index.html"))
    page.fill("#f-q", "pwned")
    expect(page.locator("#count")).to_have_text("1 of 9 items")
    page.goto(url(site, "practice.html"))
    page.select_option("#p-form", "0")            # form H: the hostile item, the math item, eth-001
    page.click("#start")
    expect(page.locator("#q-stem")).to_contain_text("</textarea><textarea>")
    page.locator('input[name="choice"]').first.check()
    page.click("#check")
    expect(page.locator("#feedback")).to_contain_text("Explanation")
    assert page.evaluate("window.__pwned") is None
    page.click("#next")
    expect(page.locator("#item-id")).to_have_text("Item asm-math")
    assert page.locator("#q-stem math").count() == 2
    assert page.locator("label .option-text").all_inner_texts()[0] == KEY_TEXT   # the form's order, as written
    page.locator('input[name="choice"]').first.check()
    page.click("#check")
    page.click("#next")
    expect(page.locator("#item-id")).to_have_text("Item eth-001")
    assert page.locator("label .option-text").all_inner_texts() == [   # the form's order
        "Eligibility for a medication referral", "Early childhood attachment patterns", WRONG_TEXT, KEY_TEXT]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    root = tmp_path_factory.mktemp("big")
    generate.generate(root / "bank", 10_000, defects=0.0, seed=3)
    api.build_site(root / "bank", root / "site")
    return root / "site"


def test_search_answers_quickly_on_10000_items(browser, big_site):
    """The one timing the issue asks to measure in the browser: performance.now() around the
    search handler, on a generated 10,000-item bank (printed; the bound asserted is generous)."""
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, big_site)
    page.goto(url(big_site, "index.html"))
    expect(page.locator("#count")).to_have_text("10000 of 10000 items (first 200 shown)")
    timings = []
    for query in ("client", "social worker", "assessment plan", "zzzz-no-match", "first"):
        page.fill("#f-q", query)
        timings.append(page.evaluate("window.QB_LAST_SEARCH_MS"))
    context.close()
    watch.clean()
    print(f"\nsearch on 10,000 items: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms "
          f"({', '.join(f'{t:.1f}' for t in timings)})")
    assert max(timings) < 100 * 3   # the target is 100 ms; three times that on a loaded shared machine
