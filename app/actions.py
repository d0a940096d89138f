"""What a learner does to a run besides stepping, recorded so that replay does it again.

A run is a Config plus a step count. Three actions change what a step does; each is kept in
the Config (and so in the page's URL) with the step it applies to:

    pick   57@12          step 12 trains on dataset row 57, not on the seeded order's choice
    edit   w1.2.0:0.5@5   before step 5, the weight W[1][2, 0] (the edge edge-1-2-0) becomes 0.5
           b2.1:-0.3@5    before step 5, the bias b[2][1] becomes -0.3
    load   9f2c4e…@40     before step 40, every weight and bias comes from a stored weights file

Within a step, a load comes first, then the edits in the order they were made, then the
sample is drawn. Indices are those of the SVG ids: layers 1..L, neurons from 0.

An action is made at a step boundary: while a sample waits at the input (phase -1) it applies
to that step; once a step has begun, to the next one. Making an action starts a new future:
actions recorded for later steps are dropped, as when a video is recorded over.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Config

MAX_VALUE = 1e6  # a hand-typed weight or bias, in absolute value
MAX_ACTIONS = 200  # per kind, so a URL stays a URL


@dataclass(frozen=True)
class Pick:
    """Step ``step`` trains on dataset row ``row``."""

    step: int
    row: int

    def __str__(self) -> str:
        return f"{self.row}@{self.step}"


@dataclass(frozen=True)
class Edit:
    """Before step ``step``: W[layer][to, source] = value, or b[layer][to] = value when source is None."""

    step: int
    layer: int
    to: int
    source: int | None
    value: float

    @property
    def target(self) -> tuple[int, int, int | None]:
        """What the edit changes: (layer, to, source)."""
        return self.layer, self.to, self.source

    @property
    def name(self) -> str:
        """e.g. "w1.2.0" or "b2.1"."""
        return f"w{self.layer}.{self.to}.{self.source}" if self.source is not None else f"b{self.layer}.{self.to}"

    def __str__(self) -> str:
        return f"{self.name}:{short(self.value)}@{self.step}"


@dataclass(frozen=True)
class Load:
    """Before step ``step``: all weights and biases from the stored weights file ``key``."""

    step: int
    key: str

    def __str__(self) -> str:
        return f"{self.key}@{self.step}"


def short(x: float) -> str:
    """x as "0.5" or "1e-05" when that reads back exactly, else every digit."""
    return f"{x:g}" if float(f"{x:g}") == x else repr(float(x))


def boundary(step: int, phase: int) -> int:
    """The step an action made at cursor (step, phase) applies to: this one if it has not begun."""
    return step if phase < 0 else step + 1


# --- the URL form: "57@12,3@40" -------------------------------------------------------------

_PICK = re.compile(r"(\d{1,7})@(\d{1,7})")
_EDIT = re.compile(r"(?:w(\d)\.(\d{1,2})\.(\d{1,2})|b(\d)\.(\d{1,2})):([^@,]+)@(\d{1,7})")
_LOAD = re.compile(r"([0-9a-f]{16,64})@(\d{1,7})")


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_picks(text: str) -> tuple[Pick, ...]:
    """ "57@12,3@40" -> picks; ValueError naming the first bad one."""
    picks = []
    for item in _items(text):
        m = _PICK.fullmatch(item)
        if not m:
            raise ValueError(f"{item!r} is not a pick: write row@step, e.g. 57@12")
        picks.append(Pick(int(m[2]), int(m[1])))
    return _checked(tuple(picks))


def parse_edits(text: str) -> tuple[Edit, ...]:
    """ "w1.2.0:0.5@5,b2.1:-0.3@5" -> edits; ValueError naming the first bad one."""
    edits = []
    for item in _items(text):
        m = _EDIT.fullmatch(item)
        if not m:
            raise ValueError(f"{item!r} is not an edit: write w<layer>.<to>.<from>:value@step or b<layer>.<to>:value@step")
        value = _value(m[6])
        if m[1] is not None:
            edits.append(Edit(int(m[7]), int(m[1]), int(m[2]), int(m[3]), value))
        else:
            edits.append(Edit(int(m[7]), int(m[4]), int(m[5]), None, value))
    return _checked(tuple(edits))


def parse_loads(text: str) -> tuple[Load, ...]:
    """ "9f2c…@40" -> loads; ValueError naming the first bad one."""
    loads = []
    for item in _items(text):
        m = _LOAD.fullmatch(item)
        if not m:
            raise ValueError(f"{item!r} is not a weights load: write key@step")
        loads.append(Load(int(m[2]), m[1]))
    return _checked(tuple(loads))


def _value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and abs(value) <= MAX_VALUE):
        raise ValueError(f"a weight must be a finite number between -{MAX_VALUE:g} and {MAX_VALUE:g}")
    return value


def _checked(actions: tuple) -> tuple:
    if len(actions) > MAX_ACTIONS:
        raise ValueError(f"at most {MAX_ACTIONS} actions of a kind")
    if any(b.step < a.step for a, b in pairwise(actions)):
        raise ValueError("actions must be in step order")
    return actions


def to_text(actions: tuple) -> str:
    """The URL form of picks, edits or loads."""
    return ",".join(str(a) for a in actions)


# --- the JSON form (config files and trace documents) ----------------------------------------


def to_json(config: Config) -> dict:
    """The config's actions as JSON-ready lists (only the kinds that are there)."""
    d: dict = {}
    if config.picks:
        d["picks"] = [{"step": p.step, "row": p.row} for p in config.picks]
    if config.edits:
        d["edits"] = [{"step": e.step, "layer": e.layer, "to": e.to, "from": e.source, "value": e.value}
                      for e in config.edits]
    if config.loads:
        d["loads"] = [{"step": w.step, "weights": w.key} for w in config.loads]
    return d


