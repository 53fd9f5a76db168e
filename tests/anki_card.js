// Runs the script of a rendered Anki card on that card, as a reviewer's web view would, and
// prints what the card then shows. Input on stdin (JSON): {"tree": the card's HTML as nested
// [tag, attrs, children...] lists and strings, "now": a list of clock times in ms}. Output: for
// each time, on a fresh copy of the card, the options, the answer and the rationales, each as
// [letter, text].
//
// The DOM is a small stand-in with only the calls the card script may make; a selector it
// does not know fails the run, so the script cannot drift past what is checked here.
"use strict";

class Text {
  constructor(data) { this.data = data; this.parent = null; }
  get textContent() { return this.data; }
}

class Element {
  constructor(tag, attrs) { this.tag = tag; this.attrs = attrs; this.nodes = []; this.parent = null; }
  get children() { return this.nodes.filter((n) => n instanceof Element); }
  getAttribute(name) { return name in this.attrs ? this.attrs[name] : null; }
  hasAttribute(name) { return name in this.attrs; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  appendChild(child) {
    if (child.parent) child.parent.nodes.splice(child.parent.nodes.indexOf(child), 1);
    child.parent = this;
    this.nodes.push(child);
    return child;
  }
  get textContent() { return this.nodes.map((n) => n.textContent).join(""); }
  set textContent(value) { this.nodes = []; this.appendChild(new Text(String(value))); }
  querySelectorAll(selector) {
    if (!/^\.[\w-]+$/.test(selector)) throw new Error(`selector not supported by the test DOM: ${selector}`);
    const name = selector.slice(1), found = [];
    const walk = (el) => {
      for (const child of el.children) {
        if ((child.getAttribute("class") || "").split(/\s+/).includes(name)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }
  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
}

function build(node) {
  if (typeof node === "string") return new Text(node);
  const [tag, attrs, ...children] = node;
  const el = new Element(tag, { ...attrs });  // a copy: every run starts from the card as rendered
  for (const child of children) el.appendChild(build(child));
  return el;
}

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const row = (el) => [el.querySelector(".qb-letter").textContent, el.querySelector(".qb-text").textContent.trim()];

function show(now) {
  const document = build(input.tree);
  document.readyState = "complete";
  document.addEventListener = () => { throw new Error("the card is loaded: the script must run at once"); };
  Date.now = () => now;
  const code = [];
  (function collect(el) {
    for (const child of el.children) {
      if (child.tag === "script") code.push(child.textContent);
      else collect(child);
    }
  })(document);
  new Function("document", code.join("\n"))(document);
  const options = document.querySelector(".qb-options");
  const key = document.querySelector(".qb-key");
  const rationales = document.querySelector(".qb-rationales");
  return {
    scripts: code.length,
    options: options.children.map(row),
    key: key ? row(key) : null,
    rationales: rationales ? rationales.children.map(row) : [],
  };
}

console.log(JSON.stringify(input.now.map(show)));
