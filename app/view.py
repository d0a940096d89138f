"""What the page shows at a cursor: every neuron, edge and panel, read from the step's trace.

Nothing here computes a number of the network: values come from the trace phases up to
the cursor, and are only formatted, coloured and placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app import layout
from app import notation as notations
from app.explain import format_number
from app.notation import Notation
from app.sessions import Cursor, Session
from app.stepping import phase_titles
from app.trace import Phase, StepTrace


def fmt(x: float) -> str:
    """A number for humans, 3 significant digits."""
    return format_number(float(x), 3)


@dataclass
class NodeView:
    id: str
    x: float
    y: float
    size: float
    pixel: bool
    fill: str
    text: str
    sub: str
    label: str
    info: list[tuple[str, str]]
    classes: str = ""
    exact: dict = field(default_factory=dict)  # the trace's numbers, unformatted, as data-* attributes
    side: str = ""  # a label beside the neuron: the class of an output (and its target)

    @property
    def text_length(self) -> float | None:
        """A squeeze for a number wider than its circle (None: it fits)."""
        room = 1.8 * self.size
        return round(room, 1) if len(self.text) * 0.58 * 14 > room else None


@dataclass
class EdgeView:
    id: str
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float
    opacity: float
    dashed: bool
    src: str
    dst: str
    label: str
    info: list[tuple[str, str]]
    classes: str = ""
    flow: str = ""  # "forward" / "backward": a pulse travels along the edge this phase
    change_width: float = 0.0  # the update's |dW|, drawn as a halo
    tag: str = ""  # a number written on the edge, for small networks
    exact: dict = field(default_factory=dict)
    tag_at: tuple[float, float] = (0.0, 0.0)
    tag_always: bool = True  # False: the number shows while its neuron is focused (busy layers)

    @property
    def style(self) -> str:
        return f"stroke: {self.stroke}; stroke-width: {self.width}px; opacity: {self.opacity}"


@dataclass
class LayerTitle:
    x: float
    title: str
    subtitle: str
    mirror_title: str
    mirror_subtitle: str


@dataclass
class NetworkView:
    """The drawing at a cursor; ``diverged`` is true when the numbers blew up (or are blowing up)."""

    nodes: list[NodeView]
    edges: list[EdgeView]
    titles: list[LayerTitle]
    width: int
    height: int
    phase_kind: str
    phase_layer: int | None
    health: str  # "", "exploding" or "diverged"
    crowded: bool

    @property
    def diverged(self) -> bool:
        return bool(self.health)

    @property
    def edge_tabindex(self) -> int:
        """Tab goes through the neurons; an edge is focused by click, or from its neuron's inspector."""
        return -1


@dataclass
class Known:
    """What the step has computed so far, per layer, at the cursor."""

    z: dict = field(default_factory=dict)
    a: dict = field(default_factory=dict)
    error: dict = field(default_factory=dict)
    f_prime: dict = field(default_factory=dict)
    error_term: dict = field(default_factory=dict)
    grad_weights: dict = field(default_factory=dict)
    delta_weights: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    biases: dict = field(default_factory=dict)
    loss: float | None = None
    output: np.ndarray | None = None


def known_at(trace: StepTrace, phase: int, depth: int) -> Known:
    """Collect the trace's values of phases 0..phase (the weights as they stand after them)."""
    k = Known()
    k.a[0] = trace.input
    for p in trace.phases[:depth]:
        k.weights[p.layer], k.biases[p.layer] = p.values["weights"], p.values["biases"]
    for p in trace.phases[: phase + 1]:
        v = p.values
        if p.kind == "forward":
            k.z[p.layer], k.a[p.layer] = v["z"], v["a"]
        elif p.kind == "loss":
            k.loss, k.output, k.error[depth] = v["loss"], v["output"], v["error"]
        elif p.kind == "backward":
            k.error[p.layer], k.f_prime[p.layer] = v["error"], v["f_prime"]
            k.error_term[p.layer], k.grad_weights[p.layer] = v["error_term"], v["grad_weights"]
        elif p.kind == "update":
            k.weights[p.layer], k.biases[p.layer] = v["new_weights"], v["new_biases"]
            k.delta_weights[p.layer] = v["delta_weights"]
    return k


def layer_name(l: int, depth: int) -> str:
    return "input layer" if l == 0 else ("output layer" if l == depth else f"hidden layer {l}")


def _largest(arrays) -> float:
    finite = [np.max(np.abs(a[np.isfinite(a)])) for a in arrays if np.isfinite(a).any()]
    return float(max(finite)) if finite else 1.0


def _f_prime_of(f_prime: np.ndarray, j: int) -> float:
    """f'(z_j): the diagonal of a softmax Jacobian, or the elementwise derivative."""
    return float(f_prime[j, j] if f_prime.ndim == 2 else f_prime[j])


