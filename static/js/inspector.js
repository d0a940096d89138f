// mirrorprop: selecting what to explain, and the explaining panels (Inspect, Code, Matrices, Check).
// A panel is fetched from the server only while its tab is open, after every move or played phase,
// so stepping itself stays as cheap as before. The notation switch re-renders the page's fragments
// at the same state. Listens to app.js's events; needs nothing from it but the #state form.
"use strict";

(() => {
  const PANELS = { "panel-inspect": "inspector", "panel-code": "code", "panel-matrices": "matrices", "panel-check": "gradcheck" };
  let selected = "";
  let loaded = {};  // panel -> the key of what it shows
  let pending = null;

  const byId = (id) => document.getElementById(id);

  function stateParams() {
    const form = byId("state");
    return form ? new URLSearchParams(new FormData(form)) : new URLSearchParams();
  }

  // --- selection -------------------------------------------------------------------------

  function markSelected() {
    document.querySelectorAll("#network .selected").forEach((el) => el.classList.remove("selected"));
    const element = selected && selected !== "phase" ? byId(selected) : null;
    if (element) element.classList.add("selected");
    const phase = byId("phase");
    if (phase) phase.classList.toggle("selected", selected === "phase");
  }

  // a selection opens the inspector from the Sample or Check tab; the other explaining tabs show it
  // themselves, and the learning panels (an edge picked for editing, say) keep their own use of a click
  function openPanel() {
    const open = document.querySelector(".side [role=tab][aria-selected=true]");
    const panel = open ? open.getAttribute("aria-controls") : "panel-sample";
    if (panel === "panel-sample" || panel === "panel-check") byId("tab-inspect")?.click();
  }

  function select(id, { open = true } = {}) {
    selected = id || "";
    markSelected();
    if (selected && open) openPanel();
    refresh();
  }

  function selectable(target) {
    if (!(target instanceof Element)) return null;
    return target.closest("#network [data-key], #network line.edge");
  }

  document.addEventListener("click", (event) => {
    const chip = event.target instanceof Element && event.target.closest("[data-select]");
    if (chip) {
      select(chip.dataset.select);
      const element = chip.dataset.select ? byId(chip.dataset.select) : null;
      if (element && element.getAttribute("tabindex") === "0") element.focus({ preventScroll: true });
      return;
    }
    const element = selectable(event.target);
    if (element) select(element.id);
    else if (event.target instanceof Element && event.target.closest("#phase .phase-text, #phase .mirror-text")) select("phase");
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, select, textarea, [contenteditable], dialog[open]")) return;
    const element = selectable(event.target);
    if (event.key === "Enter" && element) {
      select(element.id);
      event.preventDefault();
    } else if ((event.key === "i" || event.key === "I") && !event.shiftKey) {
      select("phase");
      byId("tab-inspect")?.click();
      event.preventDefault();
    } else if (event.key === "Escape" && selected && !document.querySelector("dialog[open]")) {
      select("");
    }
  });

  // --- the panels --------------------------------------------------------------------------

  function openPanelName() {
    const panel = Object.keys(PANELS).find((id) => byId(id) && !byId(id).hidden);
    return panel ? PANELS[panel] : null;
  }

  function keyFor(panel, params) {
    const where = panel === "gradcheck" ? [params.get("step")] : [params.get("step"), params.get("phase"), selected];
    const config = new URLSearchParams(params);
    ["step", "phase", "speed", "view", "presenter", "tab", "panel"].forEach((k) => config.delete(k));
    return [panel, ...where, config.toString()].join("|");
  }

  async function refresh() {
    const panel = openPanelName();
    if (!panel) return;
    const params = stateParams();
    const key = keyFor(panel, params);
    if (loaded[panel] === key) return;
    if (pending) pending.abort();
    const controller = new AbortController();
    pending = controller;
    params.set("sel", selected);
    const body = byId(panel + "-body");
    if (body) body.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`/ui/explain/${panel}?${params}`, { signal: controller.signal });
      if (!response.ok) throw new Error(`${panel}: HTTP ${response.status}`);
      const html = await response.text();
      const target = byId(panel + "-body");
      if (!target || controller.signal.aborted) return;
      target.outerHTML = html;
      loaded[panel] = key;
      if (panel === "code") scrollCode();
      document.dispatchEvent(new CustomEvent("mirrorprop:explained", { detail: { panel, selection: selected } }));
    } catch (error) {
      if (error.name !== "AbortError") {
        const target = byId(panel + "-body");
        if (target) target.removeAttribute("aria-busy");
        console.warn(error);
      }
    } finally {
      if (pending === controller) pending = null;
    }
  }

  let lastScrolled = "";

  function scrollCode() {
    const body = byId("code-body");
    const pane = body && body.closest(".tab-panel");
    if (!pane) return;
    const line = body.querySelector(".ln.selected") || body.querySelector(".ln.lit");
    const mark = line ? line.dataset.line + "|" + (body.querySelector(".ln.selected") ? selected : "") : "";
    if (!line || mark === lastScrolled) return;
    lastScrolled = mark;
    const top = line.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    pane.scrollTo({ top: Math.max(top - pane.clientHeight / 3, 0), behavior: "smooth" });
  }

  const WIDE = ["panel-data"]; // the data table needs the room too

  function afterSwap() {
    markSelected();
    refresh();
  }

  document.addEventListener("htmx:after:swap", afterSwap);
  document.addEventListener("htmx:sse:after:message", afterSwap);
  // an explaining tab widens the side column; its content is fetched as it opens
  document.addEventListener("mirrorprop:tab", (event) => {
    const panel = byId(event.detail.tab)?.getAttribute("aria-controls");
    document.body.classList.toggle("side-wide", Boolean(PANELS[panel]) || WIDE.includes(panel));
    refresh();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => refresh());
  else refresh();

  // --- the notation switch ------------------------------------------------------------------

  function setNotation(key) {
    const form = byId("state");
    let input = form.querySelector('input[name="notation"]');
    if (!input) {
      input = document.createElement("input");
      Object.assign(input, { type: "hidden", name: "notation", className: "keep" });
      form.appendChild(input);
    }
    input.value = key;
    loaded = {};
    htmx.ajax("POST", "/ui/show", { source: "#state", target: "#network", swap: "outerMorph" });
  }

  document.addEventListener("change", (event) => {
    if (event.target.id === "notation") setNotation(event.target.value);
  });

  // the glossary opens on this page's network, step and notation
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("#glossary-link");
    if (link) link.href = "/glossary?" + stateParams().toString();
  });

  // for the tour and the tests
  window.mirrorpropInspector = { select, refresh, selected: () => selected };
})();
