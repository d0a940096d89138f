"""The network: gradients against an independent oracle, Mazur's numbers, and what never changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app import network
from app.config import load_file
from app.training import Trainer

REPO = Path(__file__).resolve().parent.parent
MAZUR = REPO / "examples" / "mazur.json"


def _valid(output: str, loss: str) -> bool:
    try:
        network.loss_for(loss, output)
    except ValueError:
        return False
    return True


COMBINATIONS = [
    (hidden, output, loss)
    for hidden in network.HIDDEN_ACTIVATIONS
    for output in network.OUTPUT_ACTIVATIONS
    for loss in network.LOSS_NAMES
    if _valid(output, loss)
]


# --- an oracle written from the textbook formulas, sharing no code with app/network.py ---

ORACLE_F = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "identity": lambda z: z,
    "softmax": lambda z: np.exp(z) / np.sum(np.exp(z)),
}


def oracle_output(weights, biases, names, x):
    """a[L] computed from scratch: weights/biases/names per layer 1..L (no None)."""
    a = x
    for W, b, name in zip(weights, biases, names):
        a = ORACLE_F[name](W @ a + b)
    return a


def oracle_loss(weights, biases, names, loss, x, t) -> float:
    """E for one sample, computed from scratch."""
    a = oracle_output(weights, biases, names, x)
    if loss == "squared_error":
        return 0.5 * np.sum((t - a) ** 2)
    if names[-1] == "softmax":
        return -np.sum(t * np.log(a))
    return -np.sum(t * np.log(a) + (1 - t) * np.log(1 - a))


def oracle_gradients(net: network.Network, names, loss, x, t, eps=1e-6):
    """Central differences (E(p + eps) - E(p - eps)) / 2 eps of the oracle's E for every weight and bias."""
    weights = [W.copy() for W in net.weights[1:]]
    biases = [b.copy() for b in net.biases[1:]]
    grads = []
    for params in (weights, biases):
        layer_grads = []
        for p in params:
            g = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                kept = p[i]
                p[i] = kept + eps
                e_plus = oracle_loss(weights, biases, names, loss, x, t)
                p[i] = kept - eps
                e_minus = oracle_loss(weights, biases, names, loss, x, t)
                p[i] = kept
                g[i] = (e_plus - e_minus) / (2 * eps)
            layer_grads.append(g)
        grads.append(layer_grads)
    return grads


# Central differences carry a rounding error of a few ulp(E) / eps, up to about 1e-9·|E| for
# eps = 1e-6, so a gradient of 1e-6 cannot be checked to a relative 1e-5: below a scale of
# 1e-3·max(|E|, 1) the check is absolute (|a - n| < 1e-8·max(|E|, 1)). A wrong formula is off by
# about the size of the gradient itself, far above that.
def relative_error(analytic, numeric, loss: float) -> float:
    """max |a - n| / max(|a| + |n|, 1e-3·max(|E|, 1))."""
    scale = 1e-3 * max(abs(loss), 1.0)
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), scale)))


@st.composite
def problems(draw, output: str):
    """(sizes, seed): 0-3 hidden layers of 1-6 neurons, 1-5 inputs, 2-4 softmax outputs or 1-4 others."""
    hidden = draw(st.lists(st.integers(1, 6), min_size=0, max_size=3))
    n_out = draw(st.integers(2, 4) if output == "softmax" else st.integers(1, 4))
    return [draw(st.integers(1, 5)), *hidden, n_out], draw(st.integers(0, 2**32 - 1))


