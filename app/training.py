"""Training one sample at a time, reproducibly: a Config plus a step count determines every number.

Every random draw comes from ``numpy.random.default_rng([seed, stream, ...])``, one stream
per purpose, so each can be recomputed on its own:

    stream 0: the initial weights
    stream 1, epoch e: the order of the training samples in epoch e (a seeded shuffle)
    stream 2: the train / test split

A learner's recorded actions (app/actions.py) are part of the config too: a picked sample
replaces the seeded order's choice for that step; an edited weight or loaded weights file
takes effect at the start of its step, before the forward pass, so its trace shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app import actions, datasets, network, uploads
from app.config import Config
from app.trace import StepTrace, narrate

INIT_STREAM, ORDER_STREAM, SPLIT_STREAM = 0, 1, 2
MIN_SAMPLES_FOR_SPLIT = 20


def build_dataset(config: Config) -> datasets.Dataset:
    """The config's dataset, or its inline inputs/targets as a small dataset."""
    if config.inputs is None and config.dataset == "uploaded":
        return uploads.load_csv(config.upload)
    if config.inputs is None:
        return datasets.load(config.dataset, noise=config.noise, seed=config.seed)
    x = np.atleast_2d(np.array(config.inputs, dtype=np.float64))
    t = np.atleast_2d(np.array(config.targets, dtype=np.float64))
    if x.shape[0] != t.shape[0]:
        raise ValueError(f"{x.shape[0]} input rows but {t.shape[0]} target rows")
    k = t.shape[1]
    return datasets.Dataset(
        name="inline", title=config.title or "Inline example", kind="tabular",
        features_raw=x, features=x, mean=np.zeros(x.shape[1]), std=np.ones(x.shape[1]),
        labels=np.argmax(t, axis=1), targets=t,
        class_names=tuple(f"output {i + 1}" for i in range(k)),
        feature_names=tuple(f"x{i + 1}" for i in range(x.shape[1])),
        image_shape=None, citation="",
    )


