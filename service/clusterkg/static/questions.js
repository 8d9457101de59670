"use strict";
// The questions page: pick a canned query from GET /queries, fill its parameters (a form built from
// the catalogue, enums as selects), run GET /queries/NAME, show the table and, if the query's header
// declares one, a chart (Chart.js, served from this site's /static/vendor, installed from npm).
(function () {
  const $ = (id) => document.getElementById(id);
  const picker = $("question"), form = $("parameters"), description = $("description"), status = $("status");
  const table = $("results"), errorBox = $("error"), more = $("more"), next = $("next");
  const chartBox = $("chart-box"), canvas = $("chart"), apiLink = $("api-link"), sparqlLink = $("sparql-link");
  let catalogue = [];
  let chart = null;

  const current = () => catalogue.find((q) => q.name === picker.value);

  function field(name, spec) {
    const id = "param-" + name;
    const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: name + (spec.required ? " *" : "") });
    let input;
    if (spec.enum) {
      input = document.createElement("select");
      if (!spec.required && spec.default === undefined) input.appendChild(new Option("(any)", ""));
      for (const value of spec.enum) input.appendChild(new Option(value, value));
      if (spec.default !== undefined) input.value = String(spec.default);
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.value = spec.default !== undefined ? String(spec.default) : "";
      input.placeholder = spec.example !== undefined ? String(spec.example) : spec.type;
      input.size = 70;
    }
    Object.assign(input, { id, name });
    const help = Object.assign(document.createElement("span"), { className: "help", textContent: spec.description || "" });
    form.append(label, input, help);
  }

  function showQuestion(values) {
    const query = current();
    form.replaceChildren();
    if (!query) return;
    description.textContent = query.description;
    for (const [name, spec] of Object.entries(query.parameters)) field(name, spec);
    for (const [name, value] of Object.entries(values || {})) if (form.elements[name]) form.elements[name].value = value;
    sparqlLink.href = `/queries/${query.name}/sparql`;
    updateLink();
  }

  function parameters() {
    const params = new URLSearchParams();
    for (const element of form.elements) if (element.name && element.value !== "") params.set(element.name, element.value);
    return params;
  }

  function updateLink() {
    const query = current();
    if (!query) return;
    const params = parameters().toString();
    apiLink.href = `/queries/${query.name}${params ? "?" + params : ""}`;
    history.replaceState(null, "", `#${query.name}${params ? "?" + params : ""}`);
  }

  function renderTable(data) {
    const head = table.tHead, body = table.tBodies[0];
    head.replaceChildren(); body.replaceChildren();
    const headRow = head.insertRow();
    for (const v of data.head.vars) headRow.appendChild(Object.assign(document.createElement("th"), { textContent: v }));
    const fragment = document.createDocumentFragment();
    for (const binding of data.results.bindings) {
      const tr = document.createElement("tr");
      for (const v of data.head.vars) {
        const td = document.createElement("td"), term = binding[v];
        if (term && term.type === "uri") {
          td.appendChild(Object.assign(document.createElement("a"), { href: term.value, textContent: term.value }));
        } else if (term) {
          td.textContent = term.value;
        }
        tr.appendChild(td);
      }
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    table.hidden = false;
  }

  // Rows become Chart.js data: x values in order of appearance, one dataset per series (or per y
  // column), values with the same x and series added up (so "1 AS ?n" counts).
  function chartData(spec, data) {
    const value = (binding, v) => (binding[v] ? binding[v].value : "");
    const ys = Array.isArray(spec.y) ? spec.y : [spec.y];
    const labels = [], sums = new Map();
    for (const binding of data.results.bindings) {
      const x = value(binding, spec.x) || "—";
      if (!labels.includes(x)) labels.push(x);
      for (const y of ys) {
        const number = Number(value(binding, y));
        if (value(binding, y) === "" || Number.isNaN(number)) continue;
        const series = spec.series ? value(binding, spec.series) || "—" : y;
        if (!sums.has(series)) sums.set(series, new Map());
        const column = sums.get(series);
        column.set(x, (column.get(x) || 0) + number);
      }
    }
    const datasets = [...sums.entries()].map(([series, column]) => ({
      label: series,
      data: labels.map((x) => (column.has(x) ? column.get(x) : null)),
      spanGaps: true,
    }));
    return { labels, datasets };
  }

  function drawChart(query, data) {
    if (chart) { chart.destroy(); chart = null; window.questionsChart = null; }
    const spec = query.chart;
    chartBox.hidden = !spec || typeof Chart === "undefined" || data.results.bindings.length === 0;
    if (chartBox.hidden) return;
    const round = spec.type === "pie" || spec.type === "doughnut";
    const scales = round ? {} : {
      x: { stacked: !!spec.stacked },
      y: { stacked: !!spec.stacked, type: spec.scale === "logarithmic" ? "logarithmic" : "linear", beginAtZero: spec.scale !== "logarithmic" },
    };
    chart = new Chart(canvas, {
      type: spec.type,
      data: chartData(spec, data),
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, scales,
        plugins: { title: { display: !!spec.title, text: spec.title || "" }, legend: { display: true } },
      },
    });
    window.questionsChart = chart;  // for tests and the console
  }

  async function ask(url) {
    const query = current();
    if (!query) return;
    $("ask").disabled = true;
    status.textContent = "Running…";
    errorBox.hidden = true; more.hidden = true;
    const started = performance.now();
    try {
      const response = await fetch(url || apiLink.href, { headers: { Accept: "application/sparql-results+json" } });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ error: response.status, message: response.statusText }));
        errorBox.textContent = `${problem.error}: ${problem.message}`;
        errorBox.hidden = false; table.hidden = true; chartBox.hidden = true;
        status.textContent = `Error ${response.status} after ${seconds} s`;
        return;
      }
      const data = await response.json();
      renderTable(data);
      drawChart(query, data);
      const link = response.headers.get("Link") || "";
      const following = /<([^>]+)>;\s*rel="next"/.exec(link);
      if (following) { next.href = following[1]; more.hidden = false; }
      const rows = data.results.bindings.length;
      status.textContent = `${rows} row${rows === 1 ? "" : "s"} in ${seconds} s`;
    } catch (error) {
      errorBox.textContent = String(error); errorBox.hidden = false;
      status.textContent = "Failed";
    } finally {
      $("ask").disabled = false;
    }
  }

  async function load() {
    const response = await fetch("/queries");
    catalogue = (await response.json()).queries;
    picker.replaceChildren(...catalogue.map((q) => new Option(`${q.summary} (${q.name})`, q.name)));
    const [name, query] = decodeURIComponent(location.hash.slice(1)).split("?");
    if (catalogue.some((q) => q.name === name)) picker.value = name;
    showQuestion(Object.fromEntries(new URLSearchParams(query || "")));
  }

  picker.addEventListener("change", () => showQuestion());
  form.addEventListener("input", updateLink);
  form.addEventListener("change", updateLink);
  form.addEventListener("submit", (event) => { event.preventDefault(); ask(); });
  $("ask").addEventListener("click", () => ask());
  next.addEventListener("click", (event) => { event.preventDefault(); ask(next.href); });
  load().catch((error) => { status.textContent = "Could not load the questions: " + error; });
})();