def sample(sizes, output, loss, rng):
    """A moderate input (|x| in 0.2..1, so no gradient is tiny by accident) and a fitting target."""
    x = rng.uniform(0.2, 1.0, sizes[0]) * rng.choice([-1.0, 1.0], sizes[0])
    k = sizes[-1]
    if loss == "cross_entropy" and output == "softmax":
        t = np.eye(k)[rng.integers(k)]
    else:
        t = rng.uniform(0.0, 1.0, k)
    return x, t


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBINATIONS)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_gradients_match_central_differences(hidden, output, loss, data):
    sizes, seed = data.draw(problems(output))
    rng = np.random.default_rng(seed)
    net = network.create(sizes, hidden, output, loss, rng=rng)
    net.biases = [None] + [rng.normal(0.0, 0.5, b.shape) for b in net.biases[1:]]
    x, t = sample(sizes, output, loss, rng)
    names = [hidden] * (len(sizes) - 2) + [output]
    fwd = net.forward(x)
    # ReLU has a kink at 0: stay clear of it, where the derivative is a matter of convention
    assume(all(np.min(np.abs(fwd.z[l])) > 1e-3 for l, n in enumerate(names, 1) if "relu" in n))

    E = net.loss_value(x, t)
    for c in network.gradient_check(net, x, t, eps=1e-6):
        assert relative_error(c.analytic_weights, c.numeric_weights, E) < 1e-5
        assert relative_error(c.analytic_biases, c.numeric_biases, E) < 1e-5

    back = net.backward(fwd, t)
    numeric_W, numeric_b = oracle_gradients(net, names, loss, x, t)
    for l in range(1, net.depth + 1):
        assert relative_error(back.grad_weights[l], numeric_W[l - 1], E) < 1e-5
        assert relative_error(back.grad_biases[l], numeric_b[l - 1], E) < 1e-5
    params = (net.weights[1:], net.biases[1:], names)
    assert fwd.output == pytest.approx(oracle_output(*params, x), rel=1e-12, abs=1e-15)
    assert net.loss.value(fwd.output, t) == pytest.approx(oracle_loss(*params, loss, x, t), rel=1e-12, abs=1e-15)


def test_every_valid_combination_is_covered():
    assert len(COMBINATIONS) == len(network.HIDDEN_ACTIVATIONS) * 5
    assert {(o, loss) for _, o, loss in COMBINATIONS} == {
        ("sigmoid", "squared_error"), ("sigmoid", "cross_entropy"), ("softmax", "squared_error"),
        ("softmax", "cross_entropy"), ("identity", "squared_error"),
    }


# --- invalid networks are refused with a message that says what to do -------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output": "identity", "loss": "cross_entropy"}, "cross_entropy needs outputs that are probabilities"),
        ({"sizes": [2, 3, 1], "output": "softmax"}, "softmax needs at least 2 outputs"),
        ({"hidden": "swish"}, "unknown hidden activation 'swish': choose one of sigmoid, tanh"),
        ({"output": "tanh", "loss": "squared_error"}, "unknown output activation 'tanh'"),
        ({"loss": "hinge"}, "unknown loss 'hinge': choose one of squared_error, cross_entropy"),
        ({"sizes": [3]}, "a network needs an input and an output layer"),
        ({"hidden": ["tanh", "relu"]}, "1 hidden layers need 1 activations, got 2"),
        ({"weights": [[[1.0, 2.0]], [[1.0]]]}, "weights of layer 1 must have shape (3, 2)"),
    ],
)
def test_invalid_networks_are_refused(kwargs, message):
    args = {"sizes": [2, 3, 2], "hidden": "sigmoid", "output": "softmax", "loss": "cross_entropy", **kwargs}
    with pytest.raises(ValueError) as caught:
        network.create(args.pop("sizes"), **args)
    assert message in str(caught.value)


# --- Matt Mazur's worked example, from the shipped config file ---------------------------


@pytest.fixture
def mazur_step():
    trainer = Trainer(load_file(MAZUR))
    before = trainer.network.copy()
    trace = trainer.step()
    return before, trainer, trace


def test_mazur_forward_and_total_error(mazur_step):
    before, _, trace = mazur_step
    x, t = trace.input, trace.target
    out = before.forward(x).output
    assert out[0] == pytest.approx(0.75136507, abs=5e-9)
    assert out[1] == pytest.approx(0.772928465, abs=5e-9)
    assert before.loss_value(x, t) == pytest.approx(0.298371109, abs=5e-9)
    assert trace.loss == pytest.approx(0.298371109, abs=5e-9)


def test_mazur_weights_after_one_update(mazur_step):
    _, trainer, _ = mazur_step
    W1, W2 = trainer.network.weights[1], trainer.network.weights[2]
    # Mazur's w1..w4 (hidden layer) and w5..w8 (output layer); W[j, i] joins input i to neuron j
    assert W1.ravel() == pytest.approx([0.149780716, 0.19956143, 0.24975114, 0.29950229], abs=5e-9)
    assert W2.ravel() == pytest.approx([0.35891648, 0.408666186, 0.511301270, 0.561370121], abs=5e-9)


