"""Trust: the step's analytic gradients against central finite differences, per layer, pass or fail.

The network is the one the step started from (the weights of its forward phases), the sample
is the step's own. ``network.gradient_check`` does the work: backpropagation once, then
(E(w + ε) − E(w − ε)) / 2ε for every weight and bias. A layer passes when its largest relative
error is below PASS (finite differences in float64 reach about 1e-7 on smooth functions; a
wrong derivative shows up as 1e-2 or worse).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np

from app import network
from app.trace import StepTrace

PASS = 1e-4
ENTRIES = 4  # entries listed per layer: the largest gradients, and the worst agreement
_cache: OrderedDict[tuple, list] = OrderedDict()
_lock = Lock()


@dataclass(frozen=True)
class Entry:
    """One weight or bias: its indices (0-based), both gradients, and their relative error."""

    what: str  # "w" or "b"
    index: tuple[int, ...]
    analytic: float
    numeric: float
    relative_error: float


@dataclass(frozen=True)
class LayerCheck:
    layer: int
    shape: tuple[int, int]
    max_relative_error: float
    passed: bool
    same_as_trace: bool  # the analytic gradient is exactly the trace's ∂E/∂W and ∂E/∂b
    entries: list[Entry] = field(default_factory=list)


def network_at(trace: StepTrace, like: network.Network) -> network.Network:
    """The network as the step found it: the forward phases' weights, ``like``'s activations and loss."""
    forward = [p for p in trace.phases if p.kind == "forward"]
    weights = [None] + [np.array(p.values["weights"], dtype=float) for p in forward]
    biases = [None] + [np.array(p.values["biases"], dtype=float) for p in forward]
    return network.Network(weights, biases, list(like.activations), like.loss)


def check(trace: StepTrace, like: network.Network, key: tuple | None = None) -> list[LayerCheck]:
    """Per layer: the largest relative error between analytic and numeric gradients, and a verdict.

    ``key`` (e.g. the session's config and the step) caches the result: a check costs two
    forward passes per weight.
    """
    if key is not None:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
    net = network_at(trace, like)
    results = network.gradient_check(net, np.asarray(trace.input, float), np.asarray(trace.target, float))
    backward = {p.layer: p.values for p in trace.phases if p.kind == "backward"}
    out = []
    for r in results:
        traced = backward[r.layer]
        same = bool(np.array_equal(r.analytic_weights, traced["grad_weights"])
                    and np.array_equal(r.analytic_biases, traced["grad_biases"]))
        error = float(r.max_relative_error)
        out.append(LayerCheck(r.layer, r.analytic_weights.shape, error, bool(error < PASS), same, _entries(r)))
    if key is not None:
        with _lock:
            _cache[key] = out
            while len(_cache) > 32:
                _cache.popitem(last=False)
    return out


def _entries(r: network.LayerCheck) -> list[Entry]:
    """The largest analytic gradients, and the entry where the two agree least."""
    every = []
    for what, analytic, numeric in (("w", r.analytic_weights, r.numeric_weights), ("b", r.analytic_biases,
                                                                                   r.numeric_biases)):
        for index in np.ndindex(analytic.shape):
            a, n = float(analytic[index]), float(numeric[index])
            every.append(Entry(what, tuple(int(i) for i in index), a, n,
                               network.relative_error(np.array(a), np.array(n))))
    largest = sorted(every, key=lambda e: -abs(e.analytic) if np.isfinite(e.analytic) else 0.0)[: ENTRIES - 1]
    worst = max(every, key=lambda e: e.relative_error if np.isfinite(e.relative_error) else np.inf)
    return largest + ([worst] if worst not in largest else [])
