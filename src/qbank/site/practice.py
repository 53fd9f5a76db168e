"""The practice page (practice.html): assets/practice.js picks items from data/index.js by
filter or takes a form, then loads each item's data/items/<id>.js as it is needed."""

from __future__ import annotations

from .index import DIFFICULTIES, STATUSES, select
from .inputs import Form
from .layout import esc, page


def forms_data(forms: list[Form]) -> list[dict]:
    return [{"name": f.name, "items": [{"id": i.id, "order": list(i.order) if i.order else None} for i in f.items]}
            for f in forms]


def practice_page(topics: list[str], tags: list[str], forms: list[Form], bank: str) -> str:
    form_choice = ""
    if forms:
        form_choice = ('<div class="field"><label for="p-form">Form</label><select id="p-form" name="form">'
                       '<option value="">none: choose by filter</option>'
                       + "".join(f'<option value="{n}">{esc(f.name)} ({len(f.items)} items)</option>'
                                 for n, f in enumerate(forms)) + "</select></div>")
    setup = ('<section id="setup" aria-labelledby="setup-h"><h2 id="setup-h">New session</h2>'
             '<form id="setup-form" class="filters">' + form_choice
             + select("topic", "Topic", topics, prefix="p") + select("tag", "Tag", tags, prefix="p")
             + select("difficulty", "Difficulty", DIFFICULTIES, prefix="p")
             + select("status", "Status", STATUSES, prefix="p")
             + '<div class="field"><label for="p-count">Number of items</label>'
               '<input id="p-count" name="count" type="number" min="1" value="10"></div>'
               '<div class="field"><label for="p-minutes">Time limit in minutes (empty: untimed)</label>'
               '<input id="p-minutes" name="minutes" type="number" min="1"></div>'
               '<div class="field"><button type="submit" id="start">Start</button></div></form>'
               '<p id="setup-msg" role="status" aria-live="polite"></p></section>')
    resume = ('<section id="resume" aria-labelledby="resume-h" hidden><h2 id="resume-h">Session in progress</h2>'
              '<p id="resume-msg"></p><p><button type="button" id="resume-go">Resume</button> '
              '<button type="button" id="resume-drop">Discard and start a new one</button></p></section>')
    quiz = ('<section id="quiz" aria-labelledby="quiz-h" hidden><h2 id="quiz-h" tabindex="-1"></h2>'
            '<p id="item-id" class="item-id"></p><p id="timer" role="timer" hidden></p>'
            '<form id="answer-form"><fieldset aria-describedby="q-stem"><legend id="q-legend"></legend>'
            '<div id="q-stem" class="stem"></div><div id="q-options" class="choices"></div></fieldset>'
            '<p><button type="submit" id="check">Check answer</button></p></form>'
            '<div id="feedback" class="feedback" aria-live="polite"></div>'
            '<p><button type="button" id="next" hidden>Next question</button></p></section>')
    summary = ('<section id="summary" aria-labelledby="summary-h" hidden><h2 id="summary-h" tabindex="-1">Score</h2>'
               '<p id="score"></p><table id="by-topic"><caption>Score by topic</caption><thead><tr>'
               '<th scope="col">Topic</th><th scope="col">Correct</th><th scope="col">Items</th></tr></thead>'
               '<tbody></tbody></table><p><button type="button" id="again">New session</button></p></section>')
    body = (f"<h1>Practice</h1><p>Answer each item, then read why: the rationale of the option you chose and "
            f"the explanation. Progress is kept in this browser.</p>"
            '<noscript><p>Practice needs JavaScript.</p></noscript>' + resume + setup + quiz + summary)
    return page("Practice", body, current="practice.html", bank=bank,
                scripts=["data/index.js", "assets/practice.js"])