def test_mazur_total_error_falls_with_training():
    trainer = Trainer(load_file(MAZUR))
    x, t = trainer.data.features[0], trainer.data.targets[0]
    first = trainer.network.loss_value(x, t)
    trainer.run(10_000)
    # Mazur: "after repeating this process 10,000 times ... the error plummets to 0.0000351085"
    # (he does not update the biases; we do, so ours falls further)
    assert trainer.network.loss_value(x, t) < 0.0000351085 < first


# --- what the passes leave alone -----------------------------------------------------------


def test_backward_never_changes_weights():
    net = network.create([4, 5, 3], "tanh", "softmax", "cross_entropy", rng=np.random.default_rng(3))
    W_before, b_before = list(net.weights), list(net.biases)
    copies = net.copy()
    x, t = np.array([0.5, -1.0, 0.25, 2.0]), np.array([0.0, 1.0, 0.0])
    net.backward(net.forward(x), t)
    for l in (1, 2):
        assert net.weights[l] is W_before[l] and net.biases[l] is b_before[l]
        assert np.array_equal(net.weights[l], copies.weights[l])
        assert np.array_equal(net.biases[l], copies.biases[l])


def test_update_keeps_the_old_arrays_intact():
    net = network.create([4, 5, 3], "relu", "softmax", "cross_entropy", rng=np.random.default_rng(4))
    old_W, old_b = list(net.weights), list(net.biases)
    copies = net.copy()
    x, t = np.array([0.5, -1.0, 0.25, 2.0]), np.array([1.0, 0.0, 0.0])
    back = net.backward(net.forward(x), t)
    step = net.update(back, 0.5)
    for l in (1, 2):
        assert step.weights[l] is old_W[l] and step.biases[l] is old_b[l]
        assert np.array_equal(old_W[l], copies.weights[l]) and np.array_equal(old_b[l], copies.biases[l])
        assert net.weights[l] is step.new_weights[l] and net.biases[l] is step.new_biases[l]
        assert np.array_equal(step.new_weights[l], old_W[l] - 0.5 * back.grad_weights[l])
        assert np.array_equal(step.delta_weights[l], -0.5 * back.grad_weights[l])
    assert not np.array_equal(step.new_weights[2], old_W[2])


def test_xavier_for_sigmoid_and_he_for_relu():
    rng = np.random.default_rng(0)
    relu = network.create([400, 300, 2], "relu", "softmax", "cross_entropy", rng=rng)
    sigmoid = network.create([400, 300, 2], "sigmoid", "softmax", "cross_entropy", rng=rng)
    he, xavier = relu.weights[1], sigmoid.weights[1]
    # He normal: sd sqrt(2 / n_in); Xavier uniform: within +-sqrt(6 / (n_in + n_out)), sd sqrt(2 / (n_in + n_out))
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert np.abs(xavier).max() <= np.sqrt(6 / 700) < np.abs(he).max()
    assert abs(he.mean()) < 0.002 and abs(xavier.mean()) < 0.002
    assert all(np.array_equal(b, np.zeros_like(b)) for b in relu.biases[1:] + sigmoid.biases[1:])


def test_the_same_rng_seed_gives_the_same_network():
    a = network.create([3, 4, 2], "tanh", "sigmoid", "squared_error", rng=np.random.default_rng(9))
    b = network.create([3, 4, 2], "tanh", "sigmoid", "squared_error", rng=np.random.default_rng(9))
    assert all(np.array_equal(u, v) for u, v in zip(a.weights[1:], b.weights[1:]))


# --- the engine is pure: no web code --------------------------------------------------------


def test_engine_modules_import_no_web_code():
    modules = "app.network, app.config, app.trace, app.training, app.datasets, app.explain, app.cli"
    code = f"import {modules}; import sys; print(chr(10).join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in result.stdout.split()}
    assert {"app", "numpy"} <= loaded
    assert not loaded & {"fastapi", "starlette", "jinja2", "uvicorn", "httpx", "multipart"}
