// mirrorprop: the little JavaScript that earns its place. Keyboard shortcuts, play/pause
// (an htmx SSE connection that exists while playing), the mirror and presenter toggles,
// and the readout that shows the numbers of the focused neuron or edge.
"use strict";

const $ = (selector) => document.querySelector(selector);

// --- the state form and the URL -------------------------------------------------------

function stateInput(name) {
  return $(`#state input[name="${name}"]`);
}

function stateQuery() {
  const params = new URLSearchParams(new FormData($("#state")));
  params.delete("tab");
  return params;
}

function syncUrl() {
  const params = stateQuery();
  if (params.get("view") !== "mirror") params.delete("view");
  for (const [key, value] of [...params.entries()]) if (value === "") params.delete(key);
  history.replaceState(null, "", "/?" + params.toString());
}

// --- play / pause ----------------------------------------------------------------------

function playing() {
  return Boolean($("#player"));
}

function setPlayButton(on) {
  const button = $("#btn-play");
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.textContent = on ? "❚❚ Pause" : "▶ Play";
}

// an htmx event stream whose messages are the page's fragments; it lives while it streams
function openStream(id, url, slot) {
  const stream = document.createElement("div");
  stream.id = id;
  stream.setAttribute("hx-sse:connect", url);
  stream.setAttribute("hx-sse:close", "done");
  stream.setAttribute("hx-target", "#network");
  stream.setAttribute("hx-swap", "outerMorph");
  stream.setAttribute("hx-config", '{"sse": {"reconnect": false}}');
  $(slot).replaceChildren(stream);
  htmx.process(stream);
  return stream;
}

function play() {
  if (playing()) return;
  const params = new URLSearchParams(new FormData($("#state")));
  openStream("player", "/ui/play?" + params.toString(), "#player-slot");
  setPlayButton(true);
}

function pause() {
  const player = $("#player");
  if (player) player.remove();
  document.body.classList.remove("busy");
  setPlayButton(false);
}

function togglePlay() {
  playing() ? pause() : play();
}

// --- moves ------------------------------------------------------------------------------

// a key pressed while a move is still on its way waits for it (a few at most), rather than being lost
const queued = [];

function move(buttonId) {
  if (playing()) pause();
  if (document.body.classList.contains("busy")) {
    if (queued.length < 5) queued.push(buttonId);
    return;
  }
  const button = document.getElementById(buttonId);
  if (button && !button.disabled) button.click();
}

function nextQueued() {
  if (queued.length && !document.body.classList.contains("busy")) move(queued.shift());
}

// --- view toggles: instant on the client, remembered in the state and the URL ------------

function toggleMirror() {
  const on = !$("#network").classList.contains("mirrored");
  $("#network").classList.toggle("mirrored", on);
  document.body.classList.toggle("mirrored", on);
  stateInput("view").value = on ? "mirror" : "network";
  $("#btn-mirror").setAttribute("aria-pressed", on ? "true" : "false");
  syncUrl();
}

function togglePresenter() {
  const on = !document.body.classList.contains("presenter");
  document.body.classList.toggle("presenter", on);
  stateInput("presenter").value = on ? "1" : "";
  $("#btn-presenter").setAttribute("aria-pressed", on ? "true" : "false");
  syncUrl();
}

function setSpeed(ms) {
  stateInput("speed").value = ms;
  $("#network").style.setProperty("--phase-ms", ms + "ms");
  syncUrl();
  if (playing()) { pause(); play(); }
}

// --- focus and hover: the readout, and only the focused neuron's edges ------------------

let focused = null;

// a number for the readout of a crowded edge: 3 significant digits, a true minus sign
function formatNumber(text) {
  const x = Number(text);
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : (x > 0 ? "∞" : "−∞");
  const plain = Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
  return plain.replace("-", "−");
}

