"""Learning over time: the loss history, accuracy per epoch, the charts' numbers, and the untraced fast path."""

from __future__ import annotations

import numpy as np
import pytest

from app import charts, history
from app.config import Config
from app.sessions import Session
from app.training import Trainer, replay

IRIS = Config(dataset="iris", hidden=(8,))


def test_the_untraced_step_is_bit_identical_to_the_traced_one():
    traced, fast = Trainer(IRIS), Trainer(IRIS)
    losses = [traced.step().loss for _ in range(300)]
    fast_losses = [fast.advance().loss for _ in range(300)]
    assert fast_losses == losses
    for W, V in zip(traced.network.weights[1:], fast.network.weights[1:]):
        assert np.array_equal(W, V)


def test_the_history_holds_every_steps_loss_from_the_steps_themselves():
    session = Session("h", IRIS)
    last = session.trace(700)  # beyond the trace cache: the early steps come from the fast path
    losses = session.history.losses()
    assert len(losses) == 701 and losses[700] == last.loss
    fresh = Trainer(IRIS)
    assert [fresh.step().loss for _ in range(701)] == losses.tolist()
    assert session.history.rows(5).tolist() == [Trainer(IRIS).sample_for(s) for s in range(5)]


def test_going_back_does_not_record_a_step_twice():
    session = Session("h", IRIS)
    session.trace(200)
    session.trace(10)  # replayed from a checkpoint
    session.trace(250)
    assert session.history.size == 251
    fresh = Trainer(IRIS)
    assert session.history.losses().tolist() == [fresh.step().loss for _ in range(251)]


def test_batch_outputs_match_the_networks_own_forward_pass():
    trainer = replay(Config(dataset="digits", hidden=(16, 8), activation=("tanh", "relu")), 500)
    net, X = trainer.network, trainer.data.features[:50]
    batch = history.outputs(net.weights, net.biases, net.activations, X)
    for row in range(50):
        single = net.forward(X[row])
        for l in range(1, net.depth + 1):
            np.testing.assert_allclose(batch[l][row], single.a[l], rtol=1e-12, atol=1e-15)
    assert history.predictions(net.weights, net.biases, net.activations, X).tolist() == [
        int(np.argmax(net.forward(x).output)) for x in X]


def test_accuracy_per_epoch_uses_the_weights_at_each_epochs_end():
    session = Session("h", IRIS)
    size = session.trainer.epoch_size
    session.trace(3 * size - 1)  # three whole epochs
    after_two = replay(IRIS, 2 * size)
    predicted = np.array([int(np.argmax(after_two.network.forward(x).output)) for x in after_two.data.features])
    right = predicted == after_two.data.labels
    accuracy = session.history.accuracy(2, session.evaluator)
    assert accuracy.train == pytest.approx(right[after_two.train].mean())
    assert accuracy.test == pytest.approx(right[after_two.test].mean())
    assert session.history.accuracy(4, session.evaluator) is None  # not trained yet
    first = session.history.accuracy(0, session.evaluator)
    assert first.train < accuracy.train  # it learns


def test_running_mean_epoch_means_and_confusion_counts():
    losses = np.array([4.0, 2.0, np.inf, 0.0, 1.0, 3.0])
    np.testing.assert_allclose(history.running_mean(losses, window=2), [4.0, 3.0, 2.0, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(history.epoch_means(np.array([1.0, 3.0, 2.0, 2.0, 9.0]), 2), [2.0, 2.0])
    counts = history.confusion(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, -1]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]


def test_truncating_forgets_later_steps_and_epochs():
    h = history.History(epoch_size=64, weights=[None], biases=[None])
    for step in range(640):
        h.record(step, step % 4, float(step), 0, [None], [None])
    assert sorted(h.epoch_weights) == list(range(11))
    h.truncate(300)
    assert h.size == 300 and sorted(h.epoch_weights) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        h.record(301, 0, 0.0, 0, [None], [None])


def test_tiny_epochs_keep_the_weights_of_every_kth_epoch_only():
    h = history.History(epoch_size=4, weights=[None], biases=[None])
    for step in range(200):
        h.record(step, 0, 1.0, 0, [None], [None])
    assert sorted(h.epoch_weights) == [0, 16, 32, 48]


def test_loss_chart_draws_every_step_then_spreads_them_per_pixel():
    few = charts.loss_chart(np.linspace(1.0, 0.1, 30), epoch_size=10)
    assert few.samples_as_dots and few.samples.count("M") == 30
    assert few.epochs.count("M") == 3 and len(few.epoch_dots) == 3
    many = charts.loss_chart(np.abs(np.sin(np.arange(5000))) + 0.01, epoch_size=120)
    assert not many.samples_as_dots and many.samples.count("M") <= int(many.frame.plot_width)
    log = charts.loss_chart(np.array([1.0, 0.1, 0.001]), epoch_size=3, log=True)
    assert [t.label for t in log.frame.y_ticks] == ["1e-3", "1e-2", "0.1", "1"]
    assert charts.loss_chart(np.empty(0), 10).summary.startswith("No step")


def test_confusion_matrix_names_its_classes_and_counts():
    m = charts.confusion_matrix(np.array([[5, 1], [0, 4]]), ("cat", "dog"), "test")
    assert [t.label for t in m.rows] == ["cat", "dog"] and m.correct == 9 and m.total == 10
    assert "9 of 10" in m.summary
    assert [c.count for c in m.cells] == [5, 1, 0, 4]


def test_confusion_matrix_turns_column_names_that_would_run_into_each_other():
    iris = charts.confusion_matrix(np.eye(3, dtype=int), ("setosa", "versicolor", "virginica"), "test")
    assert iris.rotate  # "versicolor" is wider than its column: side by side they overlapped
    digits = charts.confusion_matrix(np.eye(10, dtype=int), tuple("0123456789"), "test")
    assert not digits.rotate and digits.size >= 10
