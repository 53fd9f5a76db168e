/* The index: filters and full-text search over data/index.js (QB_INDEX). A search is a
   substring scan of search texts lower-cased at build time; only the first rows are drawn. */
(function () {
  "use strict";
  var D = window.QB_INDEX;
  var ROWS = D.items;
  var PAGE = 200;
  var shown = PAGE;
  var matches = [];

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function keep(value, field) { return !value || (value === "none" ? field === "" : field === value); }

  function search() {
    var started = performance.now();
    var q = $("f-q").value.trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    var topic = $("f-topic").value, tag = $("f-tag").value;
    var topicNo = topic ? D.topics.indexOf(topic) : null;
    var tagNo = tag ? D.tags.indexOf(tag) : null;
    var diff = $("f-difficulty").value, status = $("f-status").value, sev = $("f-severity").value;
    var out = [];
    rows: for (var i = 0; i < ROWS.length; i++) {
      var r = ROWS[i];
      if (topicNo !== null && r[1] !== topicNo) continue;
      if (tagNo !== null && r[8].indexOf(tagNo) < 0) continue;
      if (!keep(diff, r[2]) || !keep(status, r[3]) || !keep(sev, r[5])) continue;
      for (var k = 0; k < terms.length; k++) {
        if (r[9].indexOf(terms[k]) < 0) continue rows;
      }
      out.push(i);
    }
    matches = out;
    shown = PAGE;
    draw();
    window.QB_LAST_SEARCH_MS = performance.now() - started;
  }

  function row(r) {
    var tr = document.createElement("tr");
    var id = el("td"); var a = el("a", r[0]); a.href = "items/" + r[11] + "#" + encodeURIComponent(r[0]);
    id.appendChild(a); tr.appendChild(id);
    tr.appendChild(el("td", r[1] >= 0 ? D.topics[r[1]] : ""));
    tr.appendChild(el("td", r[2]));
    tr.appendChild(el("td", r[3]));
    tr.appendChild(el("td", r[4]));
    var w = el("td");
    if (r[5]) {
      w.appendChild(el("span", r[5], "sev sev-" + r[5]));
      w.appendChild(document.createTextNode(" "));
      var rule = el("a", r[6]); rule.href = "rules/" + encodeURIComponent(r[6]) + ".html";
      w.appendChild(rule);
      w.appendChild(document.createTextNode(" " + r[7]));
    }
    tr.appendChild(w);
    return tr;
  }

  function draw() {
    var frag = document.createDocumentFragment();
    var n = Math.min(shown, matches.length);
    for (var i = 0; i < n; i++) frag.appendChild(row(ROWS[matches[i]]));
    var body = $("items").tBodies[0];
    body.textContent = "";
    body.appendChild(frag);
    $("count").textContent = matches.length + " of " + ROWS.length + " items" +
      (matches.length > n ? " (first " + n + " shown)" : "");
    $("more").hidden = matches.length <= n;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = $("filters");
    form.addEventListener("input", search);
    form.addEventListener("submit", function (e) { e.preventDefault(); search(); });
    $("more").addEventListener("click", function () { shown += PAGE * 5; draw(); });
    search();
  });
})();
