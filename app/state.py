"""The page's state as it lives in the URL: settings, seed, position and view options.

Everything a learner sees follows from this state, so a URL can be reloaded, shared, or
opened after a server restart and show exactly the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from app import notation as notations
from app.config import Config, ConfigError, from_query
from app.sessions import Cursor
from app.training import check_actions

MAX_STEP = 300_000  # replaying this far from scratch takes about 15 s; checkpoints make it once
SPEEDS = (2000, 1200, 700, 400, 200, 80)  # milliseconds per phase, slow to fast
DEFAULT_SPEED = 700
PANEL = re.compile(r"[a-z][a-z-]{0,19}")


@dataclass(frozen=True)
class PageState:
    config: Config
    cursor: Cursor = field(default_factory=Cursor)
    mirror: bool = False
    presenter: bool = False
    speed: int = DEFAULT_SPEED
    panel: str = ""  # the side panel's open tab, e.g. "charts" (the Sample tab when empty)
    log_loss: bool = False  # the loss chart on a log scale
    notation: str = notations.DEFAULT  # labels, tooltips and formulas: "textbook", "udacity" or "3b1b"

    def query(self) -> dict[str, str]:
        """The state as URL query parameters."""
        q = self.config.to_query()
        q["step"], q["phase"] = str(self.cursor.step), str(self.cursor.phase)
        if self.mirror:
            q["view"] = "mirror"
        if self.presenter:
            q["presenter"] = "1"
        if self.speed != DEFAULT_SPEED:
            q["speed"] = str(self.speed)
        if self.panel:
            q["panel"] = self.panel
        if self.log_loss:
            q["log"] = "1"
        if self.notation != notations.DEFAULT:
            q["notation"] = self.notation
        return q

    def url(self, path: str = "/") -> str:
        return f"{path}?{urlencode(self.query())}"

    def at(self, cursor: Cursor) -> PageState:
        return replace(self, cursor=cursor)


def _int(params: Mapping[str, str], key: str, default: int, low: int, high: int, errors: dict) -> int:
    raw = params.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[key] = f"{key} must be a whole number"
        return default
    if not low <= value <= high:
        errors[key] = f"{key} must be between {low} and {high}"
        return default
    return value


def parse(params: Mapping[str, str]) -> tuple[PageState, dict[str, str]]:
    """The state from query or form parameters, and the errors found (the defaults stand in for bad fields)."""
    errors: dict[str, str] = {}
    good = dict(params)
    config = Config()
    for _ in range(len(good) + 1):  # drop each bad field in turn, so every error is reported
        try:
            config = from_query(good)
            break
        except ConfigError as e:
            errors.update({k: v for k, v in e.errors.items() if k not in errors})
            bad = {key for key in good if _field(key) in e.errors}
            if not bad:
                config = Config()
                break
            good = {k: v for k, v in good.items() if k not in bad}
    step = _int(params, "step", 0, 0, MAX_STEP, errors)
    phase = _int(params, "phase", -1, -1, 3 * (len(config.hidden) + 1), errors)
    speed = _int(params, "speed", DEFAULT_SPEED, 20, 5000, errors)
    if bad_actions := check_actions(config):  # e.g. a picked row that this dataset does not have
        errors.update(bad_actions)
        config = replace(config, **{kind: () for kind in bad_actions})
    panel = str(params.get("panel") or "")
    notation = str(params.get("notation") or notations.DEFAULT)
    if notation not in notations.NOTATIONS:
        errors["notation"] = f"notation must be one of {', '.join(notations.NOTATIONS)}"
        notation = notations.DEFAULT
    state = PageState(
        config, Cursor(step, phase), params.get("view") == "mirror",
        params.get("presenter") in ("1", "true", "on"), speed,
        panel if PANEL.fullmatch(panel) else "", params.get("log") in ("1", "true", "on"), notation,
    )
    return state, errors


def _field(key: str) -> str:
    return {"lr": "learning_rate", "split": "test_fraction", "pick": "picks", "edit": "edits", "load": "loads"}.get(key, key)
