"""What fully determines a run: the dataset, the network's shape and functions, eta and the seed.

A Config plus a step count determines every number mirrorprop shows. It comes from a JSON
file (worked examples), from the page's URL, or from the JSON API, and goes back to each.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from app import actions
from app.network import HIDDEN_ACTIVATIONS, LOSS_NAMES, OUTPUT_ACTIVATIONS, loss_for

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 32
MAX_LEARNING_RATE = 1e6


class ConfigError(ValueError):
    """One or more settings are invalid; ``errors`` maps each field to a message for the user."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Config:
    """Everything that determines a run. ``activation`` has one name per hidden layer."""

    dataset: str = "iris"
    hidden: tuple[int, ...] = (8,)
    activation: tuple[str, ...] = ("sigmoid",)
    output: str = "softmax"
    loss: str = "cross_entropy"
    learning_rate: float = 0.1
    seed: int = 1
    noise: float | None = None
    test_fraction: float = 0.2
    title: str = ""
    weights: tuple | None = field(default=None, repr=False)  # per layer, (n_out, n_in) nested lists
    biases: tuple | None = field(default=None, repr=False)
    inputs: tuple | None = field(default=None, repr=False)  # inline data instead of a dataset
    targets: tuple | None = field(default=None, repr=False)
    upload: str | None = None  # the content key of an uploaded CSV (dataset "uploaded"), see app/uploads.py
    picks: tuple[actions.Pick, ...] = ()  # recorded actions, see app/actions.py
    edits: tuple[actions.Edit, ...] = ()
    loads: tuple[actions.Load, ...] = ()

    @property
    def hidden_activations(self) -> list[str]:
        """One activation name per hidden layer (none for a network without hidden layers)."""
        return list(self.activation[: len(self.hidden)])

    def with_changes(self, **changes: Any) -> Config:
        """A validated copy with some fields changed."""
        return validate(replace(self, **changes))

    def to_dict(self) -> dict:
        """A JSON-ready dict, in the config-file format (None fields left out)."""
        d = {k: v for k, v in asdict(self).items() if v is not None and v != "" and k not in ACTION_KINDS}
        d.update(actions.to_json(self))
        d["hidden"] = list(self.hidden)
        d["activation"] = self.activation[0] if len(set(self.activation)) == 1 else list(self.activation)
        for key in ("weights", "biases", "inputs", "targets"):
            if key in d:
                d[key] = _lists(d[key])
        return d

    def to_query(self) -> dict[str, str]:
        """The settings as URL query parameters (inline data and explicit weights are not URL material)."""
        q = {
            "dataset": self.dataset,
            "hidden": ",".join(str(n) for n in self.hidden),
            "activation": ",".join(self.activation) if len(set(self.activation)) > 1 else self.activation[0],
            "output": self.output,
            "loss": self.loss,
            "lr": _short(self.learning_rate),
            "seed": str(self.seed),
        }
        if self.noise is not None:
            q["noise"] = _short(self.noise)
        if self.test_fraction != Config.test_fraction:
            q["split"] = _short(self.test_fraction)
        if self.upload:
            q["upload"] = self.upload
        for key, kind in (("pick", "picks"), ("edit", "edits"), ("load", "loads")):
            if getattr(self, kind):
                q[key] = actions.to_text(getattr(self, kind))
        return q


ACTION_KINDS = ("picks", "edits", "loads")


def _short(x: float) -> str:
    """x as "0.1" or "1e-05" when that reads back exactly, else every digit (the URL must reproduce the run)."""
    return f"{x:g}" if float(f"{x:g}") == x else repr(float(x))


def _lists(value: Any) -> Any:
    return [_lists(v) for v in value] if isinstance(value, (list, tuple)) else value


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value


