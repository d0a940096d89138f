"""Exports: the trace (the documented format), the weights (and importing them back), the loss history,
the network picture, and the NumPy script that prints the same numbers as the trace."""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

import numpy as np
import pytest

from app import export
from app.config import Config, from_query
from app.network import HIDDEN_ACTIVATIONS, LOSS_NAMES, OUTPUT_ACTIVATIONS
from app.training import Trainer

os.environ.setdefault("MIRRORPROP_DATA_DIR", tempfile.mkdtemp(prefix="mirrorprop-test-data-"))

STATE = {"dataset": "iris", "hidden": "8,4", "activation": "tanh", "output": "softmax", "loss": "cross_entropy",
         "lr": "0.1", "seed": "3"}


def format_problems(doc: dict) -> list[str]:
    """Everything in a trace document that docs/trace-format.md does not allow (empty: it validates)."""
    problems = []
    if doc.get("format") != "mirrorprop-trace" or doc.get("version") != 1:
        problems.append("format/version")
    if not isinstance(doc.get("config"), dict) or not isinstance(doc.get("steps"), list):
        return problems + ["config/steps"]
    sizes = doc["sizes"]
    L = len(sizes) - 1

    def shape(value, expected, where):
        if np.asarray(value, dtype=object).shape != expected:
            problems.append(f"{where}: shape {np.asarray(value, dtype=object).shape}, expected {expected}")

    step_keys = {"step", "epoch", "index_in_epoch", "sample", "label", "input", "target", "loss", "diverged", "phases"}
    for s in doc["steps"]:
        if set(s) != step_keys:
            problems.append(f"step keys {sorted(set(s) ^ step_keys)}")
            continue
        shape(s["input"], (sizes[0],), "input")
        shape(s["target"], (sizes[-1],), "target")
        order = [(p["kind"], p["layer"]) for p in s["phases"]]
        expected = ([("forward", l) for l in range(1, L + 1)] + [("loss", None)]
                    + [("backward", l) for l in range(L, 0, -1)] + [("update", l) for l in range(1, L + 1)])
        if order != expected:
            problems.append(f"phase order {order}")
            continue
        for p in s["phases"]:
            l, kind = p["layer"], p["kind"]
            if kind == "forward":
                n, m = sizes[l], sizes[l - 1]
                for key, want in (("inputs", (m,)), ("weights", (n, m)), ("biases", (n,)), ("z", (n,)), ("a", (n,))):
                    shape(p[key], want, f"forward {l} {key}")
            elif kind == "loss":
                assert set(p) >= {"loss_function", "output", "target", "loss", "error", "prediction"}
                shape(p["error"], (sizes[-1],), "loss error")
            elif kind == "backward":
                n, m = sizes[l], sizes[l - 1]
                mirror = {"inputs", "mirror_weights"} if l < L else set()
                keys = {"kind", "layer", "activation", "error", "f_prime", "error_term", "activations_in",
                        "grad_weights", "grad_biases"} | mirror
                if set(p) != keys:
                    problems.append(f"backward {l} keys {sorted(set(p) ^ keys)}")
                for key, want in (("error", (n,)), ("error_term", (n,)), ("grad_weights", (n, m)), ("grad_biases", (n,))):
                    shape(p[key], want, f"backward {l} {key}")
                if l < L:
                    shape(p["mirror_weights"], (n, sizes[l + 1]), f"backward {l} mirror_weights")
            else:
                n, m = sizes[l], sizes[l - 1]
                for key in ("weights", "grad_weights", "delta_weights", "new_weights"):
                    shape(p[key], (n, m), f"update {l} {key}")
                for key in ("biases", "grad_biases", "delta_biases", "new_biases"):
                    shape(p[key], (n,), f"update {l} {key}")
    return problems


