"""The code panel: app/network.py as it runs, the phase's lines lit, the selected number's expression marked."""

import html
import inspect as pyinspect
import re

import pytest

from app import codeview, explain, inspector, network, notation
from app.config import from_query
from app.training import Trainer

F1, F2, LOSS, B2, B1, U1, U2 = range(7)


@pytest.fixture(scope="module")
def trace():
    return Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"})).step()


def panel(trace, phase, selection="", key="textbook"):
    textbook = notation.get("textbook").bound(2, [None, "sigmoid", "softmax"])
    found = inspector.inspect(trace, phase, selection, textbook)
    return codeview.code_panel(trace, phase, notation.get(key), found)


def plain(markup) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


def test_the_source_is_the_module_itself(trace):
    shown = [plain(line.html) for line in panel(trace, F1).lines if line.number]
    assert shown == pyinspect.getsource(network).splitlines()


@pytest.mark.parametrize("phase, kind", [(F1, "forward"), (LOSS, "loss"), (B1, "backward"), (U2, "update")])
def test_the_phases_lines_are_lit(trace, phase, kind):
    lit = [line.number for line in panel(trace, phase).lines if "lit" in line.classes.split()]
    loss_function = "cross_entropy" if kind == "loss" else None
    first, last, _ = explain.code_lines(kind, loss_function)
    assert lit == list(range(first, last + 1))


def test_a_selected_neuron_marks_its_expressions_and_names_its_elements(trace):
    code = panel(trace, B1, "node-1-2")
    selected = {line.number: plain(line.html).strip() for line in code.lines if "selected" in line.classes}
    marked = [re.search(r"<mark>(.*?)</mark>", str(line.html)) for line in code.lines if "selected" in line.classes]
    assert [plain(m.group(1)) for m in marked if m] == [
        "W[l + 1].T @ delta[l + 1]", "f[l].derivative(z[l], a[l])", "f[l].backward(f_prime[l], error[l])", "delta[l]"]
    assert all(text.startswith(("error[l]", "f_prime[l]", "delta[l]", "grad_b[l]")) for text in selected.values())
    elements = [plain(line.html).strip() for line in code.lines if line.classes == "element"]
    delta = trace.phases[B1].values["error_term"][2]
    assert f"# ↳ delta[1][2] = f_prime[1][2] * error[1][2]  →  {explain.format_number(delta, 4)}" in elements


def test_the_notes_follow_the_notation(trace):
    notes = {key: [plain(line.html).strip() for line in panel(trace, B1, key=key).lines if line.classes == "gloss"]
             for key in notation.NOTATIONS}
    assert any("δ⁽ˡ⁾ = ∂E/∂z⁽ˡ⁾" in n for n in notes["textbook"])
    assert any("error_term = error * f′(h) = −delta[l]" in n for n in notes["udacity"])
    assert any("∂C/∂z⁽ˡ⁾" in n for n in notes["3b1b"])
