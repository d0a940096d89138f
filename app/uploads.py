"""Files a learner brings: an uploaded CSV, imported weights. Each is kept under its content key.

A key is the first 24 hex digits of the SHA-256 of what was stored, so the same file always
gets the same key, and a URL that names the key finds the file again after a server restart:

    $MIRRORPROP_DATA_DIR (default $XDG_DATA_HOME/mirrorprop, i.e. ~/.local/share/mirrorprop)
        uploads/<key>.csv     the CSV's bytes, as uploaded
        uploads/<key>.json    its file name and label column
        weights/<key>.json    imported weights: {"weights": [...], "biases": [...]}, per layer 1..L

Nothing here knows about the web; the routes give it bytes and show its DatasetError messages.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from app import datasets

KEY = re.compile(r"[0-9a-f]{24}")
MAX_WEIGHTS_BYTES = 2_000_000


def data_dir() -> Path:
    """Where uploads live: $MIRRORPROP_DATA_DIR, else the XDG data directory."""
    if configured := os.environ.get("MIRRORPROP_DATA_DIR"):
        return Path(configured).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mirrorprop"


def _key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()[:24]


def _write(path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)


def _path(kind: str, key: str, suffix: str) -> Path:
    if not KEY.fullmatch(key or ""):
        raise datasets.DatasetError(f"{key!r} is not a file key")
    return data_dir() / kind / f"{key}{suffix}"


# --- CSV data -------------------------------------------------------------------------------------


def check_csv_size(size: int | None, read: int) -> None:
    """DatasetError when an uploaded CSV is over the limit, naming its real size.

    ``size`` is the whole file's size when known; ``read`` how many bytes of it were read (at most
    the limit + 1, enough to tell that an unknown size is over the limit).
    """
    limit = f"the limit is {datasets.MAX_CSV_BYTES // 1_000_000} MB ({datasets.MAX_CSV_BYTES:,} bytes)"
    if size is None and read > datasets.MAX_CSV_BYTES:
        raise datasets.DatasetError(f"The file is too large, over 1 MB: {limit}.")
    if size is not None and size > datasets.MAX_CSV_BYTES:
        raise datasets.DatasetError(f"The file is too large ({size:,} bytes, {size / 1e6:.2f} MB): {limit}.")


def store_csv(data: bytes, filename: str = "", label_column: str | None = None) -> tuple[str, datasets.Dataset]:
    """Check the CSV (DatasetError with its row and column if bad), store it, and return (key, dataset)."""
    label_column = (label_column or "").strip() or None
    dataset = datasets.from_csv(data, label_column=label_column)
    key = _key(data, (label_column or "").encode())
    meta = {"filename": Path(filename or "data.csv").name[:80], "label_column": label_column}
    if not _path("uploads", key, ".csv").exists():
        _write(_path("uploads", key, ".json"), json.dumps(meta).encode())
        _write(_path("uploads", key, ".csv"), bytes(data))
    return key, _titled(dataset, meta)


def has_csv(key: str) -> bool:
    """Whether the CSV with this key is stored here."""
    return bool(KEY.fullmatch(key or "")) and _path("uploads", key, ".csv").exists()


@functools.lru_cache(maxsize=16)
def load_csv(key: str) -> datasets.Dataset:
    """The stored CSV as a dataset (cached; the same key always holds the same file)."""
    try:
        data = _path("uploads", key, ".csv").read_bytes()
        meta = json.loads(_path("uploads", key, ".json").read_text(encoding="utf-8"))
    except OSError:
        raise datasets.DatasetError("The uploaded file is no longer on this server: upload it again.") from None
    return _titled(datasets.from_csv(data, label_column=meta.get("label_column")), meta)


def _titled(dataset: datasets.Dataset, meta: dict) -> datasets.Dataset:
    return dataclasses.replace(dataset, title=f"Your data: {meta['filename']}")


# --- weights ---------------------------------------------------------------------------------------


def store_weights(weights: list, biases: list) -> str:
    """Store per-layer weights and biases (layers 1..L, no None); return their key."""
    doc = {"weights": [np.asarray(W).tolist() for W in weights], "biases": [np.asarray(b).tolist() for b in biases]}
    data = json.dumps(doc, separators=(",", ":")).encode()  # floats are written exactly (repr)
    key = _key(data)
    if not _path("weights", key, ".json").exists():
        _write(_path("weights", key, ".json"), data)
    return key


def has_weights(key: str) -> bool:
    """Whether the weights with this key are stored here."""
    return bool(KEY.fullmatch(key or "")) and _path("weights", key, ".json").exists()


@functools.lru_cache(maxsize=64)
def _weights_json(key: str) -> str:
    return _path("weights", key, ".json").read_text(encoding="utf-8")


def load_weights(key: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The stored weights and biases of layers 1..L, as fresh float64 arrays."""
    doc = json.loads(_weights_json(key))
    return ([np.array(W, dtype=np.float64) for W in doc["weights"]],
            [np.array(b, dtype=np.float64) for b in doc["biases"]])
