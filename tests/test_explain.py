"""Every number explains itself: the trace's own numbers, Mazur's formulas, code lines that exist."""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import numpy as np
import pytest

from app import explain, network
from app.config import from_dict, load_file
from app.explain import MINUS, code_lines, explain_phase, format_number
from app.training import Trainer

MAZUR = Path(__file__).resolve().parent.parent / "examples" / "mazur.json"
CONFIGS = {
    "mazur": None,
    "iris relu tanh softmax ce": {"dataset": "iris", "hidden": [3, 2], "activation": ["relu", "tanh"], "seed": 3},
    "digits leaky sigmoid bce": {"dataset": "digits", "hidden": [12], "activation": "leaky_relu",
                                 "output": "sigmoid", "loss": "cross_entropy", "seed": 2},
    "xor identity": {"dataset": "xor", "hidden": [3], "activation": "identity", "output": "identity",
                     "loss": "squared_error"},
    "softmax squared": {"dataset": "iris", "hidden": [], "output": "softmax", "loss": "squared_error"},
}


def trace_of(name: str, steps: int = 3):
    config = load_file(MAZUR) if CONFIGS[name] is None else from_dict(CONFIGS[name])
    trainer = Trainer(config)
    trainer.run(steps - 1)
    return trainer.step()


def number_at(values, index):
    for i in index:
        values = values[i]
    return values


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_result_is_exactly_the_traces_number(name):
    trace = trace_of(name)
    for phase in trace.phases:
        explanations = explain_phase(phase, step=trace)
        for e in explanations:
            assert e.layer == phase.layer
            assert e.quantity in explain.QUANTITIES[phase.kind]
            number = number_at(phase.values[e.quantity], e.index)
            assert e.result == number and type(e.result) is float, (phase.title, e.symbol)
            assert e.symbol and e.formula and e.filled and e.code
            assert e.code in inspect.getsource(network) or all(
                line.strip() in inspect.getsource(network) for line in e.code.splitlines()
            )
        # each number of the phase is explained once
        counts = {q: sum(e.quantity == q for e in explanations) for q in explain.QUANTITIES[phase.kind]}
        for quantity, count in counts.items():
            assert count == np.size(phase.values[quantity]), (phase.title, quantity)


def test_results_stay_exact_when_the_network_diverges():
    trainer = Trainer(from_dict({"dataset": "iris", "hidden": [8], "output": "identity", "loss": "squared_error",
                                 "lr": 1e6, "seed": 1}))
    traces = [trainer.step() for _ in range(30)]
    assert traces[-1].diverged
    seen = set()
    for trace in traces[-8:]:
        for phase in trace.phases:
            for e in explain_phase(phase, step=trace):
                number = number_at(phase.values[e.quantity], e.index)
                assert e.result == number or (math.isnan(e.result) and math.isnan(number))
                seen |= {part for part in ("NaN", "∞", "×10") if part in e.filled}
    assert seen == {"NaN", "∞", "×10"}