def from_json(kind: str, value) -> tuple:
    """Picks, edits or loads from their JSON lists, or from the URL text form."""
    if isinstance(value, str):
        return {"picks": parse_picks, "edits": parse_edits, "loads": parse_loads}[kind](value)
    if isinstance(value, tuple) and all(isinstance(v, (Pick, Edit, Load)) for v in value):
        return _checked(value)
    try:
        if kind == "picks":
            return _checked(tuple(Pick(int(v["step"]), int(v["row"])) for v in value))
        if kind == "edits":
            return _checked(tuple(
                Edit(int(v["step"]), int(v["layer"]), int(v["to"]),
                     None if v.get("from") is None else int(v["from"]), _value(str(v["value"])))
                for v in value
            ))
        return _checked(tuple(Load(int(v["step"]), str(v["weights"])) for v in value))
    except (TypeError, KeyError, AttributeError):
        raise ValueError(f"{kind}: a list of objects as in a trace document's config") from None


# --- recording ---------------------------------------------------------------------------------


def record(config: Config, action: Pick | Edit | Load) -> Config:
    """The config with one more action: later actions dropped, the same target at that step replaced."""
    s = action.step
    picks = tuple(p for p in config.picks if p.step < s)
    edits = tuple(e for e in config.edits if e.step < s)
    loads = tuple(w for w in config.loads if w.step < s)
    same_step_picks = [p for p in config.picks if p.step == s]
    same_step_edits = [e for e in config.edits if e.step == s]
    same_step_loads = [w for w in config.loads if w.step == s]
    if isinstance(action, Pick):
        same_step_picks = [action]
    elif isinstance(action, Edit):
        same_step_edits = [e for e in same_step_edits if e.target != action.target] + [action]
    else:
        same_step_loads, same_step_edits = [action], []  # a load replaces the edits made before it
    return replace(
        config,
        picks=picks + tuple(same_step_picks),
        edits=edits + tuple(same_step_edits),
        loads=loads + tuple(same_step_loads),
    )


def without_actions(config: Config) -> Config:
    """The config with no recorded actions: what makes two configs the same run."""
    return replace(config, picks=(), edits=(), loads=())


def first_difference(a: Config, b: Config) -> int:
    """The first step whose actions differ between two configs of the same run (a huge number if none)."""
    firsts = []
    for kind in ("picks", "edits", "loads"):
        left, right = getattr(a, kind), getattr(b, kind)
        n = 0
        while n < min(len(left), len(right)) and left[n] == right[n]:
            n += 1
        if n < len(left):
            firsts.append(left[n].step)
        if n < len(right):
            firsts.append(right[n].step)
    return min(firsts, default=1 << 62)
