"""Trust: backpropagation against finite differences for the network and sample of a step."""

import numpy as np
import pytest

from app import gradcheck, network
from app.config import from_dict, from_query
from app.training import Trainer


@pytest.mark.parametrize("query", [
    {"dataset": "iris", "hidden": "5"},
    {"dataset": "xor", "hidden": "4", "activation": "tanh", "output": "sigmoid", "loss": "squared_error"},
    {"dataset": "digits", "hidden": "8,8", "activation": "relu"},
])
def test_every_layer_passes(query):
    trainer = Trainer(from_query({**query, "seed": "3"}))
    trainer.run(5)
    trace = trainer.step()
    checks = gradcheck.check(trace, trainer.network)
    assert [c.layer for c in checks] == list(range(1, trainer.network.depth + 1))
    assert all(c.passed and c.same_as_trace for c in checks)
    assert all(c.max_relative_error < gradcheck.PASS for c in checks)
    assert all(len(c.entries) >= 3 for c in checks)


def test_the_network_is_the_one_the_step_started_from():
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"}))
    trace = trainer.step()  # the trainer's network has moved on: the check must not use it
    start = gradcheck.network_at(trace, trainer.network)
    assert np.array_equal(start.weights[1], trace.phases[0].values["weights"])
    assert not np.array_equal(start.weights[1], trainer.network.weights[1])


def test_a_wrong_derivative_fails():
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"}))
    trace = trainer.step()
    broken = trainer.network.copy()
    sigmoid = broken.activations[1]
    broken.activations[1] = network.Activation("sigmoid", sigmoid.f, lambda z, a: a)  # σ′ should be a(1 − a)
    checks = gradcheck.check(trace, broken)
    assert not checks[0].passed and checks[0].max_relative_error > 0.01
    assert not checks[0].same_as_trace
    assert checks[1].passed  # the output layer does not use the hidden derivative


def test_tiny_gradients_pass_on_the_finite_differences_noise():
    # a healthy network whose smallest gradients (1e-8) are below what finite differences resolve
    trainer = Trainer(from_query({"dataset": "circle", "hidden": "4,4", "activation": "sigmoid", "lr": "10"}))
    trainer.run(100)
    trace = trainer.step()
    checks = gradcheck.check(trace, trainer.network)
    assert [c.verdict for c in checks] == ["pass"] * 3
    noisy = [c for c in checks if c.within_noise]
    assert noisy, "the relative error alone fails a layer here"
    loss = trace.phases[trainer.network.depth].values["loss"]
    for c in noisy:
        assert c.max_relative_error >= gradcheck.PASS
        assert c.max_abs_error <= c.tolerance
        assert c.tolerance >= gradcheck.NOISE * max(1.0, loss)
    assert not checks[0].clipped


def test_a_wrong_derivative_is_beyond_the_noise():
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"}))
    trace = trainer.step()
    broken = trainer.network.copy()
    broken.activations[1] = network.Activation("sigmoid", broken.activations[1].f, lambda z, a: a)
    layer = gradcheck.check(trace, broken)[0]
    assert layer.verdict == "fail" and layer.max_abs_error > 1000 * layer.tolerance


def test_an_output_clipped_by_cross_entropy_is_saturated_not_failed():
    # one sigmoid output at 1 − 1e-13: cross-entropy clips it to 1 − 1e-12, so the loss is flat around it
    config = from_dict({"layers": [1, 1], "output": "sigmoid", "loss": "cross_entropy", "inputs": [[1.0]],
                        "targets": [[0.0]], "weights": [[[29.9]]], "biases": [[0.0]]})
    trainer = Trainer(config)
    trace = trainer.step()
    (layer,) = gradcheck.check(trace, trainer.network)
    output = trace.phases[1].values["output"][0]
    assert 1 - output < gradcheck.CLIP and layer.clipped == ((0, output),)
    assert [e.numeric for e in layer.entries] == [0.0, 0.0]  # finite differences see a flat loss
    assert layer.max_abs_error > 0.1  # backprop does not
    assert layer.verdict == "saturated" and not layer.passed


def test_the_panel_shows_both_figures_and_explains_a_clipped_output(client):
    query = "dataset=circle&hidden=4,4&activation=tanh&lr=10&step=20&phase=0"
    page = client.get(f"/ui/explain/gradcheck?{query}").text
    assert page.count('class="max-abs"') == 3 and page.count('class="max-error"') == 3
    assert "<th scope=\"col\">|a − n|</th>" in page
    assert "where cross-entropy clips its outputs" in page and "finite differences read 0" in page
    assert 'data-verdict="pass"' in page  # these saturated gradients are small enough to agree
    healthy = client.get("/ui/explain/gradcheck?dataset=circle&hidden=4,4&activation=sigmoid&lr=10&step=100&phase=0")
    assert "below what finite differences can resolve" in healthy.text and "clips" not in healthy.text