// in crowded layers an edge carries only its numbers (data-w, data-g, data-d): word them here
function edgeWords(edge) {
  const [l, j, i] = edge.id.split("-").slice(1).map(Number);
  const net = $("#network").dataset;  // the words of the chosen notation (Udacity's gradient has the other sign)
  const [w, g, d] = (net.edgeWords || "weight w|gradient ∂E/∂w|change ΔW = −η ∂E/∂w").split("|");
  const gradient = edge.dataset.g === undefined ? undefined : String(Number(net.edgeSign || 1) * Number(edge.dataset.g));
  const lines = [[w, edge.dataset.w], [g, gradient], [d, edge.dataset.d]]
    .filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${formatNumber(v)}`);
  return [`weight from layer ${l - 1} neuron ${i + 1} to layer ${l} neuron ${j + 1}`, lines.join("\n")];
}

function showReadout(element) {
  const readout = $("#readout");
  if (!element || !(element.hasAttribute("aria-label") || element.dataset.w)) {
    readout.hidden = true;
    return;
  }
  let [name, info] = element.hasAttribute("aria-label") ? [null, element.dataset.info] : edgeWords(element);
  if (name === null) {
    const [head, ...rest] = element.getAttribute("aria-label").split(":");
    name = head;
    info = info || rest.join(":").trim();
  }
  const title = document.createElement("b");
  title.textContent = name;
  readout.replaceChildren(title, document.createTextNode(info));
  const box = element.getBoundingClientRect();
  readout.hidden = false;
  const left = Math.min(box.right + 12, window.innerWidth - readout.offsetWidth - 8);
  const top = Math.min(Math.max(box.top - 8, 8), window.innerHeight - readout.offsetHeight - 8);
  readout.style.left = left + "px";
  readout.style.top = top + "px";
}

function light(key) {
  const net = $("#network");
  net.querySelectorAll(".lit").forEach((el) => el.classList.remove("lit"));
  net.classList.toggle("focusing", Boolean(key));
  if (!key) return;
  net.querySelectorAll(`[data-src="${key}"], [data-dst="${key}"], [data-key="${key}"]`)
    .forEach((el) => el.classList.add("lit"));
}

function focusOn(element) {
  focused = element ? element.id : null;
  showReadout(element);
  light(element && element.dataset.key ? element.dataset.key : null);
}

function inspectable(target) {
  return target instanceof Element ? target.closest("#network [aria-label][data-info], #network line.edge") : null;
}

document.addEventListener("mouseover", (event) => {
  const element = inspectable(event.target);
  if (element) focusOn(element);
});
document.addEventListener("mouseout", (event) => {
  if (inspectable(event.target) && !inspectable(event.relatedTarget) && document.activeElement !== event.target) {
    focusOn(null);
  }
});
document.addEventListener("focusin", (event) => focusOn(inspectable(event.target)));
document.addEventListener("focusout", (event) => {
  if (inspectable(event.target) && !inspectable(event.relatedTarget)) focusOn(null);
});

// after every swap: keep the URL, the readout and the highlight in step with the new numbers
document.addEventListener("htmx:after:swap", afterSwap);
document.addEventListener("htmx:sse:after:message", afterSwap);
// a stream that ended by itself (diverged, or its length ran out) leaves play paused
document.addEventListener("htmx:sse:close", (event) => {
  if (event.target.id !== "player") return;
  if (event.target.isConnected) event.target.remove();
  if (!playing()) setPlayButton(false);
});

function afterSwap() {
  if ($("#state")) syncUrl();
  if (focused) {
    const element = document.getElementById(focused);
    showReadout(element);
    light(element && element.dataset.key ? element.dataset.key : null);
  }
}

// a move in flight makes the stepping keys wait; an open event stream (play, fast-forward) does not
const streaming = (target) => target instanceof Element && Boolean(target.closest("#player-slot, #ff-slot"));
document.addEventListener("htmx:before:request", (event) => {
  if (!streaming(event.target)) document.body.classList.add("busy");
});
for (const name of ["htmx:after:request", "htmx:finally:request"]) {
  document.addEventListener(name, (event) => {
    if (streaming(event.target)) return;
    document.body.classList.remove("busy");
    setTimeout(nextQueued, 0);
  });
}

// --- keyboard -----------------------------------------------------------------------------

const typing = (target) => target.closest && target.closest("input, select, textarea, [contenteditable]");
// Space and Enter on a button, link or tab press it, as everywhere else
const pressable = (target) => target.closest && target.closest("button, a[href], [role=tab], [role=button], summary");

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if ((event.key === " " || event.key === "Enter") && pressable(event.target)) return;
  if ($("#help").open && event.key !== "?") return;
  const key = event.key;
  if (key === "ArrowRight") move(event.shiftKey ? "btn-sample" : "btn-phase");
  else if (key === "ArrowLeft") move("btn-back");
  else if (key === " ") togglePlay();
  else if (key === "m" || key === "M") toggleMirror();
  else if (key === "p" || key === "P") togglePresenter();
  else if (key === "e" || key === "E") move("btn-epoch");
  else if (key === "Home") move("btn-reset");
  else if (key === "?") $("#help").open ? $("#help").close() : $("#help").showModal();
  else return;
  event.preventDefault();
});

document.addEventListener("click", (event) => {
  const id = event.target.closest && event.target.closest("button")?.id;
  if (id === "btn-play") togglePlay();
  else if (id === "btn-mirror") toggleMirror();
  else if (id === "btn-presenter") togglePresenter();
  else if (id === "btn-help") $("#help").showModal();
  else if (["btn-phase", "btn-sample", "btn-epoch", "btn-back", "btn-reset"].includes(id) && event.isTrusted) pause();
  // a mouse click leaves no focus on the stepping and view buttons, so Space stays play / pause
  if (event.detail > 0 && event.target.closest("header button, .controls button")) event.target.closest("button").blur();
});

document.addEventListener("change", (event) => {
  if (event.target.id === "speed") setSpeed(event.target.value);
});

// --- side panel tabs ------------------------------------------------------------------------

function selectTab(tab) {
  const list = tab.closest("[role=tablist]");
  list.querySelectorAll("[role=tab]").forEach((other) => {
    const selected = other === tab;
    other.setAttribute("aria-selected", selected ? "true" : "false");
    other.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(other.getAttribute("aria-controls"));
    if (panel) panel.hidden = !selected;
  });
  document.dispatchEvent(new CustomEvent("mirrorprop:tab", { detail: { tab: tab.id } }));
}

document.addEventListener("click", (event) => {
  const tab = event.target.closest && event.target.closest("[role=tab]");
  if (tab) selectTab(tab);
});
document.addEventListener("keydown", (event) => {
  const tab = event.target.closest && event.target.closest("[role=tab]");
  if (!tab || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
  const tabs = [...tab.closest("[role=tablist]").querySelectorAll("[role=tab]")];
  const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
  selectTab(next);
  next.focus();
  event.stopPropagation();
  event.preventDefault();
}, true);
