"""Learning over time in a real browser: charts, the boundary, weight pictures, fast-forward, choosing
the next sample, uploads, weight edits and exports. Every number checked against the engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from app import export
from app.config import from_query
from app.training import Trainer
from tests.browser import position, wait_for_position

os.environ.setdefault("MIRRORPROP_DATA_DIR", tempfile.mkdtemp(prefix="mirrorprop-test-data-"))

IRIS = "/?dataset=iris&hidden=8&activation=sigmoid&output=softmax&loss=cross_entropy&lr=0.1&seed=1"
CIRCLE = "/?dataset=circle&hidden=4&activation=tanh&output=softmax&loss=cross_entropy&lr=0.1&seed=1"
DIGITS = "/?dataset=digits&hidden=16&activation=sigmoid&output=softmax&loss=cross_entropy&lr=0.1&seed=1"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def trainer_at(url: str) -> Trainer:
    """The engine, replayed to the step before the page's current one."""
    q = query(url)
    trainer = Trainer(from_query(q))
    trainer.run(int(q["step"]))
    return trainer


def wait_for_attribute(page, selector: str, name: str, value) -> None:
    page.wait_for_function(
        "([sel, n, v]) => { const e = document.querySelector(sel); return e && e.getAttribute(n) == v; }",
        arg=[selector, name, str(value)],
    )


def open_tab(page, name: str, ready: str) -> None:
    page.click(f"#tab-{name}")
    page.wait_for_selector(ready)


def test_each_chart_appears_and_changes_after_steps(page):
    page.goto(IRIS)
    open_tab(page, "charts", "#loss-chart")
    assert page.get_attribute("#loss-chart", "data-steps") == "0"
    assert "panel=charts" in page.url
    for step in range(3):
        page.click("#btn-sample")
        wait_for_position(page, step, 6)
    wait_for_attribute(page, "#loss-chart", "data-steps", 3)
    engine = Trainer(from_query(query(page.url)))
    losses = [engine.step().loss for _ in range(3)]
    assert page.inner_text("#loss-last") == export_number(losses[-1])
    confusion_before = page.get_attribute("#confusion", "data-correct")
    page.click("#btn-epoch")
    wait_for_position(page, 119, 6)
    wait_for_attribute(page, "#accuracy-chart", "data-epochs", 1)
    assert page.locator("#accuracy-chart .acc-train-dot").count() == 2  # epoch 0 and epoch 1
    assert page.locator("#accuracy-chart .acc-test-dot").count() == 2
    assert page.get_attribute("#confusion", "data-total") == "30"  # the held-out split
    assert page.get_attribute("#confusion", "data-correct") != confusion_before
    assert page.locator("#confusion .row-name").all_text_contents() == ["setosa", "versicolor", "virginica"]
    page.check("#log-loss")
    wait_for_attribute(page, "#loss-chart", "data-log", 1)
    assert "log=1" in page.url
    # a reload shows the same charts, on the same tab
    steps = page.get_attribute("#loss-chart", "data-steps")
    page.reload()
    assert page.get_attribute("#loss-chart", "data-steps") == steps == "120"
    assert page.is_checked("#log-loss")


def export_number(x: float) -> str:
    from app.charts import fmt

    return fmt(x)


def test_charts_follow_play(page):
    page.goto(IRIS + "&speed=80&panel=charts")
    page.wait_for_selector("#loss-chart")
    page.keyboard.press(" ")
    page.wait_for_function("Number(document.querySelector('#loss-chart').dataset.steps) >= 3")
    page.keyboard.press(" ")
    page.wait_for_timeout(300)
    step, phase = position(page)
    shown = int(page.get_attribute("#loss-chart", "data-steps"))
    assert shown == step + (1 if phase >= 1 else 0)  # a step's loss shows from its loss phase on


def test_the_decision_boundary_of_a_2d_set(page):
    page.goto(CIRCLE)
    open_tab(page, "learned", "#boundary")
    assert page.locator("#points .pt").count() == 200
    assert page.locator("#points .pt.test").count() == 40
    assert page.locator(".neuron-map").count() == 4  # one map per hidden neuron
    before = page.get_attribute("#boundary-map", "href")
    assert before.startswith("data:image/png;base64,")
    page.click("#btn-sample")
    wait_for_position(page, 0, 6)
    page.wait_for_function("([b]) => document.querySelector('#boundary-map').getAttribute('href') != b", arg=[before])
    # the current sample is ringed
    row = page.locator("#state").get_attribute("data-row")
    assert "current" in page.get_attribute(f"#pt-{row}", "class")


