"""Trust: the step's analytic gradients against central finite differences, per layer, pass or fail.

The network is the one the step started from (the weights of its forward phases), the sample
is the step's own. ``network.gradient_check`` does the work: backpropagation once, then
(E(w + ε) − E(w − ε)) / 2ε for every weight and bias.

A layer passes when the two agree to within the finite differences' own noise: the largest
|a − n| is at most NOISE · max(1, |E|, max |a|), or the largest relative error is below PASS.
In float64 a central difference carries a rounding error of about 1e-16 · |E| / ε = 1e-10 · |E|
and a truncation error of about ε² · f‴ = 1e-12 · f‴, so gradients of 1e-9 on a loss of 10
cannot agree to a relative 1e-4, however right they are; NOISE = 1e-7 leaves a wide margin
above that noise, and a wrong derivative is off by a good part of the gradient itself.

When an output is within CLIP of 0 or 1, cross-entropy clips it there (log 0 would be −∞):
the clipped loss is flat around that point, so finite differences read 0 while backpropagation
still passes the derivative of the unclipped formula through. Such a sample cannot be checked;
its layers that disagree are "saturated", not "fail".
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np

from app import network
from app.trace import StepTrace

PASS = 1e-4  # largest relative error |a − n| / (|a| + |n|) that passes
NOISE = 1e-7  # largest |a − n| that passes, per unit of max(1, |E|, max |a|)
CLIP = network._EPS  # cross-entropy keeps its outputs within [CLIP, 1 − CLIP]
CLIPPING_LOSSES = ("cross_entropy", "binary_cross_entropy")
ENTRIES = 4  # entries listed per layer: the largest gradients, and the worst agreement
_cache: OrderedDict[tuple, list] = OrderedDict()
_lock = Lock()


@dataclass(frozen=True)
class Entry:
    """One weight or bias: its indices (0-based), both gradients, their difference and relative error."""

    what: str  # "w" or "b"
    index: tuple[int, ...]
    analytic: float
    numeric: float
    relative_error: float

    @property
    def abs_error(self) -> float:
        return abs(self.analytic - self.numeric)


@dataclass(frozen=True)
class LayerCheck:
    layer: int
    shape: tuple[int, int]
    max_relative_error: float
    max_abs_error: float  # the largest |a − n| of the layer
    tolerance: float  # the largest |a − n| that finite differences' noise explains
    verdict: str  # "pass", "fail", or "saturated": the clipped loss is flat, finite differences cannot judge
    same_as_trace: bool  # the analytic gradient is exactly the trace's ∂E/∂W and ∂E/∂b
    entries: list[Entry] = field(default_factory=list)
    clipped: tuple[tuple[int, float], ...] = ()  # (output index, value) of the outputs cross-entropy clips

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def within_noise(self) -> bool:
        """Passed on the noise allowance: the relative error alone would have failed it."""
        return self.passed and not self.max_relative_error < PASS


def network_at(trace: StepTrace, like: network.Network) -> network.Network:
    """The network as the step found it: the forward phases' weights, ``like``'s activations and loss."""
    forward = [p for p in trace.phases if p.kind == "forward"]
    weights = [None] + [np.array(p.values["weights"], dtype=float) for p in forward]
    biases = [None] + [np.array(p.values["biases"], dtype=float) for p in forward]
    return network.Network(weights, biases, list(like.activations), like.loss)


def clipped_outputs(trace: StepTrace) -> tuple[tuple[int, float], ...]:
    """The outputs within CLIP of 0 or 1 when the loss is a cross-entropy (where it clips them)."""
    loss = next(p for p in trace.phases if p.kind == "loss").values
    if loss["loss_function"] not in CLIPPING_LOSSES:
        return ()
    o = np.asarray(loss["output"], dtype=float)
    return tuple((int(k), float(o[k])) for k in np.flatnonzero((o <= CLIP) | (o >= 1.0 - CLIP)))


def tolerance(loss: float, analytic: np.ndarray) -> float:
    """The largest |a − n| that the finite differences' noise explains: NOISE · max(1, |E|, max |a|)."""
    sizes = [1.0, abs(loss)] + [float(np.max(np.abs(a))) for a in analytic if a.size]
    return NOISE * max(s for s in sizes if np.isfinite(s))


def verdict(max_abs: float, max_relative: float, allowed: float, clipped: bool) -> str:
    """"pass" when within the noise or PASS, "saturated" when a clipped loss explains the gap, else "fail"."""
    if max_abs <= allowed or max_relative < PASS:
        return "pass"
    return "saturated" if clipped else "fail"


def check(trace: StepTrace, like: network.Network, key: tuple | None = None) -> list[LayerCheck]:
    """Per layer: how far analytic and numeric gradients are apart, and a verdict.

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
    loss = float(next(p for p in trace.phases if p.kind == "loss").values["loss"])
    clipped = clipped_outputs(trace)
    out = []
    for r in results:
        traced = backward[r.layer]
        same = bool(np.array_equal(r.analytic_weights, traced["grad_weights"])
                    and np.array_equal(r.analytic_biases, traced["grad_biases"]))
        relative = float(r.max_relative_error)
        with np.errstate(invalid="ignore"):
            gaps = [np.abs(r.analytic_weights - r.numeric_weights), np.abs(r.analytic_biases - r.numeric_biases)]
            largest = float(max(np.max(g) for g in gaps))
        allowed = tolerance(loss, [r.analytic_weights, r.analytic_biases])
        out.append(LayerCheck(r.layer, r.analytic_weights.shape, relative, largest, allowed,
                              verdict(largest, relative, allowed, bool(clipped)), same, _entries(r), clipped))
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