def validate(config: Config) -> Config:
    """The config itself if every field makes sense, else ConfigError naming each bad field."""
    from app import datasets

    errors: dict[str, str] = {}
    if config.inputs is None and config.dataset not in datasets.NAMES and config.dataset != "uploaded":
        errors["dataset"] = f"unknown dataset {config.dataset!r}: choose one of {', '.join(datasets.NAMES)}"
    if not 0 <= len(config.hidden) <= MAX_HIDDEN_LAYERS:
        errors["hidden"] = f"use 0 to {MAX_HIDDEN_LAYERS} hidden layers"
    elif any(not 1 <= n <= MAX_NEURONS for n in config.hidden):
        errors["hidden"] = f"each hidden layer needs 1 to {MAX_NEURONS} neurons"
    if len(config.activation) != len(config.hidden) and config.hidden:
        errors["activation"] = f"give one activation, or one per hidden layer ({len(config.hidden)})"
    elif bad := [a for a in config.activation if a not in HIDDEN_ACTIVATIONS]:
        errors["activation"] = f"unknown activation {bad[0]!r}: choose one of {', '.join(HIDDEN_ACTIVATIONS)}"
    if config.output not in OUTPUT_ACTIVATIONS:
        errors["output"] = f"unknown output {config.output!r}: choose one of {', '.join(OUTPUT_ACTIVATIONS)}"
    elif config.loss not in LOSS_NAMES:
        errors["loss"] = f"unknown loss {config.loss!r}: choose one of {', '.join(LOSS_NAMES)}"
    else:
        try:
            loss_for(config.loss, config.output)
        except ValueError as e:
            errors["loss"] = str(e)
    lr = config.learning_rate
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and 0 < lr <= MAX_LEARNING_RATE):
        errors["learning_rate"] = f"the learning rate must be a number above 0 and at most {MAX_LEARNING_RATE:g}"
    if not (isinstance(config.seed, int) and 0 <= config.seed < 2**32):
        errors["seed"] = "the seed must be a whole number from 0 to 4294967295"
    if not (isinstance(config.test_fraction, (int, float)) and 0 <= config.test_fraction <= 0.5):
        errors["test_fraction"] = "the held-out test share must be between 0 and 0.5"
    if config.noise is not None and (setting := datasets.NOISE.get(config.dataset)) is None:
        errors["noise"] = f"the dataset {config.dataset!r} has no noise setting"
    elif config.noise is not None and not setting.low <= config.noise <= setting.high:
        errors["noise"] = f"noise must be between {setting.low:g} and {setting.high:g}"
    if (config.inputs is None) != (config.targets is None):
        errors["inputs"] = "give both inputs and targets, or neither"
    if config.dataset == "uploaded" and config.inputs is None:
        from app import uploads

        if not config.upload:
            errors["dataset"] = "the uploaded dataset needs its file: upload a CSV"
        elif not uploads.has_csv(config.upload):
            errors["dataset"] = "the uploaded file is no longer on this server: upload it again"
    if errors:
        raise ConfigError(errors)
    return config


def _as_names(value: Any, n_hidden: int) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
    else:
        parts = [str(p) for p in value]
    if len(parts) == 1:
        return tuple(parts * max(n_hidden, 1))
    return tuple(parts)


