"""Learning over time: every step's loss, and how well the weights at each epoch's end classify.

The losses come from the steps themselves (each trace's ``loss``, or the untraced fast path's,
which is the same number); nothing is recomputed for them. Accuracy needs the network on many
samples at once, so ``outputs`` runs the same forward pass as ``Network.forward`` on a batch:

    A[0] = X                                 X has shape (n, n[0]), one sample per row
    Z[l] = A[l-1] @ W[l].T + b[l]            the row-wise form of z[l] = W[l] @ a[l-1] + b[l]
    A[l] = f[l](Z[l])                        softmax row by row

Pure NumPy; nothing here knows about sessions or the web.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.network import Activation

RUNNING_WINDOW = 50  # the running mean of the loss: over the last 50 samples
EPOCH_WEIGHTS_EVERY = 64  # steps: the weights at an epoch's end are kept at most this often


def outputs(weights: list, biases: list, activations: list, X: np.ndarray, upto: int | None = None) -> list[np.ndarray]:
    """A[l] for l = 0..upto (default L) for a batch X (n, n[0]): a list of (n, n[l]) arrays."""
    L = len(weights) - 1 if upto is None else upto
    A = [np.asarray(X, dtype=np.float64)]
    with np.errstate(all="ignore"):
        for l in range(1, L + 1):
            Z = A[l - 1] @ weights[l].T + biases[l]
            if activations[l].name == "softmax":
                E = np.exp(Z - Z.max(axis=1, keepdims=True))
                A.append(E / E.sum(axis=1, keepdims=True))
            else:
                A.append(activations[l].f(Z))
    return A


def predictions(weights: list, biases: list, activations: list[Activation], X: np.ndarray) -> np.ndarray:
    """The predicted class of each row of X: argmax of the output, -1 where the output is not finite. (n,)"""
    out = outputs(weights, biases, activations, X)[-1]
    predicted = np.argmax(np.where(np.isfinite(out), out, -np.inf), axis=1)
    return np.where(np.isfinite(out).all(axis=1), predicted, -1)


def confusion(labels: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """counts[true, predicted] over the samples, (k, k); unreadable predictions (-1) are left out."""
    counts = np.zeros((k, k), dtype=np.int64)
    ok = predicted >= 0
    np.add.at(counts, (labels[ok], predicted[ok]), 1)
    return counts


@dataclass(frozen=True)
class Accuracy:
    """The share of correctly classified samples in each split (None: the split is empty)."""

    train: float | None
    test: float | None


class Evaluator:
    """Classifies a dataset's train and test splits with given weights, in one batch each."""

    def __init__(self, features: np.ndarray, labels: np.ndarray, train: np.ndarray, test: np.ndarray,
                 activations: list, n_classes: int):
        self.features, self.labels = features, labels
        self.train, self.test = train, test
        self.activations = activations
        self.n_classes = n_classes

    def predict(self, weights: list, biases: list) -> np.ndarray:
        """The predicted class of every sample of the dataset, (n,)."""
        return predictions(weights, biases, self.activations, self.features)

    def accuracy(self, weights: list, biases: list) -> Accuracy:
        """Train and test accuracy of these weights."""
        right = self.predict(weights, biases) == self.labels
        return Accuracy(
            float(right[self.train].mean()) if len(self.train) else None,
            float(right[self.test].mean()) if len(self.test) else None,
        )


class History:
    """Per step: the loss, the sample's row and the predicted class. Per epoch: the weights at its end
    (for epochs shorter than EPOCH_WEIGHTS_EVERY steps, at the end of every k-th epoch only).

    Steps are recorded in order, once each (a replay of known steps records nothing new).
    Readers on other threads take ``size`` first and then the arrays: a slice [:size] is
    complete, since arrays only grow and are swapped for longer copies.
    """

    def __init__(self, epoch_size: int, weights: list, biases: list):
        self.epoch_size = epoch_size
        self.epoch_stride = -(-EPOCH_WEIGHTS_EVERY // epoch_size)  # tiny epochs (XOR's 4 steps): every k-th
        self.size = 0
        self._loss = np.empty(1024)
        self._row = np.empty(1024, dtype=np.int64)
        self._prediction = np.empty(1024, dtype=np.int64)
        self.epoch_weights: dict[int, tuple[list, list]] = {0: (weights, biases)}  # after e epochs
        self._accuracy: dict[int, Accuracy] = {}

    def record(self, step: int, row: int, loss: float, prediction: int, weights: list, biases: list) -> None:
        """Step ``step`` trained on ``row`` with this loss; ``weights`` are those after it."""
        if step < self.size:
            return
        if step > self.size:
            raise ValueError(f"step {step} recorded before step {self.size}")
        if step == len(self._loss):
            self._loss, self._row, self._prediction = (
                np.concatenate([a, np.empty_like(a)]) for a in (self._loss, self._row, self._prediction)
            )
        self._loss[step], self._row[step], self._prediction[step] = loss, row, prediction
        self.size = step + 1
        if self.size % self.epoch_size == 0 and (self.size // self.epoch_size) % self.epoch_stride == 0:
            self.epoch_weights[self.size // self.epoch_size] = (weights, biases)

    def truncate(self, steps: int) -> None:
        """Forget everything after the first ``steps`` steps."""
        self.size = min(self.size, steps)
        for epoch in [e for e in self.epoch_weights if e * self.epoch_size > steps]:
            del self.epoch_weights[epoch]
            self._accuracy.pop(epoch, None)

    def losses(self, steps: int | None = None) -> np.ndarray:
        """The loss of each of the first ``steps`` steps (all recorded by default): (steps,)."""
        n = self.size if steps is None else min(steps, self.size)
        return self._loss[:n]

    def rows(self, steps: int | None = None) -> np.ndarray:
        n = self.size if steps is None else min(steps, self.size)
        return self._row[:n]

    def predicted(self, steps: int | None = None) -> np.ndarray:
        n = self.size if steps is None else min(steps, self.size)
        return self._prediction[:n]

    def accuracy(self, epoch: int, evaluator: Evaluator) -> Accuracy | None:
        """Accuracy of the weights after ``epoch`` epochs (computed once), or None if not reached yet."""
        if epoch not in self._accuracy:
            if epoch not in self.epoch_weights:
                return None
            self._accuracy[epoch] = evaluator.accuracy(*self.epoch_weights[epoch])
        return self._accuracy[epoch]

    def known_accuracy(self, epochs: int) -> list[tuple[int, Accuracy]]:
        """The accuracies already computed for epochs 0..epochs (never computes; safe from any thread)."""
        known = dict(self._accuracy)
        return [(e, known[e]) for e in range(epochs + 1) if e in known]


def running_mean(losses: np.ndarray, window: int = RUNNING_WINDOW) -> np.ndarray:
    """The mean of the last ``window`` losses at each step (fewer at the start): (n,). Non-finite losses skipped."""
    finite = np.isfinite(losses)
    values = np.concatenate([[0.0], np.cumsum(np.where(finite, losses, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    ends = np.arange(1, len(losses) + 1)
    starts = np.maximum(ends - window, 0)
    n = counts[ends] - counts[starts]
    with np.errstate(all="ignore"):
        return np.where(n > 0, (values[ends] - values[starts]) / np.maximum(n, 1), np.nan)


def epoch_means(losses: np.ndarray, epoch_size: int) -> np.ndarray:
    """The mean loss of each complete epoch in ``losses``: (epochs,)."""
    full = len(losses) // epoch_size
    if full == 0:
        return np.empty(0)
    with np.errstate(all="ignore"):
        return losses[: full * epoch_size].reshape(full, epoch_size).mean(axis=1)
