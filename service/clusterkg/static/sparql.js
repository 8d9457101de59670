"use strict";
// The query page: YASGUI (from npm, served from /static/vendor) on this service's /sparql. Everything it asks
// for comes from this service: prefixes known in advance, term completion from /completions, results whose
// IRIs of ours link to their pages, the query in the address, a history in this browser, a chart view.
(function () {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const served = new RegExp(config.served);
  const { Yasqe, Yasr } = Yasgui;
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const $ = (id) => document.getElementById(id);
  const HISTORY_KEY = "clusterkg.history";
  const HISTORY_SIZE = 30;
  const DEFAULT_QUERY = "PREFIX ckg: <https://w3id.org/clusterkg/ont#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
    + "SELECT ?cluster ?label WHERE {\n  ?cluster a ckg:Cluster ;\n    rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 20";

  /** The page of this service that serves an IRI, or null for an IRI minted elsewhere. */
  function pageOf(iri) {
    const match = served.exec(iri);
    return match ? "/" + match[1] : null;
  }

  // --- completion: prefixes known in advance, terms from our own store ------------------------------------

  const termLabels = new Map(); // IRI -> "English / 日本語"
  const hintIris = new Map(); // text put in the editor -> IRI

  function labelText(item) {
    const { en, ja } = item.label || {};
    return [en, ja].filter(Boolean).join(" / ");
  }

  function fetchTerms(kind) {
    return (yasqe, token) => {
      const typed = (token && (token.autocompletionString || token.string) || "").trim();
      if (!typed) return Promise.resolve([]);
      const params = new URLSearchParams({ prefix: typed });
      if (kind) params.set("kind", kind);
      return fetch(`${config.completions}?${params}`, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : []))
        .then((items) => items.map((item) => { termLabels.set(item.iri, labelText(item)); return item.iri; }))
        .catch(() => []);
    };
  }

  function rememberHint(base) {
    return (yasqe, token, suggestion) => {
      const text = base.postProcessSuggestion(yasqe, token, suggestion);
      hintIris.set(text, suggestion);
      return text;
    };
  }

  function withLabels(yasqe, hints) {
    return hints.map((hint) => {
      const label = termLabels.get(hintIris.get(hint.text));
      return label ? { ...hint, displayText: `${hint.text}  —  ${label}` } : hint;
    });
  }

  /** In subject or object position (not a variable, not where a class or a property goes): any of our terms. */
  function anyTermPosition(yasqe) {
    const token = yasqe.getCompleteToken();
    const text = token.string || "";
    if (!text || text[0] === "?" || text[0] === "$") return false;
    return text.includes(":") || text[0] === "<";
  }

  function registerCompleters() {
    const known = Object.entries(config.prefixes).map(([prefix, namespace]) => `${prefix}: <${namespace}>`).sort();
    Yasqe.forkAutocompleter("prefixes", { name: "knownPrefixes", get: () => Promise.resolve(known), persistenceId: null }, false);
    const term = (from, name, kind, extra) => Yasqe.forkAutocompleter(from, {
      name, get: fetchTerms(kind), postProcessSuggestion: rememberHint(Yasqe.Autocompleters[from]), postprocessHints: withLabels, ...extra,
    }, false);
    term("class", "ourClasses", "class");
    term("property", "ourProperties", "property");
    term("class", "ourTerms", null, { isValidCompletionPosition: anyTermPosition });
    // The defaults ask prefix.cc and Linked Open Vocabularies: replaced, so no request leaves this service.
    Yasqe.defaults.autocompleters.splice(0, Yasqe.defaults.autocompleters.length,
      "variables", "knownPrefixes", "ourClasses", "ourProperties", "ourTerms");
  }

  // --- results: our IRIs link to their pages; a chart for numeric answers ----------------------------------

  const BaseTable = Yasr.plugins.table;
  class LinkedTable extends BaseTable {
    getUriLinkFromBinding(binding, prefixes) {
      const html = super.getUriLinkFromBinding(binding, prefixes);
      const page = pageOf(binding.value);
      if (!page) return html;
      return html.replace(/href=(["'])[^"']*\1/, `href="${page}"`).replace(/target=(["'])_blank\1/, 'target="_self"');
    }
  }

  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedInt|unsignedLong)$/;
  const isNumber = (term) => term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.test(term.datatype || "");

  function curie(iri, prefixes) {
    for (const [prefix, namespace] of Object.entries(prefixes)) {
      if (iri.startsWith(namespace)) return `${prefix}:${iri.slice(namespace.length)}`;
    }
    return iri;
  }

  /** The numeric columns of a SELECT answer and the column naming each row (the first other one). */
  function chartColumns(results) {
    const bindings = (results && results.getBindings && results.getBindings()) || [];
    const variables = (results && results.getVariables && results.getVariables()) || [];
    const numeric = variables.filter((v) => bindings.some((b) => b[v]) && bindings.every((b) => !b[v] || isNumber(b[v])));
    return { bindings, numeric, label: variables.find((v) => !numeric.includes(v)) };
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Chart";
    }
    canHandleResults() {
      return chartColumns(this.yasr.results).numeric.length > 0;
    }
    getIcon() {
      const icon = document.createElement("span");
      icon.className = "chart-icon";
      icon.textContent = "▮▮";
      return icon;
    }
    draw() {
      const { bindings, numeric, label } = chartColumns(this.yasr.results);
      const box = document.createElement("div");
      box.className = "chart-box";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Chart of the answer");
      box.appendChild(canvas);
      this.yasr.resultsEl.appendChild(box);
      const name = (b, i) => (label && b[label] ? (b[label].type === "uri" ? curie(b[label].value, config.prefixes) : b[label].value) : String(i + 1));
      this.chart = new Chart(canvas, {
        type: "bar",
        data: {
          labels: bindings.map(name),
          datasets: numeric.map((v) => ({ label: v, data: bindings.map((b) => (b[v] ? Number(b[v].value) : null)) })),
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false },
      });
      window.sparqlChart = this.chart;
    }
    download() {
      const chart = this.chart;
      return chart && { getData: () => chart.toBase64Image(), filename: "chart.png", contentType: "image/png", title: "Download the chart (PNG)" };
    }
    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = undefined;
    }
  }

  function registerPlugins() {
    Yasr.registerPlugin("table", LinkedTable);
    Yasr.registerPlugin("chart", ChartPlugin);
    Yasr.defaults.pluginOrder = ["table", "chart", "response"];
    Yasr.defaults.prefixes = config.prefixes;
    BaseTable.defaults.openIriInNewWindow = false;
  }

  // --- the address carries the query; history; examples ----------------------------------------------------

  function showQueryInAddress(query) {
    const url = new URL(window.location.href);
    url.hash = "";
    url.search = new URLSearchParams({ query }).toString();
    window.history.replaceState(null, "", url);
  }

  function readHistory() {
    try {
      return JSON.parse(window.localStorage.getItem(HISTORY_KEY)) || [];
    } catch (e) {
      return [];
    }
  }

  function remember(query) {
    const entries = [{ query, at: new Date().toISOString() }, ...readHistory().filter((e) => e.query !== query)];
    window.localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_SIZE)));
    drawHistory();
  }

  function drawHistory() {
    const select = $("history");
    select.replaceChildren(new Option("Queries run in this browser…", ""));
    for (const [i, entry] of readHistory().entries()) {
      const firstLine = entry.query.split("\n").find((line) => line.trim() && !/^\s*PREFIX/i.test(line)) || entry.query;
      select.appendChild(new Option(`${entry.at.slice(0, 16).replace("T", " ")}  ${firstLine.trim().slice(0, 80)}`, String(i)));
    }
  }

  async function loadExamples() {
    const select = $("examples");
    let examples = [];
    try {
      examples = await (await fetch("/examples")).json();
    } catch (e) {
      examples = [];
    }
    select.replaceChildren(new Option("Choose an example or canned query…", ""));
    const groups = new Map();
    for (const [i, example] of examples.entries()) {
      if (!groups.has(example.group)) {
        const group = Object.assign(document.createElement("optgroup"), { label: example.group });
        groups.set(example.group, group);
        select.appendChild(group);
      }
      groups.get(example.group).appendChild(new Option(example.title, String(i)));
    }
    return examples;
  }

  // --- the editor -------------------------------------------------------------------------------------------

  function keepOnThisEndpoint(yasgui) {
    for (const id of yasgui.persistentConfig.getTabs()) {
      const tab = yasgui.getTab(id);
      if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
    }
  }

  function start() {
    registerCompleters();
    registerPlugins();
    const yasgui = new Yasgui($("yasgui"), {
      requestConfig: { endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
      yasqe: { value: DEFAULT_QUERY },
      yasr: { prefixes: config.prefixes },
    });
    window.yasgui = yasgui;
    keepOnThisEndpoint(yasgui);
    yasgui.on("tabAdd", () => keepOnThisEndpoint(yasgui));
    yasgui.on("tabSelect", (y, id) => window.setTimeout(() => follow(yasgui.getTab(id)), 0));
    yasgui.on("query", (y, tab) => remember(tab.getQuery()));
    follow(yasgui.getTab());
    wireTools(yasgui);
  }

  /** Keep the address on the tab's query as it is edited (a reload or a shared link restores it). */
  function follow(tab) {
    const yasqe = tab && tab.getYasqe();
    if (!yasqe) return;
    if (!yasqe.followedByAddress) {
      yasqe.on("change", () => showQueryInAddress(yasqe.getValue()));
      yasqe.followedByAddress = true;
    }
    showQueryInAddress(yasqe.getValue());
  }

  function wireTools(yasgui) {
    const current = () => yasgui.getTab();
    loadExamples().then((examples) => {
      $("examples").addEventListener("change", (event) => {
        const example = examples[Number(event.target.value)];
        if (event.target.value !== "" && example) current().setQuery(example.query);
      });
    });
    drawHistory();
    $("history").addEventListener("change", (event) => {
      const entry = readHistory()[Number(event.target.value)];
      if (event.target.value !== "" && entry) current().setQuery(entry.query);
    });
    $("share").addEventListener("click", () => {
      showQueryInAddress(current().getQuery());
      const link = window.location.href;
      const copied = navigator.clipboard ? navigator.clipboard.writeText(link) : Promise.reject(new Error("no clipboard"));
      copied.then(() => { $("status").textContent = "Link copied: the address carries the query."; },
        () => { $("status").textContent = "The address carries the query: copy it from the address bar."; });
    });
  }

  start();
})();
