// mirrorprop: the guided tour. Offered once (a bar above the network); skippable at any moment
// (Skip, or Esc); remembered in localStorage once finished or skipped; again from the Tour button.
// Each stop moves the network to the phase it talks about, through the page's own POST /ui/show.
"use strict";

(() => {
  const STORE = "mirrorprop.tour";
  const byId = (id) => document.getElementById(id);
  let stops = [];
  let at = -1;
  let mirrorBefore = null;

  function remembered() {
    try { return localStorage.getItem(STORE); } catch { return "unavailable"; }
  }

  function remember(how) {
    try { localStorage.setItem(STORE, how); } catch { /* private mode: offered again next time */ }
  }

  function depth() {
    return Math.max(1, Math.round((document.querySelectorAll("#phase .phase-strip li").length - 1) / 3));
  }

  function phaseFor(name) {
    const L = depth();
    return { ready: -1, forward: 0, loss: L, backward: L + 1, update: 2 * L + 1 }[name];
  }

  function mirrored() {
    return byId("btn-mirror")?.getAttribute("aria-pressed") === "true";
  }

  function jump(phase) {
    const input = document.querySelector('#state input[name="phase"]');
    if (phase === undefined || !input || input.value === String(phase)) return;
    input.value = String(phase);
    htmx.ajax("POST", "/ui/show", { source: "#state", target: "#network", swap: "outerMorph" });
  }

  function place(card, target) {
    const box = target ? target.getBoundingClientRect() : null;
    const width = card.offsetWidth, height = card.offsetHeight, gap = 14;
    let left = window.innerWidth - width - 24, top = window.innerHeight - height - 24;
    if (box && box.left - width - gap > 8) {
      left = box.left - width - gap;
      top = Math.min(Math.max(box.top, 70), window.innerHeight - height - 12);
    } else if (box) {
      left = Math.min(box.right - width - 16, window.innerWidth - width - 12);
      top = Math.min(box.bottom - height - 16, window.innerHeight - height - 12);
    }
    card.style.left = Math.max(left, 8) + "px";
    card.style.top = Math.max(top, 8) + "px";
  }

  function show(index) {
    at = index;
    const stop = stops[index];
    const card = byId("tour");
    document.querySelectorAll(".tour-focus").forEach((el) => el.classList.remove("tour-focus"));
    const target = document.querySelector(stop.dataset.target);
    if (target) target.classList.add("tour-focus");
    byId("tour-title").textContent = stop.querySelector("h3").textContent;
    byId("tour-text").replaceChildren(...[...stop.children].filter((el) => el.tagName !== "H3").map((el) => el.cloneNode(true)));
    byId("tour-n").textContent = index + 1;
    byId("tour-total").textContent = stops.length;
    byId("tour-back").disabled = index === 0;
    byId("tour-next").textContent = index === stops.length - 1 ? "Done ✓" : "Next ▶";
    card.hidden = false;
    card.dataset.stop = String(index);
    place(card, target);
    if ((stop.dataset.mirror === "on") !== mirrored()) byId("btn-mirror")?.click();
    jump(phaseFor(stop.dataset.phase));
    byId("tour-next").focus();
  }

  function start() {
    stops = [...document.querySelectorAll("#tour-steps > section")];
    if (!stops.length) return;
    byId("tour-invite").hidden = true;
    if (byId("btn-play")?.getAttribute("aria-pressed") === "true") byId("btn-play").click();  // pause
    mirrorBefore = mirrored();
    show(0);
  }

  function end(how) {
    byId("tour").hidden = true;
    byId("tour-invite").hidden = true;
    document.querySelectorAll(".tour-focus").forEach((el) => el.classList.remove("tour-focus"));
    if (mirrorBefore !== null && mirrorBefore !== mirrored()) byId("btn-mirror")?.click();
    mirrorBefore = null;
    at = -1;
    remember(how);
    byId("tour-button")?.focus();  // keyboard users land on the way back into the tour
    document.dispatchEvent(new CustomEvent("mirrorprop:tour", { detail: { how } }));
  }

  document.addEventListener("click", (event) => {
    const id = event.target instanceof Element && event.target.closest("button")?.id;
    if (id === "tour-start" || id === "tour-button") start();
    else if (id === "tour-dismiss") end("skipped");
    else if (id === "tour-skip") end("skipped");
    else if (id === "tour-back" && at > 0) show(at - 1);
    else if (id === "tour-next") at < stops.length - 1 ? show(at + 1) : end("done");
  });

  // Esc skips; while the tour has focus, its own keys do not also step the network
  document.addEventListener("keydown", (event) => {
    if (at < 0) return;
    if (event.key === "Escape") {
      end("skipped");
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  window.addEventListener("resize", () => {
    if (at >= 0) place(byId("tour"), document.querySelector(stops[at].dataset.target));
  });

  function offer() {
    if (byId("tour-invite") && !remembered()) byId("tour-invite").hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", offer);
  else offer();
})();
