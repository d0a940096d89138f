"""The step trace: what one training step computed, phase by phase, in the order it happened.

    forward layer 1..L, the loss, backward layer L..1, update layer 1..L

The trace narrates the engine's own arrays; it never recomputes a number. The JSON form is
documented in docs/trace-format.md. Non-finite numbers become the strings "NaN",
"Infinity" and "-Infinity", so the JSON stays valid and says the value diverged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.network import BackwardPass, ForwardPass, Network, Update

if TYPE_CHECKING:
    from app.training import Position

FORMAT = "mirrorprop-trace"
VERSION = 1


@dataclass(slots=True)
class Phase:
    """One phase: its kind ("forward", "loss", "backward", "update"), its layer, its numbers."""

    kind: str
    layer: int | None
    values: dict

    @property
    def title(self) -> str:
        """e.g. "forward, layer 2" or "loss"."""
        return self.kind if self.layer is None else f"{self.kind}, layer {self.layer}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "layer": self.layer, **{k: jsonable(v) for k, v in self.values.items()}}


@dataclass(slots=True)
class StepTrace:
    """One step on one sample: where it was, the sample, and its phases."""

    step: int
    epoch: int
    index_in_epoch: int
    sample: int
    label: int
    input: np.ndarray
    target: np.ndarray
    loss: float
    diverged: bool
    phases: tuple[Phase, ...]

    def phase_index(self, kind: str, layer: int | None = None) -> int:
        """The index of the phase of this kind (and layer) in ``phases``."""
        for i, p in enumerate(self.phases):
            if p.kind == kind and p.layer == layer:
                return i
        raise KeyError((kind, layer))

    def to_dict(self) -> dict:
        return {
            "step": self.step,
            "epoch": self.epoch,
            "index_in_epoch": self.index_in_epoch,
            "sample": self.sample,
            "label": self.label,
            "input": jsonable(self.input),
            "target": jsonable(self.target),
            "loss": jsonable(self.loss),
            "diverged": self.diverged,
            "phases": [p.to_dict() for p in self.phases],
        }


def narrate(
    where: Position, sample: int, label: int, net: Network,
    fwd: ForwardPass, loss: float, back: BackwardPass, update: Update, target: np.ndarray,
) -> StepTrace:
    """The phases of one step, from the arrays the engine computed (nothing is recomputed)."""
    L = net.depth
    f = net.activations
    phases = [
        Phase("forward", l, {
            "activation": f[l].name, "inputs": fwd.a[l - 1], "weights": update.weights[l],
            "biases": update.biases[l], "z": fwd.z[l], "a": fwd.a[l],
        })
        for l in range(1, L + 1)
    ]
    phases.append(Phase("loss", None, {
        "loss_function": net.loss.name, "output": fwd.output, "target": target, "loss": loss,
        "error": back.error[L], "prediction": int(np.argmax(fwd.output)),
    }))
    for l in range(L, 0, -1):
        mirror = {} if l == L else {"inputs": back.error_term[l + 1], "mirror_weights": update.weights[l + 1].T}
        phases.append(Phase("backward", l, {
            "activation": f[l].name, **mirror, "error": back.error[l], "f_prime": back.f_prime[l],
            "error_term": back.error_term[l], "activations_in": fwd.a[l - 1],
            "grad_weights": back.grad_weights[l], "grad_biases": back.grad_biases[l],
        }))
    for l in range(1, L + 1):
        phases.append(Phase("update", l, {
            "learning_rate": update.learning_rate, "weights": update.weights[l], "biases": update.biases[l],
            "grad_weights": back.grad_weights[l], "grad_biases": back.grad_biases[l],
            "delta_weights": update.delta_weights[l], "delta_biases": update.delta_biases[l],
            "new_weights": update.new_weights[l], "new_biases": update.new_biases[l],
        }))
    with np.errstate(all="ignore"):  # a sum of huge weights may overflow: that is what it detects
        diverged = not math.isfinite(loss + sum(float(W.sum()) for W in update.new_weights[1:]))
    return StepTrace(
        where.step, where.epoch, where.index_in_epoch, sample, label, fwd.a[0], target, loss, diverged, tuple(phases)
    )


def jsonable(value: Any) -> Any:
    """Arrays to nested lists and non-finite floats to "NaN" / "Infinity" / "-Infinity"."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            return [jsonable(v) for v in value]
        return value.tolist()
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, np.integer):
        return int(value)
    return value


def document(config_dict: dict, sizes: list[int], traces: list[StepTrace]) -> dict:
    """The whole trace document: format, version, config, network shape and steps."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": config_dict,
        "sizes": sizes,
        "steps": [t.to_dict() for t in traces],
    }
