"""Explaining every number, in the browser: inspector, MathML, code panel, notations, glossary, matrices,
gradient check and the tour. Every number is compared with the JSON API's trace of the same run."""

from __future__ import annotations

import pytest

from app import explain
from app.explain import format_number

QUERY = "dataset=iris&hidden=5&seed=1"  # a 4-5-3 network
CONFIG = {"dataset": "iris", "hidden": [5], "seed": 1}
F1, F2, LOSS, B2, B1, U1, U2 = range(7)


@pytest.fixture(scope="module")
def trace(server):
    """Step 0's phases, as the JSON API reports them for the same config."""
    import httpx

    with httpx.Client(base_url=server.url, timeout=10) as client:
        session = client.post("/api/sessions", json=CONFIG).json()["id"]
        return client.get(f"/api/sessions/{session}/trace", params={"step": 0}).json()["steps"][0]["phases"]


def open_at(page, phase: int, extra: str = ""):
    page.goto(f"/?{QUERY}&step=0&phase={phase}{extra}")
    page.wait_for_selector("#network")


def wait_panel(page, panel: str, phase: int, selection: str | None = None):
    """Until the panel shows the cursor's phase (and the selection)."""
    body = f"#{panel}-body[data-at='0:{phase}']" + (f"[data-selection='{selection}']" if selection else "")
    page.wait_for_selector(body)


def results(page) -> dict[str, tuple[float, str]]:
    """The inspector's results by quantity: (exact value, text shown)."""
    rows = page.locator("#inspector-body ol.lines > li.line").evaluate_all("""lis => lis.map(li => {
        const mn = li.querySelector('math.answer mn.result');
        return [li.dataset.quantity, Number(mn.dataset.value), mn.textContent];
    })""")
    return {q: (v, t) for q, v, t in rows}


def shown(x: float) -> str:
    return format_number(x, 4)


def test_inspector_numbers_equal_the_trace_forward(page, trace):
    open_at(page, F2)
    page.click("#node-2-1-c")
    wait_panel(page, "inspector", F2, "node-2-1")
    v = trace[F2]
    assert results(page) == {"z": (v["z"][1], shown(v["z"][1])), "a": (v["a"][1], shown(v["a"][1]))}
    # the filled-in sum: the weights of row 2 and the hidden activations they multiply
    filled = page.locator("#inspector-body li[data-quantity=z] math.filled mn").evaluate_all(
        "els => els.map(e => Number(e.dataset.value))")
    assert filled == [x for i in range(5) for x in (v["weights"][1][i], v["inputs"][i])] + [v["biases"][1]]


def test_inspector_numbers_equal_the_trace_backward_by_keyboard_as_it_steps(page, trace):
    open_at(page, F1)
    page.focus("#node-1-2")
    page.keyboard.press("Enter")  # select the focused neuron
    wait_panel(page, "inspector", F1, "node-1-2")
    for phase in (F2, LOSS, B2, B1):  # the inspector follows the steps
        page.keyboard.press("ArrowRight")
        wait_panel(page, "inspector", phase, "node-1-2")
    v = trace[B1]
    assert results(page) == {
        "error": (v["error"][2], shown(v["error"][2])),
        "f_prime": (v["f_prime"][2], shown(v["f_prime"][2])),
        "error_term": (v["error_term"][2], shown(v["error_term"][2])),
        "grad_biases": (v["grad_biases"][2], shown(v["grad_biases"][2])),
    }
    assert page.locator("#inspector-body .explained b").inner_text() == "backward, layer 1"
    mirror = page.locator("#inspector-body .mirror-reading")
    assert "feed-forward neuron" in mirror.inner_text() and mirror.locator("tbody td math.lhs").count() == 4


def test_inspector_numbers_equal_the_trace_update_for_a_weight(page, trace):
    open_at(page, U2)
    page.click("#node-2-1-c")
    wait_panel(page, "inspector", U2, "node-2-1")
    page.click("#inspector-body [data-select='edge-2-1-3']")  # its weights are listed: keyboard access to edges
    wait_panel(page, "inspector", U2, "edge-2-1-3")
    v = trace[U2]
    assert results(page) == {"new_weights": (v["new_weights"][1][3], shown(v["new_weights"][1][3]))}
    filled = page.locator("#inspector-body math.filled mn").evaluate_all("els => els.map(e => Number(e.dataset.value))")
    assert filled == [v["weights"][1][3], v["learning_rate"], v["grad_weights"][1][3]]
    assert page.locator("#edge-2-1-3").get_attribute("class").split().count("selected") == 1