def run_script(source: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    done = subprocess.run([sys.executable, "-I", handle.name], capture_output=True, text=True, timeout=60, check=True)
    assert done.stderr == ""
    return export.parse_script_output(done.stdout)


def script_and_trace(config: Config, steps: int) -> tuple[str, dict]:
    """The NumPy script for step ``steps + 1`` of a run, and what its trace says the script must print."""
    trainer = Trainer(config)
    trainer.run(steps)
    step = trainer.step()
    net = trainer.network
    script = export.numpy_script(step, [None, *(f.name for f in net.activations[1:])], net.loss.name,
                                 config.learning_rate, net.sizes, "a test")
    return script, export.expected_output(step, net.depth)


EVERY_COMBINATION = [(hidden, output, loss) for hidden in HIDDEN_ACTIVATIONS for output in OUTPUT_ACTIVATIONS
                     for loss in LOSS_NAMES if (loss, output) != ("cross_entropy", "identity")]
# (dataset, step): two and three classes; moons step 100 is where QA saw softmax's last bit differ
RUNS = [("moons", 100), ("iris", 100)]


@pytest.fixture(scope="module")
def printed_by_every_script() -> dict:
    """Every combination's script, run in one fresh interpreter: {(dataset, hidden, output, loss): (printed, trace)}."""
    scripts, expected = {}, {}
    for (dataset, steps), (hidden, output, loss) in itertools.product(RUNS, EVERY_COMBINATION):
        config = Config(dataset=dataset, hidden=(5, 4), activation=(hidden, hidden), output=output, loss=loss)
        key = (dataset, hidden, output, loss)
        scripts[key], expected[key] = script_and_trace(config, steps)
    folder = tempfile.mkdtemp(prefix="mirrorprop-scripts-")
    paths = []
    for i, source in enumerate(scripts.values()):
        paths.append(os.path.join(folder, f"step_{i}.py"))
        with open(paths[-1], "w") as handle:
            handle.write(source)
    runner = ("import contextlib, io, json, runpy, sys\n"
              "outputs = []\n"
              "for path in sys.argv[1:]:\n"
              "    out = io.StringIO()\n"
              "    with contextlib.redirect_stdout(out):\n"
              "        runpy.run_path(path, run_name='__main__')\n"
              "    outputs.append(out.getvalue())\n"
              "print(json.dumps(outputs))\n")
    done = subprocess.run([sys.executable, "-I", "-c", runner, *paths], capture_output=True, text=True, timeout=120,
                          check=True)
    outputs = json.loads(done.stdout)
    return {key: (export.parse_script_output(text), expected[key]) for key, text in zip(scripts, outputs)}


@pytest.mark.parametrize("dataset", [dataset for dataset, _ in RUNS])
@pytest.mark.parametrize("hidden,output,loss", EVERY_COMBINATION)
def test_the_numpy_script_prints_the_traces_numbers_bit_for_bit(printed_by_every_script, dataset, hidden, output,
                                                                loss):
    printed, expected = printed_by_every_script[(dataset, hidden, output, loss)]
    assert printed == expected  # every number, every digit


@pytest.mark.parametrize("config", [
    Config(dataset="iris", hidden=(8, 4), activation=("tanh", "tanh"), seed=3),
    Config(dataset="xor", hidden=(3,), activation=("sigmoid",), output="sigmoid", loss="squared_error", learning_rate=2.0),
    Config(dataset="tiny-flowers", hidden=(6,), activation=("leaky_relu",), output="identity", loss="squared_error"),
    Config(dataset="digits", hidden=(6,), activation=("relu",), output="softmax", loss="cross_entropy", seed=2),
])
def test_the_numpy_script_runs_on_its_own_for_other_shapes(config):
    script, expected = script_and_trace(config, 37)
    assert run_script(script) == expected


def test_the_numpy_script_of_a_diverged_step_runs_and_prints_its_nan_and_inf(client):
    query = {"dataset": "iris", "hidden": "8", "activation": "relu", "output": "identity", "loss": "squared_error",
             "lr": "5", "seed": "1", "step": "30", "phase": "-1"}
    response = client.get("/export/reproduce.py?" + urlencode(query))
    assert response.status_code == 200
    assert 'float("nan")' in response.text or 'float("inf")' in response.text
    printed = run_script(response.text)  # no NameError for a bare nan, no overflow warnings
    trainer = Trainer(from_query(query))
    trainer.run(30)
    step = trainer.step()
    assert step.diverged
    assert printed == export.expected_output(step, 2)
    assert "NaN" in json.dumps(printed)  # the trace's own spelling of a diverged number

def test_the_exported_trace_validates_against_the_documented_format(client):
    query = {**STATE, "step": "57", "phase": "4", "pick": "3@20", "edit": "w2.1.3:0.7@30"}
    response = client.get("/export/trace.json?" + urlencode({**query, "count": 5}))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="mirrorprop-trace-steps-54-58.json"'
    doc = json.loads(response.text)
    assert format_problems(doc) == []
    assert [s["step"] for s in doc["steps"]] == [53, 54, 55, 56, 57]
    assert doc["config"]["picks"] == [{"step": 20, "row": 3}]
    trainer = Trainer(from_query(query))
    trainer.run(57)
    assert doc["steps"][-1]["loss"] == trainer.step().loss


def test_exported_weights_imported_into_another_run_give_the_same_next_step(client):
    at = {**STATE, "step": "40", "phase": "-1"}
    weights = client.get("/export/weights.json?" + urlencode(at)).json()
    assert weights["format"] == "mirrorprop-weights" and weights["after_steps"] == 40
    original = Trainer(from_query(at))
    original.run(40)
    original_step = original.step()
    # another run (another seed) at step 0, training on the same sample, with the imported weights
    other = {**STATE, "seed": "99", "step": "0", "phase": "-1", "tab": "import-test"}
    response = client.post("/ui/import-weights", data=other,
                           files={"file": ("w.json", json.dumps(weights).encode(), "application/json")})
    state = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["hx-replace-url"]).query).items()}
    assert state["load"].endswith("@0")
    replayed = Trainer(from_query({**state, "pick": f"{original_step.sample}@0"})).step()
    assert replayed.sample == original_step.sample
    for a, b in zip(original_step.phases, replayed.phases):
        for key, value in a.values.items():
            assert np.array_equal(value, b.values[key]), (a.title, key)


