"use strict";
// The query page: pick an example, edit, run against /sparql, show a table (or the RDF text of a graph).
(function () {
  const $ = (id) => document.getElementById(id);
  const query = $("query"), run = $("run"), status = $("status"), examples = $("examples");
  const table = $("results"), graph = $("graph"), errorBox = $("error");
  let exampleList = [];

  function show(element) { for (const e of [table, graph, errorBox]) e.hidden = e !== element; }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value; a.textContent = term.value; a.rel = "noopener"; td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else if (term.type === "triple") {
      td.textContent = "<< " + JSON.stringify(term.value) + " >>";
    } else {
      td.appendChild(document.createTextNode(term.value));
      const note = term["xml:lang"] ? ["lang", "@" + term["xml:lang"]] : term.datatype ? ["datatype", term.datatype.replace("http://www.w3.org/2001/XMLSchema#", "xsd:")] : null;
      if (note) { const s = document.createElement("span"); s.className = note[0]; s.textContent = note[1]; td.appendChild(s); }
    }
    return td;
  }

  function renderResults(data) {
    const head = table.tHead, body = table.tBodies[0];
    head.replaceChildren(); body.replaceChildren();
    const headRow = head.insertRow();
    if ("boolean" in data) {
      headRow.appendChild(Object.assign(document.createElement("th"), { textContent: "result" }));
      body.insertRow().appendChild(Object.assign(document.createElement("td"), { textContent: String(data.boolean) }));
      show(table);
      return 1;
    }
    const vars = data.head.vars;
    for (const v of vars) headRow.appendChild(Object.assign(document.createElement("th"), { textContent: v }));
    const fragment = document.createDocumentFragment();
    for (const binding of data.results.bindings) {
      const tr = document.createElement("tr");
      for (const v of vars) tr.appendChild(cell(binding[v]));
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    show(table);
    return data.results.bindings.length;
  }

  async function execute() {
    run.disabled = true;
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
        body: new URLSearchParams({ query: query.value }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ error: response.status, message: response.statusText }));
        const where = problem.line ? ` (line ${problem.line}, column ${problem.column})` : "";
        errorBox.textContent = `${problem.error}: ${problem.message}${where}`;
        show(errorBox);
        status.textContent = `Error ${response.status} after ${seconds} s`;
        return;
      }
      const truncated = response.headers.get("X-ClusterKG-Truncated") === "true" ? " — truncated at the row limit" : "";
      if (type.startsWith("application/sparql-results+json")) {
        const rows = renderResults(await response.json());
        status.textContent = `${rows} row${rows === 1 ? "" : "s"} in ${seconds} s${truncated}`;
      } else {
        graph.textContent = await response.text();
        show(graph);
        status.textContent = `${response.headers.get("X-ClusterKG-Result-Count") || "?"} triples in ${seconds} s${truncated}`;
      }
    } catch (e) {
      errorBox.textContent = String(e);
      show(errorBox);
      status.textContent = "The request failed";
    } finally {
      run.disabled = false;
    }
  }

  async function loadExamples() {
    try {
      exampleList = await (await fetch("/examples")).json();
    } catch (e) {
      exampleList = [];
    }
    examples.replaceChildren(new Option("Choose an example query…", ""));
    const groups = new Map();
    for (const [i, ex] of exampleList.entries()) {
      if (!groups.has(ex.group)) {
        const optgroup = document.createElement("optgroup");
        optgroup.label = ex.group;
        groups.set(ex.group, optgroup);
        examples.appendChild(optgroup);
      }
      groups.get(ex.group).appendChild(new Option(ex.title, String(i)));
    }
  }

  examples.addEventListener("change", () => {
    const ex = exampleList[Number(examples.value)];
    if (examples.value !== "" && ex) query.value = ex.query;
  });
  run.addEventListener("click", execute);
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); execute(); }
  });
  loadExamples();
})();
