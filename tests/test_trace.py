"""The step trace: phases in the order they happened, the engine's own numbers, valid JSON always."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app import trace as trace_module
from app.config import Config, from_dict, load_file
from app.trace import document, jsonable
from app.training import Trainer

MAZUR = Path(__file__).resolve().parent.parent / "examples" / "mazur.json"


def trainer_for(n_hidden: int, **changes) -> Trainer:
    hidden = (5, 4, 3)[:n_hidden]
    return Trainer(Config(dataset="iris", hidden=hidden, activation=("tanh",) * max(n_hidden, 1), **changes))


@pytest.mark.parametrize("L", [1, 2, 3])
def test_phase_order_forward_loss_backward_update(L):
    trace = trainer_for(L - 1).step()
    expected = (
        [("forward", l) for l in range(1, L + 1)]
        + [("loss", None)]
        + [("backward", l) for l in range(L, 0, -1)]
        + [("update", l) for l in range(1, L + 1)]
    )
    assert [(p.kind, p.layer) for p in trace.phases] == expected
    assert trace.phase_index("backward", L) == L + 1
    with pytest.raises(KeyError):
        trace.phase_index("forward", L + 1)


@pytest.mark.parametrize("L", [1, 2, 3])
def test_every_number_is_the_engines_own(L):
    trainer = trainer_for(L - 1, seed=4)
    trainer.run(7)
    before = trainer.network.copy()
    trace = trainer.step()
    x, t = trace.input, trace.target
    assert np.array_equal(x, trainer.data.features[trace.sample])
    assert np.array_equal(t, trainer.data.targets[trace.sample])
    fwd = before.forward(x)
    back = before.backward(fwd, t)
    after = trainer.network
    for phase in trace.phases:
        v, l = phase.values, phase.layer
        if phase.kind == "forward":
            assert np.array_equal(v["inputs"], fwd.a[l - 1])
            assert np.array_equal(v["weights"], before.weights[l])
            assert np.array_equal(v["biases"], before.biases[l])
            assert np.array_equal(v["z"], fwd.z[l]) and np.array_equal(v["a"], fwd.a[l])
        elif phase.kind == "loss":
            assert np.array_equal(v["output"], fwd.output) and np.array_equal(v["target"], t)
            assert v["loss"] == before.loss.value(fwd.output, t) == trace.loss
            assert np.array_equal(v["error"], back.error[L])
            assert v["prediction"] == int(np.argmax(fwd.output))
            assert v["loss_function"] == "cross_entropy"
        elif phase.kind == "backward":
            for key in ("error", "f_prime", "error_term", "grad_weights", "grad_biases"):
                assert np.array_equal(v[key], getattr(back, key)[l]), key
            assert np.array_equal(v["activations_in"], fwd.a[l - 1])
            if l == L:
                assert "inputs" not in v and "mirror_weights" not in v
                assert v["f_prime"].shape == (3, 3)  # softmax: the Jacobian
            else:
                assert np.array_equal(v["inputs"], back.error_term[l + 1])
                assert np.array_equal(v["mirror_weights"], before.weights[l + 1].T)
                # the mirror: error = W^T delta, exactly the forward line with W^T and delta
                assert np.array_equal(v["error"], v["mirror_weights"] @ v["inputs"])
        else:
            assert v["learning_rate"] == trainer.config.learning_rate
            assert np.array_equal(v["weights"], before.weights[l])
            assert np.array_equal(v["new_weights"], after.weights[l])
            assert np.array_equal(v["new_biases"], after.biases[l])
            assert np.array_equal(v["grad_weights"], back.grad_weights[l])
            assert np.array_equal(v["delta_weights"], -v["learning_rate"] * v["grad_weights"])
            assert np.array_equal(v["new_weights"], v["weights"] + v["delta_weights"])
            assert np.array_equal(v["new_biases"], v["biases"] + v["delta_biases"])


def test_step_header():
    trainer = Trainer(Config(dataset="iris", seed=2))
    traces = [trainer.step() for _ in range(121)]
    first, last = traces[0], traces[-1]
    assert (first.step, first.epoch, first.index_in_epoch) == (0, 0, 0)
    assert (last.step, last.epoch, last.index_in_epoch) == (120, 1, 0)
    assert first.label == int(trainer.data.labels[first.sample])
    assert first.phases[0].title == "forward, layer 1" and first.phases[2].title == "loss"
    assert not first.diverged


def test_document_format_and_version():
    config = load_file(MAZUR)
    trainer = Trainer(config)
    doc = document(config.to_dict(), trainer.network.sizes, [trainer.step(), trainer.step()])
    assert doc["format"] == "mirrorprop-trace" == trace_module.FORMAT
    assert doc["version"] == 1 == trace_module.VERSION
    assert list(doc) == ["format", "version", "config", "sizes", "steps"]
    assert doc["sizes"] == [2, 2, 2] and len(doc["steps"]) == 2
    step = json.loads(json.dumps(doc, allow_nan=False))["steps"][0]
    assert list(step) == ["step", "epoch", "index_in_epoch", "sample", "label", "input", "target", "loss",
                          "diverged", "phases"]
    forward = step["phases"][0]
    assert forward == {
        "kind": "forward", "layer": 1, "activation": "sigmoid", "inputs": [0.05, 0.1],
        "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35],
        "z": forward["z"], "a": forward["a"],
    }
    assert forward["a"][0] == pytest.approx(0.593269992, abs=1e-9)
    assert set(step["phases"][3]) == {"kind", "layer", "activation", "error", "f_prime", "error_term",
                                      "activations_in", "grad_weights", "grad_biases"}
    assert set(step["phases"][4]) == {"kind", "layer", "activation", "inputs", "mirror_weights", "error",
                                      "f_prime", "error_term", "activations_in", "grad_weights", "grad_biases"}
    assert set(step["phases"][-1]) == {"kind", "layer", "learning_rate", "weights", "biases", "grad_weights",
                                       "grad_biases", "delta_weights", "delta_biases", "new_weights", "new_biases"}


def test_json_stays_valid_when_the_network_diverges():
    config = from_dict({"dataset": "iris", "hidden": [8], "output": "identity", "loss": "squared_error",
                        "lr": 1e6, "seed": 1})
    trainer = Trainer(config)
    traces = [trainer.step() for _ in range(40)]
    assert traces[-1].diverged and not traces[0].diverged
    doc = document(config.to_dict(), trainer.network.sizes, traces)
    text = json.dumps(doc, allow_nan=False)  # raises on a bare NaN or Infinity
    assert '"NaN"' in text and ('"Infinity"' in text or '"-Infinity"' in text)
    last = json.loads(text)["steps"][-1]
    assert last["diverged"] is True
    assert last["loss"] in ("NaN", "Infinity")


def test_jsonable_encodes_non_finite_numbers():
    assert jsonable(np.array([[1.0, np.nan], [np.inf, -np.inf]])) == [[1.0, "NaN"], ["Infinity", "-Infinity"]]
    assert jsonable(float("nan")) == "NaN" and jsonable(np.float64(-np.inf)) == "-Infinity"
    assert jsonable(np.int64(3)) == 3 and jsonable(0.5) == 0.5 and jsonable("x") == "x"
    assert jsonable(np.array([1.0, 2.0])) == [1.0, 2.0]
