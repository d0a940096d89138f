"""Trust: backpropagation against finite differences for the network and sample of a step."""

import numpy as np
import pytest

from app import gradcheck, network
from app.config import from_query
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
