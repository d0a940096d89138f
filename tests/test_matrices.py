"""The matrix view: the phase as the matrix product the code does, with shapes and the trace's values."""

import re

import numpy as np
import pytest

from app import matrices, notation
from app.config import from_query
from app.inspector import Selection
from app.training import Trainer

F1, F2, LOSS, B2, B1, U1, U2 = range(7)


@pytest.fixture(scope="module")
def trace():  # a 4-5-3 network: iris, one hidden layer of 5
    return Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"})).step()


def shapes(view):
    return [[(o.name, o.shape) for o in eq.operands] for eq in view.equations]


def test_forward_is_W_a_plus_b(trace):
    view = matrices.matrix_view(trace, F2, notation.get("textbook"))
    assert shapes(view)[0] == [("W", "3×5"), ("a", "5"), ("b", "3"), ("z", "3")]
    W = view.equations[0].operands[0]
    assert np.array_equal(W.values, trace.phases[F2].values["weights"])


def test_backward_is_W_transposed_times_delta_times_f_prime_then_an_outer_product(trace):
    view = matrices.matrix_view(trace, B1, notation.get("textbook"))
    assert shapes(view) == [
        [("Wᵀ", "5×3"), ("δ", "3"), ("f′(z)", "5"), ("δ", "5")],
        [("δ", "5"), ("aᵀ", "1×4"), ("∂E/∂W", "5×4")],
    ]
    v = trace.phases[B1].values
    grad = view.equations[1].operands[-1]
    assert np.array_equal(grad.values, v["grad_weights"])


def test_update_and_its_udacity_reading(trace):
    assert shapes(matrices.matrix_view(trace, U1, notation.get("textbook")))[0] == [
        ("W", "5×4"), ("∂E/∂W", "5×4"), ("W new", "5×4")]
    udacity = matrices.matrix_view(trace, U1, notation.get("udacity"))
    assert "+" in udacity.equations[0].parts  # w + η·del_w ...
    del_w = udacity.equations[0].operands[1]
    assert np.array_equal(del_w.values, -trace.phases[U1].values["grad_weights"])  # ... with del_w = −∂E/∂w


def test_html_carries_shapes_values_and_the_selection(trace):
    html = str(matrices.matrix_view(trace, F2, notation.get("textbook")).equations[0].html(Selection("node", 2, 1)))
    assert re.findall(r'data-shape="([^"]+)"', html) == ["3×5", "5", "3", "3"]
    lit = re.findall(r'<mtd class="lit"><mn data-value="([^"]+)"', html)
    v = trace.phases[F2].values
    assert [float(x) for x in lit] == [*v["weights"][1], v["biases"][1], v["z"][1]]  # row 2 of W, b₂, z₂


def test_a_big_matrix_shows_its_corners():
    trace = Trainer(from_query({"dataset": "digits", "hidden": "16", "seed": "1"})).step()
    W = matrices.matrix_view(trace, 0, notation.get("textbook")).equations[0].operands[0]
    assert W.shape == "16×64"
    html = str(W.html(Selection("none")))
    assert html.count("<mtr>") == matrices.MAX_ROWS and "⋱" in html
