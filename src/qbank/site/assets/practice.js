/* Practice mode: a session of items chosen by filter or from a form, untimed or timed.
   Items load one data file each (data/items/<id>.js calls QB.itemLoaded). The session is kept
   in localStorage after every step, so a reload resumes where it was. Every text from the
   bank is either set as textContent or is HTML the site's Markdown renderer wrote (raw HTML
   off), and the page's CSP runs no inline script. */
(function () {
  "use strict";
  var D = window.QB_INDEX;
  var KEY = "qbank-practice:" + location.pathname;
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var S = null;          // the session
  var loaded = {};
  var waiting = {};      // id -> callbacks waiting for its data file
  var requested = {};    // data files asked for
  var timer = null;
  var byId = {};
  D.items.forEach(function (r) { byId[r[0]] = r; });

  window.QB = {
    itemsLoaded: function (items) {
      items.forEach(function (item) {
        loaded[item.id] = item;
        var done = waiting[item.id] || [];
        delete waiting[item.id];
        done.forEach(function (then) { then(item); });
      });
    }
  };

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function html(tag, fragment, cls) {   // HTML written by the site's renderer, never raw bank text
    var e = el(tag, null, cls);
    e.innerHTML = fragment;
    return e;
  }
  function inline(fragment) {           // a one-paragraph fragment without its <p>, for a label
    var m = /^<p>([\s\S]*)<\/p>$/.exec(fragment);
    return m && m[1].indexOf("<p>") < 0 ? m[1] : fragment;
  }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(S)); } catch (e) { /* private mode */ } }
  function read() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "null");
      return s && s.v === 1 && Array.isArray(s.ids) ? s : null;
    } catch (e) { return null; }
  }
  function show(name) {
    ["setup", "resume", "quiz", "summary"].forEach(function (n) { $(n).hidden = n !== name; });
  }
  function topicOf(id) { var r = byId[id]; return r && r[1] >= 0 ? D.topics[r[1]] : "(no topic)"; }

  function load(id, then) {             // the item's practice data file, once
    if (loaded[id]) { then(loaded[id]); return; }
    if (!byId[id]) { $("feedback").textContent = "Item " + id + " is not in this site."; return; }
    var file = byId[id][10], first = !requested[file];
    (waiting[id] = waiting[id] || []).push(then);
    if (!first) return;
    requested[file] = true;
    var s = document.createElement("script");
    s.src = "data/items/" + file + ".js";
    s.onerror = function () { $("feedback").textContent = "Item " + id + " could not be loaded."; };
    document.head.appendChild(s);
  }

  function shuffled(item) {
    var n = item.options.length, order = [], i;
    for (i = 0; i < n; i++) order.push(i);
    if (!item.shuffle) return order;
    var free = order.filter(function (k) { return item.fixed.indexOf(k) < 0; });
    for (i = free.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = free[i]; free[i] = free[j]; free[j] = t;
    }
    return order.map(function (k) { return item.fixed.indexOf(k) >= 0 ? k : free.shift(); });
  }

  // --- choosing items ------------------------------------------------------------------
  function pick(form) {
    var topic = form.topic.value, tag = form.tag.value, diff = form.difficulty.value, status = form.status.value;
    var tagNo = tag ? D.tags.indexOf(tag) : null;
    var ids = D.items.filter(function (r) {
      return (!topic || (r[1] >= 0 && D.topics[r[1]] === topic)) && (tagNo === null || r[8].indexOf(tagNo) >= 0)
        && (!diff || r[2] === diff) && (status ? r[3] === status : r[3] !== "retired");
    }).map(function (r) { return r[0]; });
    for (var i = ids.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = ids[i]; ids[i] = ids[j]; ids[j] = t;
    }
    var count = parseInt(form.count.value, 10);
    return ids.slice(0, count > 0 ? count : 10);
  }

  function start(e) {
    e.preventDefault();
    var form = e.target, ids, orders = {}, title;
    var chosen = form.form ? form.form.value : "";
    if (chosen !== "") {
      var f = D.forms[parseInt(chosen, 10)];
      ids = f.items.map(function (i) { return i.id; });
      f.items.forEach(function (i, k) { if (i.order) orders[k] = i.order; });
      title = "Form " + f.name;
    } else {
      ids = pick(form);
      title = "Practice";
    }
    if (!ids.length) { $("setup-msg").textContent = "No item matches these filters."; return; }
    var minutes = parseInt(form.minutes.value, 10);
    S = { v: 1, title: title, ids: ids, orders: orders, answers: ids.map(function () { return null; }),
          pos: 0, deadline: minutes > 0 ? Date.now() + minutes * 60000 : null, done: false };
    save();
    run();
  }

  // --- the session ---------------------------------------------------------------------
  function run() {
    show("quiz");
    tick();
    if (S.done) return;                  // the time ran out while the page was closed
    if (S.deadline && !timer) timer = setInterval(tick, 1000);
    question(true);
  }

  function tick() {
    var t = $("timer");
    if (!S || !S.deadline || S.done) { t.hidden = true; return; }
    var left = Math.max(0, S.deadline - Date.now());
    t.hidden = false;
    var m = Math.floor(left / 60000), s = Math.floor(left / 1000) % 60;
    t.textContent = "Time left: " + m + ":" + (s < 10 ? "0" : "") + s;
    if (left <= 0) finish();
  }

  function question(focus) {
    var id = S.ids[S.pos];
    load(id, function (item) {
      if (!S.orders[S.pos]) { S.orders[S.pos] = shuffled(item); save(); }
      var order = S.orders[S.pos];
      $("quiz-h").textContent = S.title + ": question " + (S.pos + 1) + " of " + S.ids.length;
      $("q-legend").textContent = "Choose one answer";
      $("item-id").textContent = "Item " + item.id;
      var stem = $("q-stem");
      stem.innerHTML = item.stem;
      var box = $("q-options");
      box.textContent = "";
      order.forEach(function (orig, j) {
        var row = el("div", null, "choice");
        var input = el("input");
        input.type = "radio"; input.name = "choice"; input.id = "choice-" + j; input.value = String(orig);
        var label = el("label");
        label.htmlFor = input.id;
        label.appendChild(el("span", LETTERS[j] + ". ", "letter"));
        label.appendChild(html("span", inline(item.options[orig].html), "option-text"));
        row.appendChild(input); row.appendChild(label);
        box.appendChild(row);
      });
      $("feedback").textContent = "";
      $("check").hidden = false;
      $("next").hidden = true;
      if (S.answers[S.pos] !== null) feedback(item, false);
      if (focus) $("quiz-h").focus();
    });
  }

  function check(e) {
    e.preventDefault();
    var chosen = document.querySelector('input[name="choice"]:checked');
    if (!chosen) { $("feedback").textContent = "Choose an option first."; return; }
    S.answers[S.pos] = parseInt(chosen.value, 10);
    save();
    feedback(loaded[S.ids[S.pos]], true);
  }

  function feedback(item, focus) {
    var order = S.orders[S.pos], answer = S.answers[S.pos];
    Array.prototype.forEach.call(document.querySelectorAll('input[name="choice"]'), function (input) {
      var orig = parseInt(input.value, 10);
      input.disabled = true;
      input.checked = orig === answer;
      if (orig === item.key) input.parentNode.classList.add("key");
      if (orig === answer) input.parentNode.classList.add("chosen");
    });
    var box = $("feedback");
    box.textContent = "";
    var right = answer === item.key;
    var keyLetter = LETTERS[order.indexOf(item.key)], yours = LETTERS[order.indexOf(answer)];
    box.appendChild(el("p", right ? "Correct: " + keyLetter + " is the answer." :
      "Incorrect: you chose " + yours + "; the answer is " + keyLetter + ".", "verdict " + (right ? "right" : "wrong")));
    box.appendChild(el("h3", "Why " + yours + (right ? " is right" : " is not the best answer")));
    var why = item.options[answer].rationale;
    box.appendChild(why ? html("div", why, "rationale") : el("p", "The item gives no rationale for this option."));
    box.appendChild(el("h3", "Explanation"));
    box.appendChild(html("div", item.explanation, "explanation"));
    $("check").hidden = true;
    var next = $("next");
    next.textContent = S.pos + 1 < S.ids.length ? "Next question" : "See the score";
    next.hidden = false;
    if (focus) next.focus();
  }

  function next() {
    S.pos += 1;
    if (S.pos >= S.ids.length) { finish(); return; }
    save();
    question(true);
  }

  function finish() {
    S.done = true;
    save();
    if (timer) { clearInterval(timer); timer = null; }
    summary();
  }

  function summary() {
    show("summary");
    $("timer").hidden = true;
    var topics = {}, names = [], correct = 0, pending = S.ids.length;
    S.ids.forEach(function (id, k) {
      load(id, function (item) {
        var t = topicOf(id);
        if (!topics[t]) { topics[t] = [0, 0]; names.push(t); }
        topics[t][1] += 1;
        if (S.answers[k] === item.key) { topics[t][0] += 1; correct += 1; }
        pending -= 1;
        if (pending === 0) drawSummary(topics, names.sort(), correct);
      });
    });
  }

  function drawSummary(topics, names, correct) {
    var n = S.ids.length;
    $("score").textContent = "Score: " + correct + " of " + n + " (" + Math.round(100 * correct / n) + "%).";
    var body = $("by-topic").tBodies[0];
    body.textContent = "";
    names.forEach(function (t) {
      var tr = el("tr");
      tr.appendChild(el("td", t)); tr.appendChild(el("td", String(topics[t][0]))); tr.appendChild(el("td", String(topics[t][1])));
      body.appendChild(tr);
    });
    $("summary-h").focus();
  }

  function reset() {
    S = null;
    try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
    show("setup");
    $("setup-msg").textContent = "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("setup-form").addEventListener("submit", start);
    $("answer-form").addEventListener("submit", check);
    $("next").addEventListener("click", next);
    $("again").addEventListener("click", reset);
    $("resume-drop").addEventListener("click", reset);
    $("resume-go").addEventListener("click", run);
    S = read();
    if (S && S.done) { summary(); return; }
    if (S) {
      var answered = S.answers.filter(function (a) { return a !== null; }).length;
      $("resume-msg").textContent = S.title + ": question " + (S.pos + 1) + " of " + S.ids.length + ", " +
        answered + " answered.";
      show("resume");
      $("resume-go").focus();
      return;
    }
    show("setup");
  });
})();
