"""What a learner does on the stepping page, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.config import from_query
from app.explain import format_number
from app.training import Trainer
from tests.browser import position, wait_for_position

IRIS = "/?dataset=iris&hidden=8&activation=sigmoid&output=softmax&loss=cross_entropy&lr=0.1&seed=1"


def trace_of(url: str, step: int):
    """The engine's own trace for a step of the config in a page URL."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    trainer = Trainer(from_query(query))
    trainer.run(step)
    return trainer.step()


def node_values(page, layer: int, attribute: str) -> list[float]:
    return [float(v) for v in page.eval_on_selector_all(
        f"#network g[id^='node-{layer}-']", f"els => els.map(e => e.getAttribute('data-{attribute}'))")]


def test_page_opens_on_a_ready_iris_network(page):
    page.goto("/")
    assert page.locator("#network g.node").count() == 4 + 8 + 3
    assert page.locator("#c-epoch").inner_text() == "1"
    assert page.locator("#c-sample").inner_text() == "1"
    assert "ready" in page.locator("#c-phase-title").inner_text()
    assert page.locator("#network text", has_text="input a⁰").count() == 1
    # class names on the outputs, readable labels on the neurons
    labels = page.eval_on_selector_all("#network g[id^='node-2-']", "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels[0].startswith("output layer, setosa, neuron 1")


def test_one_phase_shows_the_traces_numbers(page):
    page.goto(IRIS)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    phase = trace_of(page.url, 0).phases[0]
    assert phase.kind == "forward" and phase.layer == 1
    assert node_values(page, 1, "a") == phase.values["a"].tolist()
    assert node_values(page, 1, "z") == phase.values["z"].tolist()
    shown = page.locator("#node-1-0-t").text_content()
    assert shown == format_number(float(phase.values["a"][0]), 3)
    assert page.locator("#c-phase-title").inner_text() == "forward, layer 1"
    # the active edges carry a travelling pulse
    assert page.locator("#pulses line.pulse.forward").count() == 4 * 8


def test_a_whole_sample_step_shows_the_traces_numbers(page):
    page.goto(IRIS)
    page.keyboard.press("Shift+ArrowRight")
    wait_for_position(page, 0, 6)
    trace = trace_of(page.url, 0)
    backward_1 = trace.phases[trace.phase_index("backward", 1)].values
    assert node_values(page, 1, "error-term") == backward_1["error_term"].tolist()
    assert node_values(page, 1, "error") == backward_1["error"].tolist()
    new_w = trace.phases[trace.phase_index("update", 2)].values["new_weights"]
    shown_w = float(page.get_attribute("#edge-2-1-3", "data-w"))
    assert shown_w == new_w[1, 3]
    assert page.locator("#loss-value").inner_text() == format_number(trace.loss, 3)
    bars = page.locator(".bar-value").all_inner_texts()
    output = trace.phases[trace.phase_index("loss")].values["output"]
    assert bars == [format_number(float(o), 3) for o in output]


def test_back_steps_to_the_previous_phase(page):
    page.goto(IRIS)
    for phase in range(3):
        page.keyboard.press("ArrowRight")
        wait_for_position(page, 0, phase)
    page.keyboard.press("ArrowLeft")
    wait_for_position(page, 0, 1)
    assert page.locator("#c-phase-title").inner_text() == "forward, layer 2"
    # back across a step boundary, into the previous sample's last phase
    page.goto(IRIS + "&step=3&phase=-1")
    page.keyboard.press("ArrowLeft")
    wait_for_position(page, 2, 6)
    assert page.locator("#c-step").inner_text() == "3"


def test_back_reaches_500_phases_into_the_past(page):
    page.goto(IRIS + "&step=100&phase=0")
    page.click("#btn-back")
    wait_for_position(page, 100, -1)
    start = trace_of(page.url, 28)  # 72 steps x 7 phases = 504 phases back
    page.goto(IRIS + "&step=28&phase=0")
    assert node_values(page, 1, "a") == start.phases[0].values["a"].tolist()


def test_space_on_a_focused_button_presses_it(page):
    page.goto(IRIS)
    page.focus("#btn-phase")
    page.keyboard.press("Space")
    wait_for_position(page, 0, 0)
    assert page.get_attribute("#btn-play", "aria-pressed") == "false"


def test_keyboard_shortcuts(page):
    page.goto(IRIS)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    page.keyboard.press("Shift+ArrowRight")
    wait_for_position(page, 0, 6)
    page.keyboard.press("ArrowLeft")
    wait_for_position(page, 0, 5)
    page.keyboard.press("m")
    assert "mirrored" in page.get_attribute("#network", "class")
    assert "view=mirror" in page.url
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    page.keyboard.press("p")
    assert "presenter" in page.get_attribute("body", "class")
    assert not page.locator("#settings").is_visible()
    page.keyboard.press("Home")
    wait_for_position(page, 0, -1)


def test_play_streams_phases_and_pause_stops_them(page):
    page.goto(IRIS + "&speed=80")
    page.keyboard.press("Space")
    assert page.get_attribute("#btn-play", "aria-pressed") == "true"
    page.wait_for_function("Number(document.querySelector('#state').getAttribute('data-step')) >= 1")
    page.keyboard.press("Space")
    assert page.get_attribute("#btn-play", "aria-pressed") == "false"
    page.wait_for_timeout(300)
    paused_at = position(page)
    page.wait_for_timeout(600)
    assert position(page) == paused_at
    # the keys step again after a pause
    page.keyboard.press("ArrowRight")
    after = (paused_at[0], paused_at[1] + 1) if paused_at[1] < 6 else (paused_at[0] + 1, -1)
    wait_for_position(page, *after)
    paused_at = after
    # the numbers the stream showed are the trace's
    step, phase = paused_at
    if phase >= 0:
        trace = trace_of(page.url, step)
        assert node_values(page, 1, "a") == trace.phases[0].values["a"].tolist()


def test_mirror_view_flips_the_same_network(page):
    page.goto(IRIS + "&step=0&phase=4")
    edge_before = page.get_attribute("#edge-2-0-0", "data-w")
    page.click("#btn-mirror")
    assert page.get_attribute("#btn-mirror", "aria-pressed") == "true"
    page.wait_for_timeout(1100)  # the flip animation
    transform = page.eval_on_selector("#net-body", "el => getComputedStyle(el).transform")
    assert transform.startswith("matrix(-1")
    assert page.locator("#titles-mirror text", has_text="output errors").count() == 1
    # stepping works in the mirror, and it is the same network with the same weights
    assert page.get_attribute("#edge-2-0-0", "data-w") == edge_before
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 5)
    assert "mirrored" in page.get_attribute("#network", "class")
    page.reload()
    assert "mirrored" in page.get_attribute("#network", "class")


