// mirrorprop, learning over time: the side panels (Charts, Learned, Data, Edit & export), fast-forward,
// choosing the next sample, editing a weight, and the export links. The server draws everything;
// this file only says which panel is open, asks for it, and starts or stops a fast-forward.
// It uses app.js's globals: $, stateInput, stateQuery, syncUrl, playing, play, pause.
"use strict";

const PANELS = ["charts", "learned", "data", "export"];

function openPanel() {
  const value = stateInput("panel") ? stateInput("panel").value : "";
  return PANELS.includes(value) ? value : "";
}

function post(path, target, values = {}) {
  return htmx.ajax("POST", path, { source: "#state", values, target, swap: "outerHTML" });
}

function refreshPanel(name) {
  if (PANELS.includes(name)) post(`/ui/panel/${name}`, `#${name}`);
}

// --- tabs: the open panel is part of the state (and the URL); a panel is drawn when it opens --------

document.addEventListener("mirrorprop:tab", (event) => {
  const name = event.detail.tab.replace(/^tab-/, "");
  if (!stateInput("panel")) return;
  stateInput("panel").value = name === "sample" ? "" : name;
  syncUrl();
  tidyUrl();
  refreshPanel(name);
  if (playing()) { pause(); play(); } // the stream was opened for the previous panel
});

// app.js writes every state field into the URL; leave out the empty ones of this file
function tidyUrl() {
  const params = new URLSearchParams(location.search);
  for (const key of ["panel", "log"]) if (!params.get(key)) params.delete(key);
  history.replaceState(null, "", "/?" + params.toString());
}

// --- after each update: mark the current sample in the data table and on the boundary -------------

function markCurrentSample() {
  const state = $("#state");
  if (!state) return;
  const row = state.getAttribute("data-row"); // not state.dataset: the form has an input named "dataset"
  document.querySelectorAll("#data-table .current").forEach((el) => el.classList.remove("current"));
  const entry = document.getElementById(`data-row-${row}`);
  if (entry) entry.classList.add("current");
  const ring = $("#pt-ring");
  const point = document.getElementById(`pt-${row}`);
  document.querySelectorAll("#points .current").forEach((el) => el.classList.remove("current"));
  if (point) point.classList.add("current");
  if (ring && point) {
    const box = point.getBBox();
    ring.setAttribute("cx", box.x + box.width / 2);
    ring.setAttribute("cy", box.y + box.height / 2);
  }
}

function afterUpdate() {
  tidyUrl();
  markCurrentSample();
}

document.addEventListener("htmx:after:swap", afterUpdate);
document.addEventListener("htmx:sse:after:message", afterUpdate);
document.addEventListener("DOMContentLoaded", markCurrentSample);

// --- the loss chart's log scale ---------------------------------------------------------------------

document.addEventListener("change", (event) => {
  if (event.target.id !== "log-loss") return;
  stateInput("log").value = event.target.checked ? "1" : "";
  syncUrl();
  tidyUrl();
  refreshPanel("charts");
});

// --- choose the next sample: a row, a picture, or a point -------------------------------------------

function pick(row) {
  if (fastForwarding()) return;
  if (playing()) pause();
  htmx.ajax("POST", "/ui/pick", { source: "#state", values: { row }, target: "#network", swap: "outerMorph" });
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const choice = target.closest("#data .pick[data-row], #points .pt.train");
  if (choice) {
    pick(choice.dataset.row);
    return;
  }
  if (target.closest("#data-find")) {
    post("/ui/panel/data", "#data");
    return;
  }
  const link = target.closest("a.export-link");
  if (link) {
    const params = stateQuery();
    const count = link.dataset.count ? document.querySelector(link.dataset.count) : null;
    if (count) params.set("count", count.value);
    params.set("tab", stateInput("tab").value);
    link.href = `${link.dataset.path}?${params.toString()}`;
  }
});

document.addEventListener("keydown", (event) => {
  const point = event.target instanceof Element && event.target.closest("#points .pt.train");
  if (point && (event.key === "Enter" || event.key === " ")) {
    pick(point.dataset.row);
    event.preventDefault();
  }
});

// --- edit a weight: clicking an edge (or a neuron, for its bias) fills the form ------------------------

// While the Export panel is open, a click on an edge or a neuron chooses what to edit (and is not
// also an inspector selection, which would switch the panel away): hence the capture phase.
document.addEventListener("click", (event) => {
  if ($("#panel-export").hidden || !$("#edit-target") || !(event.target instanceof Element)) return;
  const element = event.target.closest("#network line.edge, #network g.node:not(.input)");
  if (!element) return;
  event.stopPropagation();
  if (fastForwarding()) return;
  chooseWeight(element);
}, true);

function chooseWeight(element) {
  const parts = element.id.split("-").map(Number); // edge-l-j-i or node-l-j
  let values;
  if (element.classList.contains("edge")) {
    values = { kind: "weight", layer: parts[1], to: parts[2] + 1, from: parts[3] + 1 };
  } else if (parts[1] > 0) {
    values = { kind: "bias", layer: parts[1], to: parts[2] + 1 };
  } else {
    return;
  }
  htmx.ajax("POST", "/ui/edit/target", { source: "#state", values, target: "#edit-target", swap: "outerHTML" })
    .then(() => $("#edit-value") && $("#edit-value").focus());
}

// --- fast-forward ---------------------------------------------------------------------------------------

function fastForwarding() {
  return Boolean($("#ff-stream"));
}

function lockStepping(on) {
  document.body.classList.toggle("fast-forwarding", on);
  const stepping = ".controls button, #settings-form button, #settings-form input, #settings-form select, #ff-start";
  document.querySelectorAll(`${stepping}, #edit-set, #import-submit, #upload-submit, #data .pick:not(.test)`)
    .forEach((el) => { el.disabled = on; });
  $("#ff-cancel").hidden = !on;
}

function startFastForward() {
  if (fastForwarding()) return;
  if (playing()) pause();
  const params = new URLSearchParams(new FormData($("#state")));
  params.set("epochs", $("#ff-epochs").value || "1");
  if ($("#ff-use-target").checked) params.set("target", $("#ff-target").value || "100");
  lockStepping(true);
  openStream("ff-stream", "/ui/fastforward?" + params.toString(), "#ff-slot");
}

function cancelFastForward() {
  if (!fastForwarding()) return;
  fetch("/ui/fastforward/cancel", { method: "POST", body: new FormData($("#state")) });
}

function fastForwardEnded() {
  const stream = $("#ff-stream");
  if (stream) stream.remove();
  lockStepping(false);
}

document.addEventListener("submit", (event) => {
  if (event.target.id !== "ff-form") return;
  event.preventDefault();
  startFastForward();
});
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("#ff-cancel")) cancelFastForward();
});
// While a fast-forward runs, Esc cancels it and the stepping shortcuts wait (the buttons are disabled too).
document.addEventListener("keydown", (event) => {
  if (!fastForwarding()) return;
  if (event.key === "Escape") cancelFastForward();
  else if (event.target.closest?.("input, select, textarea")) return;
  else if (![" ", "ArrowRight", "ArrowLeft", "e", "E", "Home"].includes(event.key)) return;
  event.stopPropagation();
  event.preventDefault();
}, true);
document.addEventListener("htmx:sse:close", (event) => {
  if (event.target instanceof Element && event.target.id === "ff-stream") fastForwardEnded();
});