def network_view(session: Session, cursor: Cursor, notation: Notation | None = None) -> NetworkView:
    """Every neuron and edge at the cursor, placed, coloured and labelled (in the notation's words)."""
    words = notation or notations.get("textbook")
    trace = session.trace(cursor.step)
    data = session.trainer.data
    sizes = tuple(session.trainer.network.sizes)
    L = len(sizes) - 1
    geo = layout.geometry(sizes, data.image_shape)
    k = known_at(trace, cursor.phase, L)
    phase = trace.phases[cursor.phase] if cursor.phase >= 0 else None
    nodes = []
    for l, spots in enumerate(geo.nodes):
        err_scale = _largest([k.error_term[l]]) if l in k.error_term else 1.0
        for spot in spots:
            nodes.append(_node(spot, l, L, k, phase, err_scale, trace, data, words))

    largest_w = _largest([k.weights[l] for l in range(1, L + 1)])
    edges = []
    for l in range(1, L + 1):
        crowded = len(geo.edges[l]) > 150
        W = k.weights[l]
        dW = k.delta_weights.get(l)
        largest_dw = _largest([dW]) if dW is not None else 1.0
        flow = _flow(phase, l, L)
        small = len(geo.edges[l]) <= 40
        for e in geo.edges[l]:
            w = float(W[e.dst, e.src])
            edges.append(_edge(e, l, L, w, dW, largest_w, largest_dw, crowded, flow, small, k, phase,
                               len(geo.edges[l]) <= 12, words))

    titles = [_title(l, L, geo.layer_x[l], session, sizes, words) for l in range(L + 1)]
    return NetworkView(
        nodes, edges, titles, geo.width, geo.height,
        phase.kind if phase else "ready", phase.layer if phase else None,
        health(trace, cursor.phase, k),
        any(len(es) > 150 for es in geo.edges),
    )


HUGE = 1e6  # a weight or loss beyond this is blowing up, even while still finite


def health(trace: StepTrace, phase: int, k: Known) -> str:
    """"diverged" once a non-finite number has appeared, "exploding" when weights or loss are huge, else ""."""
    weights = list(k.weights.values())
    if not all(np.isfinite(w).all() for w in weights) or _diverged_seen(trace, phase):
        return "diverged"
    if max(float(np.max(np.abs(w))) for w in weights) > HUGE or (k.loss is not None and k.loss > HUGE):
        return "exploding"
    return ""


def _diverged_seen(trace: StepTrace, phase: int) -> bool:
    """Whether a non-finite number has appeared by this phase."""
    for p in trace.phases[: phase + 1]:
        for v in p.values.values():
            if isinstance(v, np.ndarray) and v.dtype.kind == "f" and not np.isfinite(v).all():
                return True
            if isinstance(v, float) and not math.isfinite(v):
                return True
    return False


def _node(spot, l, L, k: Known, phase: Phase | None, err_scale, trace: StepTrace, data, words: Notation) -> NodeView:
    j = spot.index
    say, sign = words.layer_words(l), words.sign  # this layer's labels; Udacity's errors have the other sign
    info: list[tuple[str, str]] = []
    name = layer_name(l, L)
    backward_time = phase is not None and phase.kind in ("backward", "update")
    class_names = data.class_names
    if l == 0:
        x = float(k.a[0][j])
        info.append((say["input"], fmt(x)))
        feature = data.feature_names[j] if j < len(data.feature_names) else f"x{j + 1}"
        label = f"{name}, {feature}: {fmt(x)}"
        fill = layout.grey(x) if spot.pixel else layout.colour(x, 1.5)
        return NodeView(f"node-0-{j}", spot.x, spot.y, spot.size, spot.pixel, fill,
                        "" if spot.pixel else fmt(x), "", label, info, "node input", {"a": repr(x)})
    parts = []
    text, sub, fill, classes = "", "", "#ffffff", "node pending"
    if l in k.z:
        z, a = float(k.z[l][j]), float(k.a[l][j])
        info += [(say["z"], fmt(z)), (say["a"], fmt(a))]
        parts.append(f"{say['activation_part']} {fmt(a)}")
        text, sub, fill, classes = fmt(a), f"z {fmt(z)}", layout.colour(a, 1.0), "node"
    if l in k.error:
        info.append((say["error"], fmt(sign * float(k.error[l][j]))))
    if l in k.error_term:
        d = float(k.error_term[l][j])
        info += [(say["f_prime"], fmt(_f_prime_of(k.f_prime[l], j))), (say["error_term"], fmt(sign * d))]
        parts.append(f"{say['error_term_part']} {fmt(sign * d)}")
        if backward_time:
            text, sub = f"{say['tag_term']} {fmt(sign * d)}", f"{say['tag_error']} {fmt(sign * float(k.error[l][j]))}"
            fill, classes = layout.colour(d, err_scale), "node backward"
    elif l in k.error:
        sub = f"{say['tag_error']} {fmt(sign * float(k.error[l][j]))}"  # the loss phase: the error where the mirror starts
    title, side = name, ""
    if l == L and j < len(class_names):
        title, side = f"{name}, {class_names[j]}", class_names[j]
        info.insert(0, ("class", class_names[j]))
        if l in k.error:
            side = f"{class_names[j]} · t {fmt(float(trace.target[j]))}"
    if phase is not None and phase.layer == l and phase.kind in ("forward", "backward"):
        classes += " fresh"  # computed in this very phase: revealed when the travelling values arrive
    label = f"{title}, neuron {j + 1}: " + (", ".join(parts) if parts else "not computed yet in this step")
    if not spot.room or spot.size < 16:
        sub = ""  # no room below the neuron: the readout shows it
    if l in k.f_prime and k.f_prime[l].ndim == 2:
        info.append(("softmax", "f′ is a Jacobian: each δ mixes every output's error"))
    values = [k.z, k.a, k.error, k.error_term]
    if any(l in v and not math.isfinite(float(v[l][j])) for v in values):
        classes += " nonfinite"
    exact = {name: repr(float(values[l][j])) for name, values in
             (("z", k.z), ("a", k.a), ("error", k.error), ("error-term", k.error_term)) if l in values}
    return NodeView(f"node-{l}-{j}", spot.x, spot.y, spot.size, False, fill, text, sub, label, info, classes, exact,
                    side)