def test_an_import_that_does_not_fit_says_why(client):
    other = {**STATE, "step": "0", "phase": "-1", "tab": "bad-import"}
    cases = [(b"{not json", "not valid JSON"), (b'{"weights": []}', '"weights" and "biases"'),
             (json.dumps({"sizes": [4, 3], "weights": [[[0] * 4] * 3], "biases": [[0] * 3]}).encode(), "4 → 3")]
    for body, message in cases:
        response = client.post("/ui/import-weights", data=other, files={"file": ("w.json", body, "application/json")})
        assert response.status_code == 200 and response.headers["hx-retarget"] == "#import-errors"
        assert message in html.unescape(response.text)


def test_the_loss_history_csv_has_one_row_per_step(client):
    text = client.get("/export/loss.csv?" + urlencode({**STATE, "step": "129", "phase": "6"})).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 130
    trainer = Trainer(from_query(STATE))
    losses = [trainer.step().loss for _ in range(130)]
    assert [float(r["loss"]) for r in rows] == losses
    assert rows[0]["step"] == "1" and rows[-1]["epoch"] == "2" and rows[0]["class"] in ("setosa", "versicolor", "virginica")


def test_the_network_picture_is_a_standalone_svg(client):
    response = client.get("/export/network.svg?" + urlencode({**STATE, "step": "3", "phase": "5", "view": "mirror"}))
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width")
    ids = {el.get("id") for el in root.iter()}
    assert {"node-0-0", "node-3-2", "edge-1-7-3"} <= ids
    assert "mirrored" in root.get("class") and root.find("{http://www.w3.org/2000/svg}style") is not None
    # the output layer is on the left in the mirror: the room for its class names is on the left too
    assert root.get("viewBox") == "-110 0 1110 600" and root.get("width") == "1110"
    normal = ElementTree.fromstring(client.get("/export/network.svg?" + urlencode({**STATE, "step": "3"})).content)
    assert normal.get("viewBox") == "0 0 1110 600"


def test_the_network_picture_file_has_the_screens_styles_without_motion():
    screen = export.SCREEN_CSS.read_text()
    style = export.network_style()
    for rule in (".node-side { font-size: 14px; dominant-baseline: central; fill: var(--ink); font-weight: 600; }",
                 ".node-value { font-size: 14px;", ".layer-sub { font-size: 14px;", ".edge-tag { font-size: 13px;"):
        assert rule in screen
        assert rule.replace("var(--ink)", "#1d2330") in style  # the class names look as they do on screen
    assert "var(" not in style and "transition" not in style and "animation" not in style
    assert "font-family: system-ui" in style