def test_the_current_phase_is_inspected_with_i(page, trace):
    open_at(page, B1)
    page.keyboard.press("i")
    wait_panel(page, "inspector", B1, "phase")
    assert page.locator("#inspector-body h3").inner_text() == "Backward, layer 1"
    terms = [v for q, (v, _) in results(page).items() if q == "error_term"]
    assert terms == [trace[B1]["error_term"][4]]  # results() keeps the last line of each quantity


def test_mathml_is_present_and_rendered_with_the_math_font(page):
    open_at(page, B1)
    page.click("#node-1-0-c")
    wait_panel(page, "inspector", B1, "node-1-0")
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert page.evaluate("document.fonts.check('16px MirrorMath')")
    math = page.locator("#inspector-body math").first
    assert math.evaluate("e => e.namespaceURI") == "http://www.w3.org/1998/Math/MathML"
    assert "MirrorMath" in math.evaluate("e => getComputedStyle(e).fontFamily")
    # laid out as mathematics: the fraction ∂E/∂a stacks, indices sit below and layers above the letter
    layout = page.locator("#inspector-body li[data-quantity=error] math.lhs").evaluate("""m => {
        const box = e => e.getBoundingClientRect();
        const frac = m.querySelector('mfrac');
        const [top, bottom] = [...frac.children].map(box);
        const sub = m.querySelector('msubsup');
        const [base, index, layer] = [...sub.children].map(box);
        return {stacked: top.bottom <= bottom.top + 1, index: index.bottom > base.bottom, layer: layer.top < base.top};
    }""")
    assert layout == {"stacked": True, "index": True, "layer": True}


@pytest.mark.parametrize("phase, kind", [(F1, "forward"), (LOSS, "loss"), (B2, "backward"), (U1, "update")])
def test_code_panel_lights_the_lines_of_each_phase_kind(page, phase, kind):
    open_at(page, phase, "&panel=code")
    wait_panel(page, "code", phase)
    lit = page.locator("#code-body .ln.lit").evaluate_all("els => els.map(e => Number(e.dataset.line))")
    first, last, _ = explain.code_lines(kind, "cross_entropy" if kind == "loss" else None)
    assert lit == list(range(first, last + 1))
    assert page.locator("#code-body .ln.lit").first.is_visible()  # scrolled into view


def test_code_panel_follows_the_animation_and_marks_the_selected_neuron(page):
    open_at(page, F1, "&panel=code")
    wait_panel(page, "code", F1)
    page.click("#node-1-2-c")
    wait_panel(page, "code", F1)
    page.wait_for_selector("#code-body .ln.selected mark")
    assert page.locator("#code-body .ln.selected mark").first.inner_text() == "W[l] @ a[l - 1] + b[l]"
    assert page.locator("#tab-code").get_attribute("aria-selected") == "true"  # the code stays open
    notes = page.locator("#code-body .ln.element").all_inner_texts()
    assert any("z[1][2] = W[1][2, :] @ a[0] + b[1][2]" in n for n in notes)
    page.click("#btn-phase")
    wait_panel(page, "code", F2)
    first, last, _ = explain.code_lines("forward")
    assert page.locator("#code-body .ln.lit").count() == last - first + 1


@pytest.mark.parametrize("key, input_title, inspector_lhs, info_word", [
    ("udacity", "input x", "error_term1(1)", "hidden_error_term δ = hidden_error · σ′(h) (the textbook's −δ)"),
    ("3b1b", "input a⁽⁰⁾", "∂C∂z1(1)", "∂C/∂z = σ′(z) · ∂C/∂a"),
    ("textbook", "input a⁰", "δ1(1)", "error term δ = ∂E/∂z"),
])
def test_each_notation_changes_the_labels(page, trace, key, input_title, inspector_lhs, info_word):
    open_at(page, B1, "&notation=udacity" if key == "textbook" else "")
    page.click("#node-1-0-c")
    wait_panel(page, "inspector", B1, "node-1-0")
    page.select_option("#notation", key)
    page.wait_for_selector(f"#inspector-body[data-notation='{key}']")
    assert page.locator("#title-0").text_content() == input_title
    info = page.locator("#node-1-0").get_attribute("data-info")
    delta = trace[B1]["error_term"][0]
    sign = -1 if key == "udacity" else 1
    assert f"{info_word}: {format_number(sign * delta, 3)}" in info
    lhs = page.locator("#inspector-body li[data-quantity=error_term] math.lhs").text_content()
    assert lhs == inspector_lhs
    assert (f"notation={key}" in page.url) == (key != "textbook")
    page.reload()
    assert page.locator("#notation").input_value() == key  # kept in the URL