def _flow(phase: Phase | None, l: int, L: int) -> str:
    """Which way values travel along layer l's edges in this phase, if at all."""
    if phase is None:
        return ""
    if phase.kind == "forward" and phase.layer == l:
        return "forward"
    if phase.kind == "backward" and phase.layer == l - 1:
        return "backward"
    return ""


def _edge(e, l, L, w, dW, largest_w, largest_dw, crowded, flow, small, k: Known, phase, few: bool,
          words: Notation) -> EdgeView:
    """One edge. In a crowded layer only its numbers go to the page; the readout words them."""
    i, j = e.src, e.dst
    exact = {"w": repr(w)}
    grad = float(k.grad_weights[l][j, i]) if l in k.grad_weights else None
    d = float(dW[j, i]) if dW is not None else None
    updating = phase is not None and phase.kind == "update" and phase.layer == l
    change = 0.0
    if updating and d is not None and math.isfinite(d) and largest_dw > 0:
        change = round(0.5 + 4.5 * min(abs(d) / largest_dw, 1.0), 2)
    label, info = "", []
    if crowded:
        exact.update({k_: repr(v) for k_, v in (("g", grad), ("d", d)) if v is not None})
    else:
        info = [(words.words["weight"], fmt(w))]
        if grad is not None:
            info.append((words.words["gradient"], fmt(words.sign * grad)))
        if d is not None:
            info.append((words.words["change"], fmt(d)))
        label = f"weight from {layer_name(l - 1, L)} neuron {i + 1} to {layer_name(l, L)} neuron {j + 1}: {fmt(w)}"
    tag = ""
    if small and flow:
        tag = f"w {fmt(w)}"
    elif small and updating and d is not None:
        tag = f"Δ {fmt(d)}"
    classes = "edge" + (" negative" if w < 0 else "") + (" active" if flow or updating else "")
    opacity = layout.edge_opacity(w, largest_w, crowded)
    if crowded and opacity < 0.15:
        flow = ""  # no pulse along a faint edge of a crowded layer: the strong ones carry the picture
    if crowded and change < 2.0:
        change = 0.0  # halos only for the biggest changes, or they merge into one block
    along = 0.45 + 0.35 * (i % 4) / 3  # staggered along the edge, so neighbouring numbers do not collide
    tag_at = (round(e.x1 + (e.x2 - e.x1) * along, 1), round(e.y1 + (e.y2 - e.y1) * along - 4, 1))
    return EdgeView(
        f"edge-{l}-{j}-{i}", e.x1, e.y1, e.x2, e.y2, layout.colour(w, largest_w / 2 or 1.0),
        layout.edge_width(w, largest_w), opacity, w < 0,
        f"{l - 1}-{i}", f"{l}-{j}", label, info, classes, flow, change, tag, exact, tag_at, few,
    )


def _title(l: int, L: int, x: float, session: Session, sizes, words: Notation) -> LayerTitle:
    f = session.trainer.network.activations
    return LayerTitle(x, *words.titles(l, L, sizes[l], f[l].name if l else ""))




