"""The side panels of learning over time: Charts, Learned, Data, and Edit & export.

Each panel is a view-model built from the session (its history, its traces) at the cursor,
for a template that only loops and prints. An update carries a panel only while its tab is
open and only when what it shows has changed (``due``): the charts change when a step reaches
its loss and when its update completes, not at every phase.

The weights a panel shows are those the network picture shows at the cursor: before the step
(after any edit made at its start) until its last update phase, then after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app import actions, charts, datasets, pictures
from app import boundary as boundary_pictures
from app.explain import format_number
from app.history import Accuracy, confusion
from app.sessions import Cursor, Session
from app.state import PageState

PANELS = ("charts", "learned", "data", "export")
DATA_PAGE_ROWS = 40
DATA_PAGE_IMAGES = 60


# --- what the cursor shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """What training has done at the cursor: losses known, and which weights the picture shows."""

    losses: int  # the first ``losses`` steps have reached their loss phase
    weights_after: int  # the weights after this many steps ...
    edited: bool  # ... with the edits made at the start of the next step applied
    weights: list
    biases: list


def shown(session: Session, cursor: Cursor) -> Shown:
    """The losses and weights visible at the cursor, read from the step's trace."""
    L = session.trainer.network.depth
    last = 3 * L
    trace = session.trace(cursor.step)
    if cursor.phase >= last:
        updates = trace.phases[L + 1 + L:]
        weights = [None] + [p.values["new_weights"] for p in updates]
        biases = [None] + [p.values["new_biases"] for p in updates]
        return Shown(cursor.step + 1, cursor.step + 1, False, weights, biases)
    forward = trace.phases[:L]
    changed = session.trainer.changes_at(cursor.step)
    return Shown(cursor.step + (1 if cursor.phase >= L else 0), cursor.step, changed,
                 [None] + [p.values["weights"] for p in forward], [None] + [p.values["biases"] for p in forward])


# --- Charts -------------------------------------------------------------------------------------


@dataclass
class ChartsView:
    loss: charts.LossChart
    accuracy: charts.AccuracyChart | None
    confusion: charts.ConfusionMatrix | None
    now: Accuracy | None
    now_text: str
    epoch_size: int
    has_test: bool
    classification: bool
    log: bool


def is_classification(data: datasets.Dataset) -> bool:
    """One-hot targets: accuracy and a confusion matrix make sense."""
    return bool(set(np.unique(data.targets).tolist()) <= {0.0, 1.0})


def charts_view(session: Session, state: PageState, at: Shown | None = None) -> ChartsView:
    """The loss chart, the accuracy per epoch, and the confusion matrix with the weights shown."""
    at = at or shown(session, state.cursor)
    trainer, history = session.trainer, session.history
    loss = charts.loss_chart(history.losses(at.losses), trainer.epoch_size, state.log_loss)
    data = trainer.data
    if not is_classification(data):
        return ChartsView(loss, None, None, None, "", trainer.epoch_size, False, False, state.log_loss)
    epochs = at.weights_after // trainer.epoch_size
    per_epoch = [(e, a) for e in range(0, epochs + 1, history.epoch_stride)
                 if (a := history.accuracy(e, session.evaluator)) is not None]
    return _classification_view(session, state, loss, per_epoch, at.weights, at.biases)


def _classification_view(session: Session, state: PageState, loss, per_epoch, weights, biases) -> ChartsView:
    trainer = session.trainer
    data = trainer.data
    predicted = session.evaluator.predict(weights, biases)
    right = predicted == data.labels
    now = Accuracy(float(right[trainer.train].mean()) if len(trainer.train) else None,
                   float(right[trainer.test].mean()) if len(trainer.test) else None)
    accuracy = charts.accuracy_chart(per_epoch, len(trainer.train), len(trainer.test))
    rows, split = (trainer.test, "held-out test") if len(trainer.test) else (trainer.train, "training")
    matrix = charts.confusion_matrix(confusion(data.labels[rows], predicted[rows], data.n_classes), data.class_names, split)
    now_text = f"train {100 * now.train:.1f}%" + (f" · test {100 * now.test:.1f}%" if now.test is not None else "")
    return ChartsView(loss, accuracy, matrix, now, now_text, trainer.epoch_size, bool(len(trainer.test)), True,
                      state.log_loss)


