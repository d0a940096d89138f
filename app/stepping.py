"""Moving through training at four grains: phase, sample, epoch, and back.

A cursor (step, phase) says what the learner sees: phase -1 is the sample waiting at the
input, phases 0..3L are the step's trace phases (forward 1..L, loss, backward L..1,
update 1..L). All moves are pure functions of the cursor.
"""

from __future__ import annotations

from app.sessions import Cursor

READY = -1
GRAINS = ("phase", "sample", "epoch", "back", "reset")


def phase_titles(depth: int) -> list[str]:
    """The names of a step's 3L + 1 phases, in order."""
    L = depth
    return (
        [f"forward, layer {l}" for l in range(1, L + 1)]
        + ["loss"]
        + [f"backward, layer {l}" for l in range(L, 0, -1)]
        + [f"update, layer {l}" for l in range(1, L + 1)]
    )


def next_phase(c: Cursor, phases: int) -> Cursor:
    """One phase on; after a step's last phase, the next sample waits at the input."""
    return Cursor(c.step, c.phase + 1) if c.phase < phases - 1 else Cursor(c.step + 1, READY)


def next_sample(c: Cursor, phases: int) -> Cursor:
    """The rest of the current step, or the whole next step if this one is done."""
    return Cursor(c.step, phases - 1) if c.phase < phases - 1 else Cursor(c.step + 1, phases - 1)


def next_epoch(c: Cursor, phases: int, epoch_size: int) -> Cursor:
    """To the end of the current epoch's last step, or of the next epoch if this one is done."""
    last = (c.step // epoch_size + 1) * epoch_size - 1
    if c.step == last and c.phase == phases - 1:
        last += epoch_size
    return Cursor(last, phases - 1)


def back(c: Cursor, phases: int) -> Cursor:
    """One phase back, into the previous step when at a step's start; step 0 ready stays put."""
    if c.phase > READY:
        return Cursor(c.step, c.phase - 1)
    return Cursor(c.step - 1, phases - 1) if c.step > 0 else c


def move(c: Cursor, grain: str, phases: int, epoch_size: int) -> Cursor:
    """Apply one of GRAINS to a cursor."""
    if grain == "phase":
        return next_phase(c, phases)
    if grain == "sample":
        return next_sample(c, phases)
    if grain == "epoch":
        return next_epoch(c, phases, epoch_size)
    if grain == "back":
        return back(c, phases)
    if grain == "reset":
        return Cursor()
    raise ValueError(f"unknown move {grain!r}: choose one of {', '.join(GRAINS)}")