# --- the panels ---------------------------------------------------------------------


@dataclass
class Counter:
    epoch: int
    sample: int
    epoch_size: int
    step: int
    phase_number: int
    phases: int
    phase_title: str
    row: int


def counter(session: Session, cursor: Cursor) -> Counter:
    """Where we are: epoch, sample within it, phase within the step (all 1-based for people)."""
    pos = session.trainer.position(cursor.step)
    titles = phase_titles(session.trainer.network.depth)
    title = "sample ready at the input" if cursor.phase < 0 else titles[cursor.phase]
    return Counter(pos.epoch + 1, pos.index_in_epoch + 1, session.trainer.epoch_size, cursor.step + 1,
                   cursor.phase + 1, len(titles), title, session.trainer.sample_for(cursor.step))


@dataclass
class Bar:
    name: str
    value: str
    percent: float
    target: bool
    predicted: bool


@dataclass
class SampleView:
    row: int
    label: str
    features: list[tuple[str, str, str]]  # name, raw, scaled
    image: list[list[str]] | None  # rows of grey colours
    bars: list[Bar]
    loss: str | None
    predicted: str | None
    correct: bool | None
    regression: bool
    target: list[str]


def sample_view(session: Session, cursor: Cursor) -> SampleView:
    """The current sample: its features (raw and scaled), its class, the prediction, the loss."""
    trace = session.trace(cursor.step)
    data = session.trainer.data
    L = session.trainer.network.depth
    k = known_at(trace, cursor.phase, L)
    row = trace.sample
    features = []
    if data.image_shape is None:
        features = [(n, fmt(float(data.features_raw[row, i])), fmt(float(data.features[row, i])))
                    for i, n in enumerate(data.feature_names)]
    image = None
    if data.image_shape is not None:
        r, c = data.image_shape
        px = np.asarray(data.features[row]).reshape(r, c)
        image = [[layout.grey(float(v)) for v in line] for line in px]
    one_hot = set(np.unique(data.targets)) <= {0.0, 1.0}
    bars, predicted, correct = [], None, None
    output = k.a.get(L)
    if output is not None:
        top = int(np.argmax(output)) if np.isfinite(output).all() else -1
        for i, name in enumerate(data.class_names):
            v = float(output[i])
            pct = 0.0 if not math.isfinite(v) else max(0.0, min(1.0, v)) * 100
            bars.append(Bar(name, fmt(v), round(pct, 1), bool(trace.target[i] == 1.0), i == top))
        if top >= 0:
            predicted = data.class_names[top]
            correct = top == trace.label
    return SampleView(
        row, data.class_names[trace.label] if one_hot else "", features, image, bars,
        fmt(k.loss) if k.loss is not None else None, predicted, correct if one_hot else None,
        not one_hot, [fmt(float(t)) for t in trace.target],
    )


PHASE_TEXT = {
    "ready": "The sample waits at the input layer. Step forward to feed it through the network.",
    "forward": "Forward, layer {l}: each neuron sums its weighted inputs, z = W a + b, then applies "
               "its activation, a = f(z). Values travel left to right along the edges.",
    "loss": "The loss: the output is compared with the target. The error at each output neuron, "
            "∂E/∂a, is where the backward pass starts.",
    "backward": "Backward, layer {l}: the errors travel back along the same edges (right to left; left "
                "to right in the mirror). Each edge "
                "scales what passes through it by its weight (∂z/∂a = w), each neuron multiplies by "
                "f′(z): its error becomes its error term δ = ∂E/∂z.",
    "update": "Update, layer {l}: every weight moves against its gradient, W ← W − η ∂E/∂W, "
              "where ∂E/∂W = δ aᵀ. Edges change thickness and colour; the halo shows the change ΔW.",
}
MIRROR_TEXT = {
    "backward": "In the mirror, this is a forward pass: the inputs are the error terms of layer {n}, "
                "the weights are Wᵀ, and each neuron's activation derivative f′(z) is applied like "
                "an activation. Its output is δ of layer {l}.",
    "update": "The mirror's prediction: the change to every weight, ΔW = −η δ aᵀ.",
}


def phase_text(kind: str, layer: int | None, last: bool) -> tuple[str, str]:
    """A sentence for the current phase, and its mirror reading (or "")."""
    text = PHASE_TEXT[kind].format(l=layer)
    mirror_text = MIRROR_TEXT.get(kind, "").format(l=layer, n=(layer or 0) + 1)
    if kind == "backward" and last:
        mirror_text = ("In the mirror, this is the input layer: its inputs are the output errors ∂E/∂a, "
                       f"and each output neuron applies f′(z) like an activation. Its output is δ of layer {layer}.")
    return text, mirror_text
