// The validation form: posts the entry to /validate and lists the report's results.
"use strict";

const TEXT = {
  en: {
    conforms: "The entry conforms.",
    fails: "The entry does not conform.",
    counts: (v, w) => `${v} violation(s), ${w} warning(s)`,
    focus: "focus node", path: "path", value: "value", shape: "shape",
    Violation: "Violation", Warning: "Warning", Info: "Info",
    validating: "Validating…", empty: "Paste an entry or choose a file first.",
    at: (line, column) => `line ${line}, column ${column}`,
    inEntry: (line) => `line ${line} of the entry`,
  },
  ja: {
    conforms: "エントリは適合しています。",
    fails: "エントリは適合していません。",
    counts: (v, w) => `違反 ${v} 件、警告 ${w} 件`,
    focus: "対象ノード", path: "パス", value: "値", shape: "シェイプ",
    Violation: "違反", Warning: "警告", Info: "情報",
    validating: "検証中…", empty: "エントリを貼り付けるかファイルを選んでください。",
    at: (line, column) => `${line} 行 ${column} 列`,
    inEntry: (line) => `エントリの ${line} 行`,
  },
};
const FORMAT_BY_EXTENSION = {
  ttl: "text/turtle", jsonld: "application/ld+json", json: "application/ld+json",
  nt: "application/n-triples", rdf: "application/rdf+xml", xml: "application/rdf+xml",
};

const $ = (id) => document.getElementById(id);

function text() {
  return TEXT[$("lang").value] || TEXT.en;
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.filter((child) => child !== null && child !== undefined).forEach((child) => node.append(child));
  return node;
}

// --- where a focus node is in the entry ------------------------------------------------------------------

/** The prefixes the entry declares (Turtle @prefix / PREFIX, or a JSON-LD context's string terms). */
function declaredPrefixes(entry) {
  const prefixes = {};
  for (const match of entry.matchAll(/(?:@prefix|PREFIX)\s+([\w-]*):\s*<([^>]*)>/gi)) prefixes[match[1]] = match[2];
  for (const match of entry.matchAll(/"([\w-]+)"\s*:\s*"(https?:\/\/[^"]*[#/])"/g)) prefixes[match[1]] = match[2];
  return prefixes;
}

/** How the entry may write an IRI: in full, or with one of its prefixes. */
function spellings(iri, entry) {
  const forms = [`<${iri}>`, `"${iri}"`];
  for (const [prefix, namespace] of Object.entries(declaredPrefixes(entry))) {
    if (namespace && iri.startsWith(namespace)) forms.push(`${prefix}:${iri.slice(namespace.length)}`);
  }
  return forms;
}

/** Where the entry describes ``iri``: the first line that starts with it (its subject), else its first mention. */
function locate(iri, entry) {
  const ends = (text, at, form) => !/[\w:.-]/.test(text.charAt(at + form.length) || " ") || form.endsWith(">") || form.endsWith('"');
  let first = null;
  for (const form of spellings(iri, entry)) {
    let at = entry.indexOf(form);
    while (at >= 0) {
      if (ends(entry, at, form)) {
        const lineStart = entry.lastIndexOf("\n", at - 1) + 1;
        const found = { start: at, end: at + form.length, line: entry.slice(0, at).split("\n").length };
        if (!entry.slice(lineStart, at).trim() && !form.startsWith('"')) return found;
        if (!first || at < first.start) first = found;
      }
      at = entry.indexOf(form, at + 1);
    }
  }
  return first;
}

function showInEntry(place) {
  const textarea = $("entry");
  textarea.focus();
  textarea.setSelectionRange(place.start, place.end);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  textarea.scrollTop = Math.max(0, (place.line - 3) * lineHeight);
}

function focusLink(iri, t) {
  const place = locate(iri, $("entry").value);
  if (!place) return iri;
  const link = element("a", { href: "#entry", class: "focus-link", "data-line": String(place.line) }, iri, ` (${t.inEntry(place.line)})`);
  link.addEventListener("click", (event) => { event.preventDefault(); showInEntry(place); });
  return link;
}

function details(result, t) {
  const rows = [["focus", result.focusNode], ["path", result.resultPath], ["value", result.value], ["shape", result.sourceShape]];
  const list = element("dl");
  rows.filter(([, value]) => value).forEach(([name, value]) => {
    list.append(element("dt", {}, t[name]), element("dd", {}, name === "focus" ? focusLink(value, t) : value));
  });
  return list;
}

function showReport(report) {
  const t = text();
  const verdict = $("verdict");
  verdict.hidden = false;
  verdict.className = report.conforms ? "conforms" : "fails";
  verdict.textContent = `${report.conforms ? t.conforms : t.fails} (${t.counts(report.violations, report.warnings)})`;
  $("results").replaceChildren(...report.results.map((result) => element(
    "li", { class: result.severity },
    element("span", { class: "severity" }, t[result.severity] || result.severity),
    element("span", { class: "message" }, result.message),
    details(result, t),
  )));
}

function showError(problem) {
  const t = text();
  const said = (problem.message || "").includes(`line ${problem.line}`);
  const where = problem.line && !said ? ` (${t.at(problem.line, problem.column)})` : "";
  $("error").hidden = false;
  $("error").textContent = `${problem.message || problem.error}${where}`;
}

function reset() {
  $("verdict").hidden = true;
  $("results").replaceChildren();
  $("error").hidden = true;
}

async function validate(event) {
  if (event) event.preventDefault();
  reset();
  const entry = $("entry").value;
  if (!entry.trim()) {
    $("status").textContent = text().empty;
    return;
  }
  $("validate").disabled = true;
  $("status").textContent = text().validating;
  try {
    const response = await fetch(`/validate?lang=${encodeURIComponent($("lang").value)}`, {
      method: "POST",
      headers: { "Content-Type": $("format").value, Accept: "application/json" },
      body: entry,
    });
    const body = await response.json();
    if (response.ok) showReport(body); else showError(body);
  } catch (error) {
    showError({ message: String(error) });
  } finally {
    $("validate").disabled = false;
    $("status").textContent = "";
  }
}

function readFile() {
  const file = $("file").files[0];
  if (!file) return;
  const extension = file.name.split(".").pop().toLowerCase();
  if (FORMAT_BY_EXTENSION[extension]) $("format").value = FORMAT_BY_EXTENSION[extension];
  file.text().then((content) => { $("entry").value = content; });
}

// --- the template case and the invalid examples -------------------------------------------------------------

async function loadExample(name, thenValidate) {
  if (!name) return;
  reset();
  const response = await fetch(`/validate/examples/${name}`);
  if (!response.ok) {
    showError(await response.json());
    return;
  }
  $("format").value = "text/turtle";
  $("entry").value = await response.text();
  if (thenValidate) await validate();
}

const template = $("load-template");
if (template) template.addEventListener("click", () => loadExample(template.dataset.name, false));
$("invalid-examples").addEventListener("change", (event) => loadExample(event.target.value, true));
$("entry-form").addEventListener("submit", validate);
$("file").addEventListener("change", readFile);
$("entry").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) validate(event);
});
if ((navigator.language || "").startsWith("ja")) $("lang").value = "ja";