def test_mazur_filled_in():
    trace = trace_of("mazur", steps=1)
    forward1, loss = trace.phases[0], trace.phases[2]
    z11 = explain.explain(forward1, "z", (0,))
    assert (z11.symbol, z11.formula, z11.filled) == ("z¹₁", "w¹₁₁·a⁰₁ + w¹₁₂·a⁰₂ + b¹₁", "0.15·0.05 + 0.2·0.1 + 0.35")
    assert z11.result == trace.phases[0].values["z"][0] == pytest.approx(0.3775)
    assert [(t.coefficient, t.value, t.coefficient_symbol, t.value_symbol) for t in z11.terms] == [
        (0.15, 0.05, "w¹₁₁", "a⁰₁"), (0.2, 0.1, "w¹₁₂", "a⁰₂")
    ]
    assert z11.code == "z.append(W[l] @ a[l - 1] + b[l])"

    a11 = explain.explain(forward1, "a", (0,), digits=9)
    assert (a11.formula, a11.filled, format_number(a11.result, 9)) == ("σ(z¹₁)", "σ(0.3775)", "0.593269992")

    E = explain.explain(loss, "loss", (), digits=8)
    assert E.formula == "½·((t₁ − o₁)² + (t₂ − o₂)²)"
    assert E.filled == "½·((0.01 − 0.75136507)² + (0.99 − 0.77292847)²)"
    assert format_number(E.result, 9) == "0.298371109"

    backward2 = trace.phases[trace.phase_index("backward", 2)]
    d21 = explain.explain(backward2, "error_term", (0,), digits=8)
    assert (d21.symbol, d21.formula, d21.filled) == ("δ²₁", "∂E/∂a²₁·σ′(z²₁)", "0.74136507·0.1868156")
    assert format_number(d21.result, 9) == "0.138498562"  # Mazur: dE/dnet_o1 = 0.138498562
    assert "σ′(z) = σ(z)·(1 − σ(z)) = a·(1 − a)" in d21.note
    fp = explain.explain(backward2, "f_prime", (0,), digits=8, step=trace)
    assert (fp.formula, fp.filled) == ("a²₁·(1 − a²₁)", "0.75136507·(1 − 0.75136507)")

    # the hidden layer's error: the mirrored forward sum, inputs delta, weights W^T
    backward1 = trace.phases[trace.phase_index("backward", 1)]
    e11 = explain.explain(backward1, "error", (0,), digits=8)
    assert e11.formula == "w²₁₁·δ²₁ + w²₂₁·δ²₂"
    assert e11.filled == "0.4·0.13849856 + 0.5·(−0.038098237)"
    assert format_number(e11.result, 8) == "0.036350306"  # Mazur: dE_total/dout_h1 = 0.036350306
    assert [(t.coefficient, t.coefficient_symbol, t.value_symbol) for t in e11.terms] == [
        (0.4, "w²₁₁", "δ²₁"), (0.5, "w²₂₁", "δ²₂")
    ]
    assert "mirror" in e11.note
    d11 = explain.explain(backward1, "error_term", (0,), digits=8)
    assert d11.filled == "0.036350306·0.24130071"

    g = explain.explain(backward1, "grad_weights", (0, 0), digits=8)
    assert (g.symbol, g.formula, g.filled) == ("∂E/∂w¹₁₁", "δ¹₁·a⁰₁", "0.0087713547·0.05")
    assert format_number(g.result, 8) == "0.00043856773"  # Mazur: dE_total/dw1 = 0.000438568

    update2 = trace.phases[-1]
    w5 = explain.explain(update2, "new_weights", (0, 0), digits=8)
    assert (w5.symbol, w5.formula, w5.filled) == ("w²₁₁⁺", "w²₁₁ − η·∂E/∂w²₁₁", "0.4 − 0.5·0.082167041")
    assert format_number(w5.result, 8) == "0.35891648"
    assert "dW = [None] + [-eta * g" in w5.code and "new_W = " in w5.code


def test_softmax_output_is_the_jacobian_product():
    trace = trace_of("iris relu tanh softmax ce")
    last = trace.phases[trace.phase_index("backward", 3)]
    loss = trace.phases[trace.phase_index("loss")]
    explanations = explain_phase(last, step=trace)
    jacobian = [e for e in explanations if e.quantity == "f_prime"]
    assert len(jacobian) == 9 and {e.index for e in jacobian} == {(k, j) for k in range(3) for j in range(3)}
    assert next(e for e in jacobian if e.index == (1, 0)).symbol == "∂a³₂/∂z³₁"
    delta = explain.explain(last, "error_term", (0,), step=trace)
    assert len(delta.terms) == 3 and "Jacobian" in delta.note and "δ = o − t" in delta.note
    assert [t.coefficient for t in delta.terms] == [last.values["f_prime"][k][0] for k in range(3)]
    # with cross-entropy the Jacobian product comes out (to rounding) as o - t
    o, t = loss.values["output"], loss.values["target"]
    assert delta.result == pytest.approx(o[0] - t[0], abs=1e-12)


def test_long_sums_are_shortened_in_text_but_complete_in_terms():
    trace = trace_of("digits leaky sigmoid bce", steps=1)
    z = explain.explain(trace.phases[0], "z", (2,))
    assert len(z.terms) == 64
    assert z.formula == "w¹₃₁·a⁰₁ + w¹₃₂·a⁰₂ + w¹₃₃·a⁰₃ + w¹₃₄·a⁰₄ + … + 60 more terms + b¹₃"
    assert z.filled.endswith(" + … + 60 more terms + " + format_number(trace.phases[0].values["biases"][2]))
    assert explain.explain(trace.phases[0], "z", (0,)).terms[9].coefficient_symbol == "w¹₁,₁₀"
    loss = explain.explain(trace.phases[2], "loss", ())
    assert "… + 6 more terms" in loss.formula  # binary cross-entropy over 10 outputs


def test_explain_refuses_what_the_phase_does_not_have():
    trace = trace_of("mazur", steps=1)
    with pytest.raises(ValueError, match="a forward phase has no 'error_term'"):
        explain.explain(trace.phases[0], "error_term", (0,))
    with pytest.raises(IndexError):
        explain.explain(trace.phases[0], "z", (2,))