def split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, test) index arrays, both sorted; no test split for tiny data sets."""
    n_test = round(n * test_fraction) if n >= MIN_SAMPLES_FOR_SPLIT else 0
    order = np.random.default_rng([seed, SPLIT_STREAM]).permutation(n)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


@dataclass(frozen=True)
class Position:
    """Where a step is: 0-based step index, its epoch and its place within the epoch."""

    step: int
    epoch: int
    index_in_epoch: int


@dataclass(frozen=True)
class Advanced:
    """What an untraced step leaves behind: its sample, loss and predicted class."""

    step: int
    row: int
    loss: float
    prediction: int


class Trainer:
    """Steps a network through the training samples in a seeded order, one sample per step."""

    def __init__(self, config: Config, dataset: datasets.Dataset | None = None):
        self.config = config
        self.data = dataset if dataset is not None else build_dataset(config)
        self.train, self.test = split(len(self.data.features), config.test_fraction, config.seed)
        sizes = [self.data.features.shape[1], *config.hidden, self.data.targets.shape[1]]
        self.network = network.create(
            sizes, config.hidden_activations, config.output, config.loss,
            rng=np.random.default_rng([config.seed, INIT_STREAM]),
            weights=config.weights, biases=config.biases,
        )
        self.steps_done = 0
        self._order_epoch, self._order = -1, None
        self._index_actions()

    def _index_actions(self) -> None:
        """The config's recorded actions by step, for quick lookup while training."""
        self._picks = {p.step: p.row for p in self.config.picks}
        self._changes: dict[int, list] = {}
        for change in (*self.config.loads, *self.config.edits):  # at one step: the load first, then the edits
            self._changes.setdefault(change.step, []).append(change)

    def retarget(self, config: Config) -> None:
        """Follow a config of the same run with other recorded actions (the caller rewinds)."""
        self.config = config
        self._index_actions()

    def changes_at(self, step: int) -> bool:
        """Whether a loaded weights file or an edit takes effect at the start of this step."""
        return step in self._changes

    @property
    def epoch_size(self) -> int:
        """Samples per epoch: the size of the training split."""
        return len(self.train)

    def position(self, step: int) -> Position:
        """Epoch and index within the epoch of a step."""
        epoch, index = divmod(step, self.epoch_size)
        return Position(step, epoch, index)

    def sample_for(self, step: int) -> int:
        """The dataset row that step ``step`` trains on."""
        if step in self._picks:
            return self._picks[step]
        pos = self.position(step)
        if pos.epoch != self._order_epoch:
            rng = np.random.default_rng([self.config.seed, ORDER_STREAM, pos.epoch])
            self._order, self._order_epoch = self.train[rng.permutation(self.epoch_size)], pos.epoch
        return int(self._order[pos.index_in_epoch])

    def step(self) -> StepTrace:
        """Train on the next sample: forward, loss, backward, update; return what was computed."""
        step, row, t, fwd, loss, back, update = self._train_one()
        net = self.network
        return narrate(self.position(step), row, int(self.data.labels[row]), net, fwd, loss, back, update, t)

    def advance(self) -> Advanced:
        """The same step without its trace (for fast-forward and long replays): bit-identical weights."""
        step, row, _, fwd, loss, _, _ = self._train_one()
        return Advanced(step, row, loss, int(np.argmax(fwd.output)))

    def _train_one(self):
        step = self.steps_done
        if step in self._changes:
            self._apply(self._changes[step])
        row = self.sample_for(step)
        x, t = self.data.features[row], self.data.targets[row]
        net = self.network
        with np.errstate(all="ignore"):  # a diverging network is shown, not warned about
            fwd = net.forward(x)
            loss = net.loss.value(fwd.output, t)
            back = net.backward(fwd, t)
            update = net.update(back, self.config.learning_rate)
        self.steps_done += 1
        return step, row, t, fwd, loss, back, update

    def _apply(self, changes: list) -> None:
        """A loaded weights file, then hand edits: new arrays and lists (checkpoints share the old ones)."""
        net = self.network
        weights, biases = list(net.weights), list(net.biases)
        for change in changes:
            if isinstance(change, actions.Load):
                loaded_w, loaded_b = uploads.load_weights(change.key)
                weights, biases = [None, *loaded_w], [None, *loaded_b]
            elif change.source is None:
                biases[change.layer] = biases[change.layer].copy()
                biases[change.layer][change.to] = change.value
            else:
                weights[change.layer] = weights[change.layer].copy()
                weights[change.layer][change.to, change.source] = change.value
        net.weights, net.biases = weights, biases

    def run(self, steps: int) -> StepTrace | None:
        """Take ``steps`` steps; return the last trace (None for 0 steps)."""
        trace = None
        for _ in range(steps):
            trace = self.step()
        return trace

    def restore(self, steps_done: int, weights: list, biases: list) -> None:
        """Jump to a checkpoint: the weights as they were after ``steps_done`` steps."""
        self.network.weights, self.network.biases = list(weights), list(biases)
        self.steps_done = steps_done


def check_actions(config: Config) -> dict[str, str]:
    """A message per kind of recorded action that does not fit this config's data and network."""
    if not (config.picks or config.edits or config.loads):
        return {}
    errors = {}
    try:
        data = build_dataset(config)
    except (datasets.DatasetError, ValueError):
        return {kind: "the dataset could not be loaded" for kind in ("picks", "edits", "loads")
                if getattr(config, kind)}
    train, _ = split(len(data.features), config.test_fraction, config.seed)
    allowed = set(train.tolist())
    if bad := [p for p in config.picks if p.row not in allowed]:
        errors["picks"] = f"row {bad[0].row} is not one of the training samples"
    sizes = [data.features.shape[1], *config.hidden, data.targets.shape[1]]
    for e in config.edits:
        if not 1 <= e.layer < len(sizes) or not 0 <= e.to < sizes[e.layer] or (
                e.source is not None and not 0 <= e.source < sizes[e.layer - 1]):
            errors["edits"] = f"this network has no {'weight' if e.source is not None else 'bias'} {e.name}"
            break
    for w in config.loads:
        if not uploads.has_weights(w.key):
            errors["loads"] = "the imported weights file is no longer on this server: import it again"
            break
        weights, biases = uploads.load_weights(w.key)
        if [W.shape for W in weights] != [(sizes[l], sizes[l - 1]) for l in range(1, len(sizes))] or [
                b.shape for b in biases] != [(n,) for n in sizes[1:]]:
            errors["loads"] = "the imported weights do not fit this network's layer sizes"
            break
    return errors


def replay(config: Config, steps: int) -> Trainer:
    """A trainer rebuilt from its config, after ``steps`` steps: bit-identical to the original."""
    trainer = Trainer(config)
    trainer.run(steps)
    return trainer