def _as_sizes(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        value = [p for p in value.replace(" ", "").split(",") if p]
    sizes = []
    for v in value:
        n = float(v)
        if not math.isfinite(n) or n != int(n) or abs(n) > 1e6:
            raise ValueError
        sizes.append(int(n))
    return tuple(sizes)


def from_dict(d: Mapping[str, Any]) -> Config:
    """A Config from a config-file or API dict (keys as in ``Config``, plus ``layers`` and ``lr``)."""
    known = set(Config.__dataclass_fields__) | {"layers", "lr", "split", "pick", "edit", "load"}
    errors: dict[str, str] = {k: "unknown setting" for k in d if k not in known}
    fields: dict[str, Any] = {}
    try:
        if "layers" in d:
            layers = _as_sizes(d["layers"])
            if len(layers) < 2:
                raise ValueError
            fields["hidden"] = layers[1:-1]
        elif "hidden" in d:
            fields["hidden"] = _as_sizes(d["hidden"])
    except (TypeError, ValueError):
        errors["hidden"] = "layer sizes must be whole numbers, e.g. 8 or 8,4"
    n_hidden = len(fields.get("hidden", Config.hidden))
    for key in ("dataset", "output", "loss", "title"):
        if key in d:
            fields[key] = str(d[key]).strip()
    fields["activation"] = _as_names(d.get("activation", "sigmoid"), n_hidden)
    for key, name, kind in (("learning_rate", "learning_rate", float), ("lr", "learning_rate", float),
                            ("seed", "seed", int), ("noise", "noise", float), ("test_fraction", "test_fraction", float),
                            ("split", "test_fraction", float)):
        if key in d and d[key] not in (None, ""):
            try:
                number = float(d[key])
                if kind is int and number != int(number):
                    raise ValueError
                fields[name] = kind(number)
            except (TypeError, ValueError, OverflowError):
                what = {"learning_rate": "the learning rate", "seed": "the seed", "noise": "the noise",
                        "test_fraction": "the test share"}[name]
                errors[name] = f"{what} must be a whole number" if kind is int else f"{what} must be a number, e.g. 0.1"
    for key in ("weights", "biases", "inputs", "targets"):
        if d.get(key) is not None:
            fields[key] = _tuples(d[key])
    if d.get("upload") and fields.get("dataset") == "uploaded":
        fields["upload"] = str(d["upload"]).strip()
    for key, kind in (("pick", "picks"), ("edit", "edits"), ("load", "loads"), ("picks", "picks"),
                      ("edits", "edits"), ("loads", "loads")):
        if d.get(key) not in (None, ""):
            try:
                fields[kind] = actions.from_json(kind, d[key])
            except ValueError as e:
                errors[kind] = str(e)
    if fields.get("inputs") is not None:
        fields.setdefault("dataset", "inline")
        fields.setdefault("test_fraction", 0.0)
        if "layers" in d:
            fields["_layers"] = _as_sizes(d["layers"])
    layers = fields.pop("_layers", None)
    if errors:
        raise ConfigError(errors)
    config = Config(**fields)
    if config.inputs is not None and layers is not None:
        n_in, n_out = _inline_shape(config)
        if (layers[0], layers[-1]) != (n_in, n_out):
            raise ConfigError({"layers": f"layers {list(layers)} do not fit {n_in} inputs and {n_out} targets"})
    return validate(config) if config.inputs is None else _validate_inline(config)


def _inline_shape(config: Config) -> tuple[int, int]:
    x, t = config.inputs, config.targets
    rows_x = x if isinstance(x[0], tuple) else (x,)
    rows_t = t if isinstance(t[0], tuple) else (t,)
    return len(rows_x[0]), len(rows_t[0])


def _validate_inline(config: Config) -> Config:
    config = replace(config, dataset="inline")
    errors = {}
    try:
        validate(config)
    except ConfigError as e:
        errors.update({k: v for k, v in e.errors.items() if k != "dataset"})
    if errors:
        raise ConfigError(errors)
    return config


def from_query(params: Mapping[str, str]) -> Config:
    """A Config from URL query parameters (``dataset, hidden, activation, output, loss, lr, seed, noise``)."""
    keys = ("dataset", "hidden", "activation", "output", "loss", "lr", "seed", "noise", "split", "upload",
            "pick", "edit", "load")
    d = {k: params[k] for k in keys if k in params and params[k] is not None}
    if "hidden" in d and d["hidden"].strip() in ("", "0", "none"):
        d["hidden"] = []
    return from_dict(d)


def load_file(path: str | Path) -> Config:
    """A Config from a JSON file; ConfigError with a readable message for a bad file."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError({"file": f"cannot read {path}: {e.strerror}"}) from None
    except json.JSONDecodeError as e:
        raise ConfigError({"file": f"{path} is not valid JSON (line {e.lineno}, column {e.colno}): {e.msg}"}) from None
    if not isinstance(d, dict):
        raise ConfigError({"file": f"{path} must hold a JSON object"})
    return from_dict(d)