def test_the_weight_images_of_digits(page):
    page.goto(DIGITS)
    open_tab(page, "learned", "#weight-images")
    assert page.locator("#weight-images img").count() == 16
    before = page.get_attribute("#wimg-0 img", "src")
    page.click("#btn-sample")
    wait_for_position(page, 0, 6)
    page.wait_for_function("([b]) => document.querySelector('#wimg-0 img').getAttribute('src') != b", arg=[before])
    assert page.locator("#boundary").count() == 0  # 64 features: no plane to draw


def test_fast_forward_shows_progress_and_can_be_cancelled(page):
    page.goto(DIGITS + "&panel=charts")
    page.wait_for_selector("#loss-chart")
    page.fill("#ff-epochs", "1000")
    page.click("#ff-start")
    page.wait_for_function("document.querySelector('#ff-bar') && Number(document.querySelector('#ff-bar').value) > 1000")
    assert page.is_disabled("#btn-phase") and page.is_visible("#ff-cancel")
    assert " of 208: step " in page.inner_text("#ff-text") and "of 299,104" in page.inner_text("#ff-text")
    # 1,000 epochs would pass the last step a URL can hold: said up front, not found out mid-epoch
    assert page.inner_text("#ff-note").startswith("Training 208 epochs, not 1,000 epochs: step 300,000 is as far")
    page.wait_for_function("Number(document.querySelector('#loss-chart').dataset.steps) > 1000")  # live charts
    page.keyboard.press(" ")  # the stepping shortcuts wait while it runs
    assert page.locator("#player").count() == 0
    page.click("#ff-cancel")
    page.wait_for_selector("#ff-progress.cancelled")
    assert "Cancelled" in page.inner_text("#ff-text")
    assert not page.is_disabled("#btn-phase") and not page.is_visible("#ff-cancel")
    step, phase = position(page)
    assert phase == -1 and 1000 < step < 300_000
    assert f"step={step}" in page.url
    # back to stepping one sample at a time, from where it stopped, with the engine's numbers
    page.click("#btn-phase")
    wait_for_position(page, step, 0)
    z = [float(v) for v in page.eval_on_selector_all(
        "#network g[id^='node-1-']", "els => els.map(e => e.getAttribute('data-z'))")]
    assert z == trainer_at(page.url).step().phases[0].values["z"].tolist()


def test_fast_forward_until_an_accuracy_is_reached(page):
    page.goto(IRIS + "&panel=charts")
    page.wait_for_selector("#loss-chart")
    page.fill("#ff-epochs", "200")
    page.check("#ff-use-target")
    page.fill("#ff-target", "90")
    page.click("#ff-start")
    page.wait_for_selector("#ff-progress.done")
    assert "Reached the target accuracy" in page.inner_text("#ff-text")
    step, phase = position(page)
    assert phase == -1 and step % 120 == 0 and step < 200 * 120
    accuracy = float(page.inner_text("#accuracy-test-last").rstrip("%"))
    assert accuracy >= 90


def test_choose_the_next_sample_by_point_row_and_picture(page):
    page.goto(CIRCLE + "&panel=learned")
    page.wait_for_selector("#points")
    row = page.eval_on_selector("#points .pt.train:not(.current)", "e => e.dataset.row")
    page.click(f"#pt-{row}", force=True)
    wait_for_attribute(page, "#state", "data-row", row)
    assert f"pick={row}%400" in page.url
    page.click("#btn-sample")
    wait_for_position(page, 0, 6)
    assert trainer_at(page.url).step().sample == int(row)
    # a row of the data table: the next step (1) trains on it
    open_tab(page, "data", "#data-table")
    other = page.eval_on_selector_all("#data-table .pick", "els => els.map(e => e.dataset.row)")[5]
    page.click(f"#data-row-{other} .pick")
    wait_for_position(page, 1, -1)
    assert page.locator("#state").get_attribute("data-row") == other
    assert "current" in page.get_attribute(f"#data-row-{other}", "class")
    # a picture of the digits
    page.goto(DIGITS + "&panel=data")
    page.wait_for_selector("#data-table .thumb")
    picture = page.eval_on_selector("#data-table .thumb.pick:not([disabled])", "e => e.dataset.row")
    page.click(f"#data-row-{picture}")
    wait_for_attribute(page, "#state", "data-row", picture)
    page.reload()
    assert page.locator("#state").get_attribute("data-row") == picture