def test_reload_and_server_restart_restore_the_same_numbers(page, server):
    page.goto(IRIS)
    page.click("#btn-epoch")
    wait_for_position(page, 119, 6)
    for phase in (-1, 0, 1, 2):
        page.keyboard.press("ArrowRight")
        wait_for_position(page, 120, phase)
    before = (node_values(page, 2, "a"), page.locator("#loss-value").inner_text(), page.url)
    page.reload()
    assert (node_values(page, 2, "a"), page.locator("#loss-value").inner_text(), page.url) == before
    server.restart()
    page.reload()
    assert (node_values(page, 2, "a"), page.locator("#loss-value").inner_text(), page.url) == before
    # and the page keeps stepping after the restart, from the same place
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 120, 3)


def test_two_tabs_do_not_interfere(new_page):
    first, second = new_page(), new_page()
    first.goto(IRIS)
    second.goto(IRIS)
    first.keyboard.press("Shift+ArrowRight")
    wait_for_position(first, 0, 6)
    second.keyboard.press("ArrowRight")
    wait_for_position(second, 0, 0)
    first.keyboard.press("ArrowRight")
    wait_for_position(first, 1, -1)
    second.keyboard.press("ArrowRight")
    wait_for_position(second, 0, 1)
    trace = trace_of(second.url, 0)
    assert node_values(second, 2, "a") == trace.phases[1].values["a"].tolist()
    assert first.locator("#c-step").inner_text() == "2"


def test_settings_change_redraws_the_network(page):
    page.goto(IRIS)
    page.fill("#f-layer-0", "5")
    page.press("#f-layer-0", "Tab")
    page.wait_for_function("document.querySelectorAll('#network g[id^=\"node-1-\"]').length == 5")
    assert "hidden=5" in page.url
    page.click("text=+ add layer")
    page.wait_for_function("document.querySelectorAll('#network g[id^=\"node-2-\"]').length == 5")
    assert page.locator("#network g[id^='node-3-']").count() == 3  # the output moved to layer 3
    assert "hidden=5%2C5" in page.url or "hidden=5,5" in page.url
    page.select_option("#f-dataset", "xor")
    page.wait_for_function("document.querySelectorAll('#network g[id^=\"node-0-\"]').length == 2")