def progress_charts(session: Session, state: PageState, steps: int, weights: list, biases: list) -> ChartsView:
    """The charts while a fast-forward runs: only what the history already holds (never computes accuracy)."""
    trainer, history = session.trainer, session.history
    loss = charts.loss_chart(history.losses(steps), trainer.epoch_size, state.log_loss)
    if not is_classification(trainer.data):
        return ChartsView(loss, None, None, None, "", trainer.epoch_size, False, False, state.log_loss)
    per_epoch = history.known_accuracy(steps // trainer.epoch_size)
    return _classification_view(session, state, loss, per_epoch, weights, biases)


# --- Learned ------------------------------------------------------------------------------------


@dataclass
class LearnedView:
    boundary: boundary_pictures.Boundary | None
    weights: boundary_pictures.WeightPictures
    dataset: str
    kind: str


def neuron_names(session: Session) -> list[str]:
    """The first layer's neurons, as the picture names them: hidden ones by number, outputs by class."""
    net, data = session.trainer.network, session.trainer.data
    if net.depth == 1:
        return [f"output {name}" for name in data.class_names][: net.sizes[1]]
    return [f"neuron {j + 1}" for j in range(net.sizes[1])]


def learned_view(session: Session, state: PageState, weights: list | None = None, biases: list | None = None,
                 current_row: int | None = None) -> LearnedView:
    """The decision boundary (2 features) and the first layer's weights as pictures, with the weights shown."""
    if weights is None:
        at = shown(session, state.cursor)
        weights, biases = at.weights, at.biases
        current_row = session.trainer.sample_for(state.cursor.step)
    trainer = session.trainer
    data = trainer.data
    picture = None
    if boundary_pictures.has_boundary(data):
        picture = boundary_pictures.boundary(data, weights, biases, trainer.network.activations, trainer.train,
                                             current_row)
    return LearnedView(picture, boundary_pictures.weight_pictures(data, weights, neuron_names(session)),
                       data.title, data.kind)


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class DataRow:
    row: int
    label: str
    train: bool
    cells: list[tuple[str, str]] = field(default_factory=list)  # (raw, scaled) per feature
    image: str = ""


@dataclass
class DataView:
    title: str
    name: str
    kind: str
    citation: str
    n_samples: int
    n_features: int
    class_counts: list[tuple[str, int]]
    n_train: int
    n_test: int
    test_share: str
    scaling: str
    feature_names: tuple[str, ...]
    centre: list[str]
    spread: list[str]
    rows: list[DataRow]
    page: int
    pages: int
    first: int
    last: int
    images: bool
    limits: str
    sizes: str


def scaling_text(data: datasets.Dataset) -> str:
    """How the raw values become the network's inputs, in words."""
    if np.all(data.mean == 0) and np.all(data.std == 1):
        return "The network sees the raw values (no scaling)."
    if np.all(data.mean == 0) and np.all(data.std == data.std[0]):
        return f"The network sees each value divided by {data.std[0]:g}: scaled = raw / {data.std[0]:g}."
    return "Each column is standardised: scaled = (raw − mean) / sd, with the column's mean and sd below."


def data_view(session: Session, page: int) -> DataView:
    """The dataset as a table (raw and scaled values) or as thumbnails, one page at a time."""
    trainer = session.trainer
    data = trainer.data
    images = data.image_shape is not None
    per_page = DATA_PAGE_IMAGES if images else DATA_PAGE_ROWS
    pages = max(1, math.ceil(data.n_samples / per_page))
    page = min(max(page, 0), pages - 1)
    in_train = np.zeros(data.n_samples, dtype=bool)
    in_train[trainer.train] = True
    first, last = page * per_page, min((page + 1) * per_page, data.n_samples)
    rows = []
    for row in range(first, last):
        label = data.class_names[int(data.labels[row])]
        if images:
            h, w = data.image_shape
            rows.append(DataRow(row, label, bool(in_train[row]),
                                image=pictures.data_uri(pictures.greys(data.features[row].reshape(h, w)))))
        else:
            rows.append(DataRow(row, label, bool(in_train[row]),
                                [(charts.fmt(r), charts.fmt(s)) for r, s in zip(data.features_raw[row], data.features[row])]))
    counts = np.bincount(data.labels, minlength=data.n_classes)
    standardised = not (np.all(data.mean == 0) and np.all(data.std == 1))
    return DataView(
        data.title, data.name, data.kind, data.citation, data.n_samples, data.n_features,
        [(name, int(c)) for name, c in zip(data.class_names, counts)], len(trainer.train), len(trainer.test),
        f"{100 * session.config.test_fraction:g}%", scaling_text(data), data.feature_names,
        [charts.fmt(m) for m in data.mean] if standardised and not images else [],
        [charts.fmt(s) for s in data.std] if standardised and not images else [],
        rows, page, pages, first, last, images,
        f"CSV with a header row, numeric feature columns and one label column (the last, unless you name it); "
        f"at most {datasets.MAX_CSV_BYTES // 1_000_000} MB, {datasets.MAX_CSV_ROWS:,} rows, "
        f"{datasets.MAX_CSV_FEATURES} features, {datasets.MAX_CSV_CLASSES} classes.",
        " → ".join(str(n) for n in trainer.network.sizes),
    )


def data_page_for(session: Session, cursor: Cursor) -> int:
    """The page of the data table that holds the cursor's sample."""
    data = session.trainer.data
    per_page = DATA_PAGE_IMAGES if data.image_shape is not None else DATA_PAGE_ROWS
    return session.trainer.sample_for(cursor.step) // per_page


# --- Edit & export ------------------------------------------------------------------------------


@dataclass
class EditTarget:
    layer: int
    to: int  # 1-based for people
    source: int | None  # 1-based; None for the bias
    value: float  # as the network picture shows it at the cursor
    name: str  # e.g. "W¹[3, 1]" or "b²[2]"
    meaning: str
    applies_from: int  # 1-based: the step an edit made now starts at
    replaces: float  # the value an edit replaces: at the start of that step, after the current step's update

    @property
    def exact(self) -> str:
        """Every digit, for a title and a data attribute."""
        return repr(self.value)

    @property
    def text(self) -> str:
        return format_number(self.value)

    @property
    def updated(self) -> bool:
        """Whether the current step's update changes the value on screen before an edit applies (mid-step)."""
        return repr(self.replaces) != repr(self.value)

    @property
    def replaces_exact(self) -> str:
        return repr(self.replaces)

    @property
    def replaces_text(self) -> str:
        return format_number(self.replaces)


@dataclass
class ExportView:
    sizes: list[int]
    depth: int
    step: int  # 1-based, for people
    steps_known: int
    target: EditTarget
    boundary_step: int  # 1-based: the step an edit or import applies to
    message: str = ""
    error: str = ""


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def edit_target(session: Session, cursor: Cursor, layer: int = 1, to: int = 1, source: int | None = 1) -> EditTarget:
    """A weight (or bias) of the network as shown at the cursor, named for people (neurons from 1)."""
    sizes = session.trainer.network.sizes
    data = session.trainer.data
    L = len(sizes) - 1
    layer = min(max(layer, 1), L)
    to = min(max(to, 1), sizes[layer])
    at = shown(session, cursor)
    step = actions.boundary(cursor.step, cursor.phase)
    weights, biases = session.weights_at(step)  # as that step's forward pass will use them
    sup = str(layer).translate(_SUP)
    if source is None:
        value, replaces = float(at.biases[layer][to - 1]), float(biases[layer][to - 1])
        name, meaning = f"b{sup}[{to}]", f"the bias of neuron {to} in layer {layer}"
    else:
        source = min(max(source, 1), sizes[layer - 1])
        value, replaces = float(at.weights[layer][to - 1, source - 1]), float(weights[layer][to - 1, source - 1])
        name = f"W{sup}[{to}, {source}]"
        origin = f"input {source} ({data.feature_names[source - 1]})" if layer == 1 else f"neuron {source} of layer {layer - 1}"
        meaning = f"the weight from {origin} to neuron {to} of layer {layer}"
    return EditTarget(layer, to, source, value, name, meaning, step + 1, replaces)


def edit_message(target: EditTarget, value: float, sample: int, loss_before: float, loss_after: float) -> str:
    """What an edit did, in the words of the form before it: which value it replaced, and the step's loss."""
    if target.updated:
        old = (f"{target.replaces_text} (after step {target.applies_from - 1}'s update; {target.text} on screen "
               f"before it)")
    else:
        old = target.text
    return (f"{target.name}: {old} → {format_number(value)}, from step {target.applies_from} on. "
            f"That step's sample (row {sample}) now has loss {format_number(loss_after)} "
            f"(it was {format_number(loss_before)}): step through it to see every number change.")


def export_view(session: Session, state: PageState, target: EditTarget | None = None, message: str = "",
                error: str = "") -> ExportView:
    """The edit form (with the chosen weight's current value) and the export links."""
    c = state.cursor
    return ExportView(
        session.trainer.network.sizes, session.trainer.network.depth, c.step + 1, session.history.size,
        target or edit_target(session, c), (c.step if c.phase < 0 else c.step + 1) + 1, message, error,
    )


# --- which panels an update carries ---------------------------------------------------------------


def _key(panel: str, state: PageState, session: Session) -> tuple:
    """What a panel's content depends on, besides the session's run."""
    if panel in ("charts", "learned"):
        at = shown(session, state.cursor)
        weights_key = (at.weights_after, at.edited)
        return (at.losses, weights_key, state.log_loss) if panel == "charts" else weights_key
    return ()


def due(state: PageState, session: Session) -> dict:
    """The open panel's view for this update, if what it shows changed since it was last sent."""
    panel = state.panel
    if panel not in PANELS or session.sent.get(panel) == _key(panel, state, session):
        return {}
    return render(panel, state, session)


def render(panel: str, state: PageState, session: Session, page: int | None = None) -> dict:
    """The view of one panel, as the template context key it is printed from (and remembered as sent)."""
    if panel not in PANELS:
        return {}
    session.sent[panel] = _key(panel, state, session)
    if panel == "charts":
        return {"charts": charts_view(session, state)}
    if panel == "learned":
        return {"learned": learned_view(session, state)}
    if panel == "data":
        return {"data_panel": data_view(session, data_page_for(session, state.cursor) if page is None else page)}
    if panel == "export":
        return {"export_panel": export_view(session, state)}
    return {}