def test_csv_upload_good_and_bad(page, server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,kind\n1,2,x\n3,oops,y\n4,5,x\n")
    good = tmp_path / "good.csv"
    good.write_text("a,b,c,kind\n" + "".join(f"{i},{i % 7},{i % 3},{'xyz'[i % 3]}\n" for i in range(40)))
    page.goto(IRIS + "&panel=data")
    page.wait_for_selector("#upload-form")
    page.set_input_files("#upload-file", str(bad))
    page.click("#upload-submit")
    page.wait_for_selector("#upload-errors .field-error")
    assert page.inner_text("#upload-errors") == "⚠ Row 3, column 'b': 'oops' is not a number." or \
        "Row 3, column 'b': 'oops' is not a number." in page.inner_text("#upload-errors")
    page.set_input_files("#upload-file", str(good))
    page.click("#upload-submit")
    page.wait_for_function("location.search.includes('dataset=uploaded')")
    assert page.locator("#network g[id^='node-0-']").count() == 3  # three features
    assert page.locator("#network g[id^='node-2-']").count() == 3  # three classes
    assert "Your data: good.csv" in page.inner_text("#data h2")
    for step in range(3):
        page.click("#btn-sample")
        wait_for_position(page, step, 6)
    url = page.url
    before = page.eval_on_selector_all("#network g[id^='node-2-']", "els => els.map(e => e.getAttribute('data-a'))")
    server.restart()
    page.goto(url)
    after = page.eval_on_selector_all("#network g[id^='node-2-']", "els => els.map(e => e.getAttribute('data-a'))")
    assert after == before and page.url == url


def test_edit_a_weight_by_hand(page):
    page.goto(IRIS + "&panel=export")
    page.wait_for_selector("#edit-target")
    page.eval_on_selector("#edge-1-2-0", "e => e.dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    page.wait_for_function("document.querySelector('#edit-name').textContent.includes('[3, 1]')")
    old = float(page.get_attribute("#edit-current", "data-value"))
    page.fill("#edit-value", "abc")
    page.click("#edit-set")
    page.wait_for_selector("#edit-result .field-error")
    page.fill("#edit-value", "1.25")
    page.click("#edit-set")
    page.wait_for_function("location.search.includes('edit=')")
    assert page.get_attribute("#edge-1-2-0", "data-w") == "1.25"
    assert "→ 1.25, from step 1 on" in page.inner_text("#edit-result")
    assert float(page.get_attribute("#edit-current", "data-value")) == 1.25 != old
    # the forward pass of the next step uses it: the page shows the engine's numbers with the edit
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    engine = trainer_at(page.url).step()
    assert engine.phases[0].values["weights"][2, 0] == 1.25
    z = [float(v) for v in page.eval_on_selector_all(
        "#network g[id^='node-1-']", "els => els.map(e => e.getAttribute('data-z'))")]
    assert z == engine.phases[0].values["z"].tolist()
    # a bias, chosen by clicking its neuron; a reload keeps both
    page.keyboard.press("Shift+ArrowRight")
    wait_for_position(page, 0, 6)
    page.eval_on_selector("#node-2-1", "e => e.dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    page.wait_for_function("document.querySelector('#edit-name').textContent.startsWith('b')")
    page.fill("#edit-value", "-2")
    page.click("#edit-set")
    wait_for_position(page, 1, -1)
    assert "b2.1:-2@1" in query(page.url)["edit"]
    page.reload()
    assert page.get_attribute("#edge-1-2-0", "data-w") != "1.25"  # step 0 has updated it since
    assert trainer_at(page.url).step().phases[1].values["biases"][1] == -2.0


def test_every_export(page, tmp_path):
    page.goto(IRIS + "&hidden=8,4&activation=tanh&panel=export")
    page.wait_for_selector("#export-trace")
    for step in range(5):
        page.click("#btn-sample")
        wait_for_position(page, step, 9)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 5, -1)
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 5, 0)
    downloads = {}
    for link in ("export-trace", "export-trace-n", "export-weights", "export-loss", "export-svg", "export-numpy"):
        with page.expect_download() as info:
            page.click(f"#{link}")
        downloads[link] = info.value.path()
    engine = trainer_at(page.url).step()
    trace = json.loads(Path(downloads["export-trace"]).read_text())
    from test_export import format_problems

    assert format_problems(trace) == [] and trace["steps"][0]["loss"] == engine.loss
    assert [s["step"] for s in json.loads(Path(downloads["export-trace-n"]).read_text())["steps"]] == [0, 1, 2, 3, 4, 5]
    assert Path(downloads["export-loss"]).read_text().count("\n") == 1 + 5
    assert Path(downloads["export-svg"]).read_text().startswith('<?xml version="1.0"')
    done = subprocess.run([sys.executable, "-I", downloads["export-numpy"]], capture_output=True, text=True, check=True)
    assert export.parse_script_output(done.stdout) == export.expected_output(engine, 3)
    # the weights, imported into the run at its step 0 and trained on the same sample, give the same step
    weights = json.loads(Path(downloads["export-weights"]).read_text())
    assert weights["after_steps"] == 5
    page.goto(IRIS + "&hidden=8,4&activation=tanh&panel=export")
    page.wait_for_selector("#import-file")
    page.set_input_files("#import-file", downloads["export-weights"])
    page.click("#import-submit")
    page.wait_for_function("location.search.includes('load=')")
    assert "Imported" in page.inner_text("#edit-result")
    page.goto(page.url + f"&pick={engine.sample}%400")
    page.keyboard.press("ArrowRight")
    wait_for_position(page, 0, 0)
    z = [float(v) for v in page.eval_on_selector_all(
        "#network g[id^='node-1-']", "els => els.map(e => e.getAttribute('data-z'))")]
    assert z == engine.phases[0].values["z"].tolist()
    again = trainer_at(page.url).step()
    for a, b in zip(engine.phases, again.phases):
        for key, value in a.values.items():
            assert np.array_equal(value, b.values[key])


def test_a_fast_forward_never_blocks_another_tabs_steps(new_page):
    busy, other = new_page(), new_page()
    busy.goto(DIGITS + "&panel=charts")
    busy.wait_for_selector("#loss-chart")
    busy.fill("#ff-epochs", "1000")
    busy.click("#ff-start")
    busy.wait_for_function("document.querySelector('#ff-bar') && Number(document.querySelector('#ff-bar').value) > 0")
    other.goto(IRIS)
    for step in range(5):
        started = time.perf_counter()
        other.click("#btn-sample")
        wait_for_position(other, step, 6)
        assert time.perf_counter() - started < 2.0
    assert busy.locator("#ff-progress.running").count() == 1  # still training meanwhile
    busy.click("#ff-cancel")
    busy.wait_for_selector("#ff-progress.cancelled")


def test_the_exported_network_picture_shows_every_label_whole(page, client):
    """QA: the mirror view's file cut "versicolor" off on the left."""
    for view in ("mirror", "normal"):
        url = IRIS + "&hidden=8,4&activation=tanh&step=3&phase=5" + ("&view=mirror" if view == "mirror" else "")
        svg = client.get("/export/network.svg?" + urlsplit(url).query).text
        page.set_content(svg.split("?>", 1)[1])
        outside = page.evaluate("""() => {
            const box = document.querySelector('svg').getBoundingClientRect();
            return [...document.querySelectorAll('svg text')]
              .filter((t) => getComputedStyle(t.closest('g.titles') || t).opacity !== '0')
              .map((t) => [t.textContent, t.getBoundingClientRect()])
              .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                                 || r.bottom > box.bottom + 0.5)
              .map(([text]) => text);
        }""")
        assert outside == [], view
        labels = page.eval_on_selector_all(".node-side", "els => els.map(e => [e.textContent, getComputedStyle(e).fontSize,"
                                                         " getComputedStyle(e).fontWeight])")
        assert [name.split(" · ")[0] for name, _, _ in labels] == ["setosa", "versicolor", "virginica"]
        assert {(size, weight) for _, size, weight in labels} == {("14px", "600")}  # as on screen


def test_presenter_mode_makes_the_charts_and_pictures_readable_on_a_projector(new_page):
    page = new_page(viewport={"width": 1920, "height": 1080})
    page.goto(IRIS + "&step=600&phase=-1&panel=charts&presenter=1")
    page.wait_for_selector("#confusion")
    rendered = """sel => [...document.querySelectorAll(sel)].map(t => {
        const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); })"""
    for selector in ("#loss-chart .tick", "#accuracy-chart .tick", "#confusion .row-name", "#confusion .col-name"):
        sizes = page.evaluate(rendered, selector)
        assert sizes and min(sizes) >= 14, (selector, sizes)  # were 9.5 px
    ticks = page.evaluate("""() => [...document.querySelectorAll('#loss-chart .tick.x')]
        .map(t => t.getBoundingClientRect()).map(r => [r.left, r.right])""")
    assert all(a[1] < b[0] for a, b in pairwise(ticks))  # bigger, and still apart
    page.goto(CIRCLE + "&step=400&phase=-1&panel=learned&presenter=1")
    page.wait_for_selector("#boundary")
    assert min(page.evaluate(rendered, "#boundary text")) >= 14
    assert page.eval_on_selector(".neuron-map svg", "e => e.getBoundingClientRect().width") >= 90
    page.click("#tab-sample")  # the column is wide only while a learning panel is open
    assert page.eval_on_selector(".side", "e => e.getBoundingClientRect().width") < 400