def test_glossary_answers_error_vs_error_term(page, trace):
    open_at(page, B1, "&notation=udacity")
    page.click("#glossary-link")
    page.wait_for_url("**/glossary?**")
    answer = page.locator("#error-vs-error-term")
    assert answer.locator("h2").inner_text() == "Error vs error term"
    assert "error term = error × f′(z)" in answer.inner_text()
    example = answer.locator("figure[data-notation=textbook]")
    values = example.locator("mn.result").evaluate_all("els => els.map(e => Number(e.dataset.value))")
    v = trace[B1]
    assert values == [v["error"][0], v["f_prime"][0], v["error_term"][0]]
    udacity = answer.locator("figure[data-notation=udacity] mn.result").evaluate_all(
        "els => els.map(e => Number(e.dataset.value))")
    assert udacity[:3] == [-v["error"][0], v["f_prime"][0], -v["error_term"][0]]
    assert page.locator(".terms th.current").inner_text() == "UDACITY"
    page.click("#glossary-back")
    page.wait_for_selector("#network")
    assert "notation=udacity" in page.url and "phase=4" in page.url


def test_matrix_view_shows_the_shapes_of_a_4_5_3_network(page):
    def shapes():
        return page.locator("#matrices-body .matrix-eq").evaluate_all(
            "figs => figs.map(f => [...f.querySelectorAll('.operand')].map(m => m.dataset.shape))")

    open_at(page, F2, "&panel=matrices")
    wait_panel(page, "matrices", F2)
    assert shapes() == [["3×5", "5", "3", "3"], ["3", "3"]]
    for phase in (LOSS, B2, B1):
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"#network[data-phase='{phase}']", state="attached")
    wait_panel(page, "matrices", B1)
    assert shapes() == [["5×3", "3", "5", "5"], ["5", "1×4", "5×4"]]
    page.keyboard.press("ArrowRight")
    wait_panel(page, "matrices", U1)
    assert shapes() == [["5×4", "5×4", "5×4"], ["5", "5", "5"]]


def test_gradient_check_passes(page):
    open_at(page, U1, "&panel=check")
    wait_panel(page, "gradcheck", U1)
    body = page.locator("#gradcheck-body")
    assert body.get_attribute("data-passed") == "true"
    assert body.locator(".verdict-line").inner_text().startswith("✓")
    layers = body.locator(".layer-check")
    assert layers.count() == 2
    for i in range(2):
        assert layers.nth(i).get_attribute("data-passed") == "true"
        assert float(layers.nth(i).locator(".max-error").get_attribute("data-value")) < 1e-4


def test_tour_can_be_completed_by_keyboard_and_is_remembered(page):
    open_at(page, -1)
    invite = page.locator("#tour-invite")
    assert invite.is_visible()
    page.focus("#tour-start")
    page.keyboard.press("Enter")
    card = page.locator("#tour")
    assert card.is_visible() and page.evaluate("document.activeElement.id") == "tour-next"
    expected = [("-1", False), ("0", False), ("2", False), ("3", True), ("5", False), ("5", False)]
    for stop, (phase, mirrored) in enumerate(expected):
        assert page.locator("#tour-n").inner_text() == str(stop + 1)
        page.wait_for_selector(f"#network[data-phase='{phase}']")
        assert (page.locator("#btn-mirror").get_attribute("aria-pressed") == "true") == mirrored
        page.keyboard.press("Enter")  # Next (Done at the last stop): focus stays on the button
    assert card.is_hidden() and invite.is_hidden()
    assert page.evaluate("localStorage.getItem('mirrorprop.tour')") == "done"
    assert page.locator("#btn-mirror").get_attribute("aria-pressed") == "false"
    page.reload()
    page.wait_for_selector("#network")
    assert page.locator("#tour-invite").is_hidden()
    page.click("#tour-button")  # it can be taken again
    assert page.locator("#tour").is_visible()