def test_invalid_values_get_an_inline_message(page):
    page.goto(IRIS)
    page.fill("#f-lr", "fast")
    page.press("#f-lr", "Tab")
    error = page.locator(".field-error")
    error.wait_for()
    assert "number" in error.inner_text()
    assert page.get_attribute("#f-lr", "aria-invalid") == "true"
    page.fill("#f-layer-0", "40")
    page.press("#f-layer-0", "Tab")
    page.wait_for_selector("text=1 to 32 neurons")
    page.select_option("#f-output", "identity")
    page.wait_for_selector("text=cross_entropy needs outputs that are probabilities")
    assert "lr=0.1" in page.url  # nothing invalid reached the URL


def test_digits_draws_the_input_as_an_image(page):
    page.goto("/?dataset=digits&hidden=16")
    assert page.locator("#network rect.pixel").count() == 64
    assert page.locator("#sample svg.pixels rect").count() == 64
    # focusing a hidden neuron shows only its own edges
    page.focus("#node-1-3")
    assert "focusing" in page.get_attribute("#network", "class")
    assert page.locator("#network line.edge.lit").count() == 64 + 10
    assert page.locator("#readout").is_visible()


def test_a_diverging_learning_rate_shows_the_diverged_state(page):
    page.goto("/?dataset=iris&output=identity&loss=squared_error&lr=1e6")
    page.click("#btn-epoch")
    banner = page.locator("#banner.diverged")
    banner.wait_for()
    assert "Diverged" in banner.inner_text()
    assert page.locator("#network.is-diverged").count() == 1
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 120, -1)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 120, 0)
    assert page.locator("#node-1-0-t").text_content() in ("NaN", "∞", "−∞")
    page.click("#btn-fix-lr")
    page.wait_for_function("!document.querySelector('#banner.diverged')")
    assert "lr=0.1" in page.url


def test_hover_and_focus_show_live_numbers(page):
    page.goto(IRIS)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    page.focus("#node-1-2")
    readout = page.locator("#readout")
    assert readout.is_visible()
    trace = trace_of(page.url, 0)
    assert format_number(float(trace.phases[0].values["a"][2]), 3) in readout.inner_text()
    # stepping while focused updates the readout
    page.click("#btn-sample")
    wait_for_position(page, 0, 6)
    page.focus("#node-1-2")
    delta = trace.phases[trace.phase_index("backward", 1)].values["error_term"][2]
    assert format_number(float(delta), 3) in readout.inner_text()
    assert re.search(r"error term", page.get_attribute("#node-1-2", "aria-label"))


def test_presenter_mode_is_in_the_url(page):
    page.goto(IRIS + "&presenter=1")
    assert "presenter" in page.get_attribute("body", "class")
    assert not page.locator("#settings").is_visible()
    assert page.locator("#network").is_visible()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_network_fits_without_scrolling(new_page, size):
    page = new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(IRIS)
    box = page.locator("#network").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= size[1]
    assert box["height"] > 350
    assert page.evaluate("document.documentElement.scrollHeight") <= size[1]


def test_reduced_motion_turns_off_the_travelling_pulses(new_page):
    page = new_page(reduced_motion="reduce")
    page.goto(IRIS)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    display = page.eval_on_selector("#pulses line.pulse", "el => getComputedStyle(el).display")
    assert display == "none"
    transition = page.eval_on_selector("#edge-1-0-0", "el => getComputedStyle(el).transitionDuration")
    assert transition in ("0s", "")


def test_the_api_docs_work_offline(page):
    page.goto("/docs")
    page.get_by_text("/api/sessions/{session_id}/step", exact=True).wait_for()
    assert page.get_by_text("mirrorprop API").count() >= 1 or page.title() == "mirrorprop API"


def test_switching_between_every_kind_of_dataset(page):
    page.goto("/?dataset=moons&hidden=4")
    for name, inputs in (("digits", 64), ("circle", 2), ("iris", 4), ("tiny-flowers", 64), ("xor", 2)):
        page.select_option("#f-dataset", name)
        page.wait_for_function(
            f"document.querySelectorAll('#network g.input, #network rect.pixel').length == {inputs}"
            f" && location.search.includes('dataset={name}&')")
        assert page.locator(".field-error").count() == 0