def test_summaries_show_the_mirror():
    trace = trace_of("iris relu tanh softmax ce")
    summaries = {p.title: explain.summary(p) for p in trace.phases}
    assert summaries["forward, layer 2"] == "z² = W²·a¹ + b²,  a² = tanh(z²)"
    assert summaries["backward, layer 2"].startswith("∂E/∂a² = W³ᵀ·δ³,  δ² = ∂E/∂a² ⊙ tanh′(z²)")
    assert "inputs δ³, weights W³ᵀ" in summaries["backward, layer 2"]
    assert summaries["update, layer 1"] == "W¹ ← W¹ − η·∂E/∂W¹,  b¹ ← b¹ − η·∂E/∂b¹  (η = 0.1)"


# --- code lines ------------------------------------------------------------------------------


def test_code_lines_point_at_the_statements_in_network_py():
    source = Path(network.__file__).read_text(encoding="utf-8").splitlines()
    expected = {
        "forward": ["for l in range(1, self.depth + 1):", "z.append(W[l] @ a[l - 1] + b[l])", "a.append(f[l].f(z[l]))"],
        "backward": ["for l in range(L, 0, -1):", "W[l + 1].T @ delta[l + 1]", "f[l].derivative(z[l], a[l])",
                     "f[l].backward(f_prime[l], error[l])", "delta[l][:, None] * a[l - 1]", "grad_b[l] = delta[l]"],
        "update": ["dW = [None] + [-eta * g", "db = [None]", "new_W = [None]", "new_b = [None]"],
        "loss": ['"squared_error": Loss(', '"cross_entropy": Loss(', '"binary_cross_entropy": Loss('],
    }
    for kind, statements in expected.items():
        first, last, text = code_lines(kind)
        assert 1 <= first <= last <= len(source)
        assert text.splitlines()[0].strip() == source[first - 1].strip()
        assert text.splitlines()[-1].strip() == source[last - 1].strip()
        block = "\n".join(source[first - 1 : last])
        for statement in statements:
            assert statement in block and statement in text, (kind, statement)
    assert code_lines("forward")[1] - code_lines("forward")[0] == 2
    assert code_lines("forward")[1] < code_lines("backward")[0] < code_lines("update")[0]


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy", "binary_cross_entropy"])
def test_code_lines_of_each_loss(loss):
    first, last, text = code_lines("loss", loss)
    source = Path(network.__file__).read_text(encoding="utf-8").splitlines()
    assert source[first - 1].strip().startswith(f'"{loss}": Loss(')
    assert source[last - 1].strip().endswith("),")
    assert text.count("lambda o, t:") == 2  # the value and its derivative


def test_code_lines_refuse_unknown_kinds():
    with pytest.raises(ValueError, match="unknown phase kind"):
        code_lines("sideways")


# --- numbers for people ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (0.3775, 4, "0.3775"),
        (0.75136507, 4, "0.7514"),
        (0.000123456, 4, "0.0001235"),
        (0.0000123456, 4, "1.235×10⁻⁵"),
        (12345.678, 4, "12\u202f346"),
        (999.96, 4, "1\u202f000"),
        (1234567.0, 4, "1.235×10⁶"),
        (2.5e20, 4, "2.5×10²⁰"),
        (-0.5, 4, f"{MINUS}0.5"),
        (-2.0, 4, f"{MINUS}2"),
        (1.0, 4, "1"),
        (0.1, 4, "0.1"),
        (0.0, 4, "0"),
        (-0.0, 4, "0"),
        (float("nan"), 4, "NaN"),
        (float("inf"), 4, "∞"),
        (float("-inf"), 4, f"{MINUS}∞"),
        (0.298371109, 8, "0.29837111"),
        (0.1497807161, 8, "0.14978072"),
        (-0.038098236516, 8, f"{MINUS}0.038098237"),
        (np.float64(0.5), 4, "0.5"),
        (3, 4, "3"),
    ],
)
def test_format_number(x, digits, text):
    assert format_number(x, digits) == text


def test_format_number_never_writes_a_hyphen_or_minus_zero():
    for x in np.concatenate([-np.logspace(-12, 12, 97), np.logspace(-12, 12, 97), [-1e-300, -5e-324]]):
        text = format_number(x)
        assert "-" not in text and text not in (f"{MINUS}0", "−0.0")
        assert text.startswith(MINUS) == (x < 0)