def test_tour_can_be_skipped(page, new_page):
    open_at(page, -1)
    page.click("#tour-dismiss")  # "No thanks"
    assert page.locator("#tour-invite").is_hidden()
    assert page.evaluate("localStorage.getItem('mirrorprop.tour')") == "skipped"
    page.reload()
    assert page.locator("#tour-invite").is_hidden()

    other = new_page()  # another learner: starts it, then leaves with Esc halfway
    other.goto(f"/?{QUERY}")
    other.click("#tour-start")
    other.click("#tour-next")
    other.keyboard.press("Escape")
    assert other.locator("#tour").is_hidden()
    assert other.evaluate("localStorage.getItem('mirrorprop.tour')") == "skipped"


def overflowing(page, panel: str) -> list:
    """Elements of the open side panel that reach past its content box (into its padding, or beyond)."""
    return page.evaluate("""(panel) => {
        const element = document.getElementById(panel);
        const right = element.getBoundingClientRect().right - parseFloat(getComputedStyle(element).paddingRight);
        return [...element.querySelectorAll('*')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > right + 1; })
            .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 60));
    }""", panel)


def test_the_mirror_table_fits_the_inspector_at_1366(new_page):
    page = new_page(viewport={"width": 1366, "height": 768})
    open_at(page, B2, "&panel=inspect")
    page.click("#node-2-1-c")
    wait_panel(page, "inspector", B2, "node-2-1")
    prose = page.locator("#inspector-body .mirror-table .prose")
    assert prose.inner_text() == "the loss's derivative: the mirror's input"
    assert overflowing(page, "panel-inspect") == []


def test_every_weight_of_a_big_layer_can_be_reached_from_the_inspector(page):
    page.goto("/?dataset=digits&hidden=8&seed=1&step=0&phase=0&panel=inspect")
    page.wait_for_selector("#network")
    page.evaluate("window.mirrorpropInspector.select('node-1-2')")
    page.wait_for_selector("#inspector-body[data-selection='node-1-2']")
    more = page.locator("#inspector-body details.more summary").first
    assert more.inner_text() == "56 more (9–64) · or click an edge in the picture"
    more.click()
    page.click("#inspector-body [data-select='edge-1-2-40']")
    page.wait_for_selector("#inspector-body[data-selection='edge-1-2-40']")
    assert page.locator("#inspector-title").inner_text() == (
        "weight from input layer neuron 41 to hidden layer 1 neuron 3")
    assert page.locator("#inspector-body math.this-term").count() == 2  # its term of the sum, symbols and numbers


def test_presenter_mode_enlarges_the_explaining_panels(new_page):
    """At 1920×1080 the inspector, code, matrices, check and glossary grow by at least a third in presenter mode."""
    page = new_page(viewport={"width": 1920, "height": 1080})
    probes = {"inspect": ("inspector", ".eq"), "code": ("code", ".source"), "matrices": ("matrices", "math.matrix mn"),
              "check": ("gradcheck", ".check-table td")}
    sizes = {}
    for presenter in ("", "&presenter=1"):
        for tab, (panel, selector) in probes.items():
            open_at(page, B1, f"&panel={tab}{presenter}")
            if tab == "inspect":
                page.evaluate("window.mirrorpropInspector.select('node-1-0')")
            wait_panel(page, panel, B1)
            page.wait_for_selector(f"#{panel}-body {selector}")
            size = page.eval_on_selector(f"#{panel}-body {selector}", "e => parseFloat(getComputedStyle(e).fontSize)")
            sizes[tab, bool(presenter)] = size
        page.goto(f"/glossary?{QUERY}&step=0&phase={B1}{presenter}")
        sizes["glossary", bool(presenter)] = page.eval_on_selector(".terms", "e => parseFloat(getComputedStyle(e).fontSize)")
    for tab in (*probes, "glossary"):
        assert sizes[tab, True] >= 1.3 * sizes[tab, False], (tab, sizes[tab, False], sizes[tab, True])
    assert sizes["code", True] >= 16 and sizes["matrices", True] >= 20


def test_every_source_line_has_its_own_row_in_the_code_panel(page):
    """An empty line of app/network.py keeps a row: its number does not sit on top of the next one."""
    open_at(page, B1, "&panel=code")
    wait_panel(page, "code", B1)
    rows = page.locator("#code-body .ln[data-line]").evaluate_all(
        "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height])")
    empty = [height for text, height in rows if text.isdigit()]  # only the line number: an empty line
    assert empty and min(height for _, height in rows) > 10
