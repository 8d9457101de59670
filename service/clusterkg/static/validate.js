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
  },
  ja: {
    conforms: "エントリは適合しています。",
    fails: "エントリは適合していません。",
    counts: (v, w) => `違反 ${v} 件、警告 ${w} 件`,
    focus: "対象ノード", path: "パス", value: "値", shape: "シェイプ",
    Violation: "違反", Warning: "警告", Info: "情報",
    validating: "検証中…", empty: "エントリを貼り付けるかファイルを選んでください。",
    at: (line, column) => `${line} 行 ${column} 列`,
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

function details(result, t) {
  const rows = [["focus", result.focusNode], ["path", result.resultPath], ["value", result.value], ["shape", result.sourceShape]];
  const list = element("dl");
  rows.filter(([, value]) => value).forEach(([name, value]) => list.append(element("dt", {}, t[name]), element("dd", {}, value)));
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

$("entry-form").addEventListener("submit", validate);
$("file").addEventListener("change", readFile);
$("entry").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) validate(event);
});
if ((navigator.language || "").startsWith("ja")) $("lang").value = "ja";
