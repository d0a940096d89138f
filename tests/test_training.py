"""Training: it learns, and a config plus a step count reproduces every number bit for bit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.config import Config, from_dict
from app.trace import document
from app.training import Trainer, replay, split

XOR = {"dataset": "xor", "hidden": [4], "activation": "tanh", "output": "sigmoid", "loss": "cross_entropy",
       "lr": 0.5, "seed": 1}


def mean_loss(trainer: Trainer, rows) -> float:
    net, data = trainer.network, trainer.data
    return float(np.mean([net.loss_value(data.features[r], data.targets[r]) for r in rows]))


def accuracy(trainer: Trainer, rows) -> float:
    net, data = trainer.network, trainer.data
    return float(np.mean([np.argmax(net.forward(data.features[r]).output) == data.labels[r] for r in rows]))


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_xor_is_learned(loss):
    trainer = Trainer(from_dict({**XOR, "loss": loss}))
    rows = range(4)
    start = mean_loss(trainer, rows)
    for _ in range(20):  # at most 20 x 100 steps (seed 1 needs 300-400)
        trainer.run(100)
        if mean_loss(trainer, rows) < 0.05:
            break
    assert mean_loss(trainer, rows) < 0.05 < start
    assert accuracy(trainer, rows) == 1.0
    assert trainer.steps_done <= 1000


def test_iris_default_config_learns_in_a_few_epochs():
    trainer = Trainer(Config())
    assert len(trainer.test) == 30 and trainer.epoch_size == 120
    before = accuracy(trainer, trainer.test)
    trainer.run(3 * trainer.epoch_size)
    assert accuracy(trainer, trainer.test) > 0.85 > before
    assert accuracy(trainer, trainer.train) > 0.85


def test_replay_is_bit_identical():
    config = Config(dataset="iris", hidden=(5, 4), activation=("tanh", "relu"), seed=7)
    stepped = Trainer(config)
    traces = [stepped.step() for _ in range(150)]  # more than one epoch of 120
    replayed = replay(config, 149)
    last = replayed.step()
    for l in (1, 2, 3):
        assert np.array_equal(stepped.network.weights[l], replayed.network.weights[l])
        assert np.array_equal(stepped.network.biases[l], replayed.network.biases[l])
    assert json.dumps(last.to_dict()) == json.dumps(traces[-1].to_dict())

    again = Trainer(config)
    doc_a = document(config.to_dict(), stepped.network.sizes, traces)
    doc_b = document(config.to_dict(), again.network.sizes, [again.step() for _ in range(150)])
    assert json.dumps(doc_a, allow_nan=False) == json.dumps(doc_b, allow_nan=False)


def test_restore_continues_exactly():
    config = Config(seed=3)
    original = Trainer(config)
    original.run(40)
    weights, biases = list(original.network.weights), list(original.network.biases)
    expected = [original.step().to_dict() for _ in range(5)]
    resumed = Trainer(config)
    resumed.restore(40, weights, biases)
    assert [resumed.step().to_dict() for _ in range(5)] == expected


def test_each_epoch_is_a_new_permutation_of_the_train_split():
    trainer = Trainer(Config(dataset="iris", seed=5))
    n = trainer.epoch_size
    epochs = [[trainer.sample_for(e * n + i) for i in range(n)] for e in range(3)]
    for order in epochs:
        assert sorted(order) == sorted(trainer.train.tolist())
    assert epochs[0] != epochs[1] != epochs[2]
    assert not set(epochs[0]) & set(trainer.test.tolist())
    traces = [trainer.step() for _ in range(n + 1)]
    assert [t.sample for t in traces[:n]] == epochs[0]
    assert (traces[n].epoch, traces[n].index_in_epoch, traces[n].sample) == (1, 0, epochs[1][0])


def test_split_is_seeded_and_holds_out_the_test_share():
    train, test = split(150, 0.2, seed=1)
    assert len(test) == 30 and len(train) == 120
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(150))
    assert np.array_equal(split(150, 0.2, seed=1)[1], test)
    assert not np.array_equal(split(150, 0.2, seed=2)[1], test)
    assert len(split(4, 0.2, seed=1)[1]) == 0  # too few samples to hold any out


def test_the_seed_changes_everything():
    a, b = Trainer(Config(seed=1)), Trainer(Config(seed=2))
    assert not np.array_equal(a.network.weights[1], b.network.weights[1])
    assert not np.array_equal(a.test, b.test)
    assert [a.sample_for(i) for i in range(10)] != [b.sample_for(i) for i in range(10)]
    assert a.step().loss != b.step().loss


def test_a_network_without_hidden_layers_trains():
    config = from_dict({"dataset": "iris", "hidden": [], "lr": 0.1})
    trainer = Trainer(config)
    assert trainer.network.sizes == [4, 3]
    trace = trainer.step()
    assert [(p.kind, p.layer) for p in trace.phases] == [("forward", 1), ("loss", None), ("backward", 1), ("update", 1)]


def test_inline_data_and_explicit_weights():
    config = from_dict({
        "layers": [2, 1], "output": "sigmoid", "loss": "squared_error", "lr": 1.0,
        "inputs": [[1.0, 2.0], [0.0, 1.0]], "targets": [[1.0], [0.0]],
        "weights": [[[0.5, -0.25]]], "biases": [[0.1]],
    })
    trainer = Trainer(config)
    assert trainer.epoch_size == 2 and len(trainer.test) == 0
    assert trainer.network.weights[1].tolist() == [[0.5, -0.25]]
    trace = trainer.step()
    x = trainer.data.features[trace.sample]
    assert trace.phases[0].values["z"][0] == 0.5 * x[0] - 0.25 * x[1] + 0.1
