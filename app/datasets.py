"""Datasets the network can learn: two real ones shipped as files, six drawn by code, and the user's CSV.

Every ``Dataset`` is immutable: its arrays are read-only, so one loaded set can be shared
between requests. Generated sets are deterministic: the same ``(name, noise, seed)`` gives
bit-identical arrays, all randomness coming from ``numpy.random.default_rng(seed)``.

Pure NumPy and the standard library; nothing here knows about the web.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

NAMES: tuple[str, ...] = ("iris", "tiny-flowers", "digits", "xor", "circle", "spiral", "gaussians", "moons")
DEFAULT = "iris"

IRIS_CITATION = (
    'Fisher, R. A. (1936). "The use of multiple measurements in taxonomic problems". '
    "Annals of Eugenics, 7(2), 179-188. Also UCI Machine Learning Repository, "
    "https://doi.org/10.24432/C56C76 (CC BY 4.0)."
)
DIGITS_CITATION = (
    "Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits. "
    "UCI Machine Learning Repository, https://doi.org/10.24432/C50P49 (CC BY 4.0)."
)

# Limits for user uploads (from_csv).
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5_000
MAX_CSV_FEATURES = 64
MAX_CSV_CLASSES = 20

POINTS_PER_CLASS_2D = 100
FLOWERS_PER_KIND = 100
FLOWER_KINDS: tuple[str, ...] = ("daisy", "tulip", "clover", "sunflower")
IMAGE_SIDE = 8
RENDER_SIDE = 32  # flowers are drawn at 32x32, then each 4x4 block is averaged into one pixel


class DatasetError(ValueError):
    """A dataset could not be built; the message is shown to the user as is."""


@dataclass(frozen=True)
class NoiseSetting:
    """The noise a generated dataset accepts: ``low <= noise <= high``, ``default`` when not given."""

    default: float
    low: float
    high: float
    meaning: str


NOISE: dict[str, NoiseSetting] = {
    "tiny-flowers": NoiseSetting(0.05, 0.0, 1.0, "standard deviation of pixel noise (pixels are 0..1)"),
    "circle": NoiseSetting(0.05, 0.0, 1.0, "standard deviation of jitter added to each coordinate"),
    "spiral": NoiseSetting(0.05, 0.0, 1.0, "standard deviation of jitter added to each coordinate"),
    "gaussians": NoiseSetting(0.1, 0.0, 1.0, "standard deviation of jitter added to each coordinate"),
    "moons": NoiseSetting(0.1, 0.0, 1.0, "standard deviation of jitter added to each coordinate"),
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A classification dataset: n samples of d features, each in one of k classes."""

    name: str
    title: str
    kind: str  # "tabular" | "image" | "2d"
    features_raw: np.ndarray  # (n, d) float64, as in the source
    features: np.ndarray  # (n, d) float64, what the network sees
    mean: np.ndarray  # (d,) features = (features_raw - mean) / std
    std: np.ndarray  # (d,)
    labels: np.ndarray  # (n,) int64 class index
    targets: np.ndarray  # (n, k) float64 one-hot
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    image_shape: tuple[int, int] | None
    citation: str

    @property
    def n_samples(self) -> int:
        """n, the number of rows."""
        return int(self.features.shape[0])

    @property
    def n_features(self) -> int:
        """d, the number of input features."""
        return int(self.features.shape[1])

    @property
    def n_classes(self) -> int:
        """k, the number of classes."""
        return len(self.class_names)


# ---------------------------------------------------------------- building blocks


def _read_only(values: np.ndarray, dtype: type) -> np.ndarray:
    """Copy ``values`` (any shape) into a fresh read-only array of ``dtype``."""
    array = np.array(values, dtype=dtype, copy=True)
    array.flags.writeable = False
    return array


def _one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(n,) int class indices -> (n, k) float64 one-hot rows."""
    targets = np.zeros((labels.shape[0], n_classes), dtype=np.float64)
    targets[np.arange(labels.shape[0]), labels] = 1.0
    return targets


def _standardise(features_raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, d) -> ((n, d) scaled to mean 0 sd 1, (d,) mean, (d,) std); a constant column gets std 1."""
    mean = features_raw.mean(axis=0)
    std = features_raw.std(axis=0)
    std = np.where(std > 0.0, std, 1.0)
    return (features_raw - mean) / std, mean, std


def _unscaled(features_raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, d) -> ((n, d) unchanged copy, (d,) zeros, (d,) ones)."""
    d = features_raw.shape[1]
    return features_raw.copy(), np.zeros(d), np.ones(d)


def _make(
    *,
    name: str,
    title: str,
    kind: str,
    features_raw: np.ndarray,
    scaled: tuple[np.ndarray, np.ndarray, np.ndarray],
    labels: np.ndarray,
    class_names: tuple[str, ...],
    feature_names: tuple[str, ...],
    image_shape: tuple[int, int] | None = None,
    citation: str = "",
) -> Dataset:
    """Assemble a Dataset from (n, d) raw features, (features, mean, std) and (n,) labels; freeze it."""
    features, mean, std = scaled
    n, d = features_raw.shape
    assert features.shape == (n, d) and mean.shape == (d,) and std.shape == (d,)
    assert labels.shape == (n,) and len(feature_names) == d
    return Dataset(
        name=name,
        title=title,
        kind=kind,
        features_raw=_read_only(features_raw, np.float64),
        features=_read_only(features, np.float64),
        mean=_read_only(mean, np.float64),
        std=_read_only(std, np.float64),
        labels=_read_only(labels, np.int64),
        targets=_read_only(_one_hot(labels, len(class_names)), np.float64),
        class_names=tuple(class_names),
        feature_names=tuple(feature_names),
        image_shape=image_shape,
        citation=citation,
    )


def _pixel_names(side: int) -> tuple[str, ...]:
    """Feature names "pixel r,c" for a side x side image, row by row: (side*side,) strings."""
    return tuple(f"pixel {row},{col}" for row in range(side) for col in range(side))


def _shuffled(features: np.ndarray, labels: np.ndarray, rng: np.random.Generator):
    """Shuffle (n, d) features and (n,) labels together, so classes are interleaved."""
    order = rng.permutation(labels.shape[0])
    return features[order], labels[order]


# ---------------------------------------------------------------- shipped files


@functools.lru_cache(maxsize=1)
def _iris() -> Dataset:
    """Fisher's iris: (150, 4) centimetres standardised, 3 species of 50."""
    with open(DATA_DIR / "iris.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [row for row in rows[1:] if row]
    class_names = ("setosa", "versicolor", "virginica")
    features_raw = np.array([[float(cell) for cell in row[:4]] for row in body])
    labels = np.array([class_names.index(row[4]) for row in body])
    return _make(
        name="iris",
        title="Iris flowers (Fisher, 1936)",
        kind="tabular",
        features_raw=features_raw,
        scaled=_standardise(features_raw),
        labels=labels,
        class_names=class_names,
        feature_names=tuple(header[:4]),
        citation=IRIS_CITATION,
    )


@functools.lru_cache(maxsize=1)
def _digits() -> Dataset:
    """UCI handwritten digits: (1797, 64) pixels 0..16 shown to the network as 0..1, classes "0".."9"."""
    with gzip.open(DATA_DIR / "digits.csv.gz", "rt", encoding="ascii") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    features_raw, labels = table[:, :-1], table[:, -1].astype(np.int64)
    d = features_raw.shape[1]
    mean, std = np.zeros(d), np.full(d, 16.0)
    return _make(
        name="digits",
        title="Handwritten digits (UCI, 8×8)",
        kind="image",
        features_raw=features_raw,
        scaled=(features_raw / 16.0, mean, std),
        labels=labels,
        class_names=tuple(str(digit) for digit in range(10)),
        feature_names=_pixel_names(IMAGE_SIDE),
        image_shape=(IMAGE_SIDE, IMAGE_SIDE),
        citation=DIGITS_CITATION,
    )


# ---------------------------------------------------------------- small fixed set


@functools.lru_cache(maxsize=1)
def _xor() -> Dataset:
    """The four XOR points: (4, 2) in {0,1}, label x1 != x2."""
    features_raw = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return _make(
        name="xor",
        title="XOR (4 points)",
        kind="2d",
        features_raw=features_raw,
        scaled=_unscaled(features_raw),
        labels=np.array([0, 1, 1, 0]),
        class_names=("0", "1"),
        feature_names=("x1", "x2"),
    )


# ---------------------------------------------------------------- generated 2D sets
# Each draws POINTS_PER_CLASS_2D points per class with the clean shape inside [-1, 1]^2, then adds
# Gaussian jitter of standard deviation `noise` to each coordinate. The network sees them unscaled.


def _circle_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Disc of radius 0.5 (class 0, inside) in a ring 0.7..1.0 (class 1, outside): (2n, 2), (2n,)."""
    radius = np.concatenate([rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n)])
    angle = rng.uniform(0.0, 2.0 * np.pi, 2 * n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return points, np.repeat([0, 1], n)


def _spiral_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms turning 1.75 times out to radius 1, half a turn apart: (2n, 2), (2n,)."""
    radius = np.tile(np.linspace(0.05, 1.0, n), 2)
    arm = np.repeat([0, 1], n)
    angle = 1.75 * 2.0 * np.pi * radius + np.pi * arm
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return points, arm


def _gaussian_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two round blobs (sd 0.15) centred at (-0.5, -0.5) and (0.5, 0.5): (2n, 2), (2n,)."""
    centres = np.repeat([[-0.5, -0.5], [0.5, 0.5]], n, axis=0)
    points = centres + rng.normal(0.0, 0.15, (2 * n, 2))
    return points, np.repeat([0, 1], n)


def _moon_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interlocking half circles (scikit-learn's moons scaled into [-1, 1]): (2n, 2), (2n,)."""
    upper_t, lower_t = rng.uniform(0.0, np.pi, n), rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(upper_t), np.sin(upper_t)])
    lower = np.column_stack([1.0 - np.cos(lower_t), 0.5 - np.sin(lower_t)])
    points = (np.concatenate([upper, lower]) - [0.5, 0.25]) / 1.5
    return points, np.repeat([0, 1], n)


_SHAPES_2D = {
    "circle": ("Circle: inside or outside", ("inside", "outside"), _circle_points),
    "spiral": ("Two spirals", ("arm A", "arm B"), _spiral_points),
    "gaussians": ("Two Gaussian blobs", ("class A", "class B"), _gaussian_points),
    "moons": ("Two moons", ("upper moon", "lower moon"), _moon_points),
}


def _points_2d(name: str, noise: float, seed: int) -> Dataset:
    """A generated 2D set: (200, 2) points in about [-1, 1], 2 balanced classes, shuffled."""
    title, class_names, draw = _SHAPES_2D[name]
    rng = np.random.default_rng(seed)
    points, labels = draw(rng, POINTS_PER_CLASS_2D)
    points = points + rng.normal(0.0, 1.0, points.shape) * noise
    points, labels = _shuffled(points, labels, rng)
    return _make(
        name=name,
        title=title,
        kind="2d",
        features_raw=points,
        scaled=_unscaled(points),
        labels=labels,
        class_names=class_names,
        feature_names=("x1", "x2"),
    )


# ---------------------------------------------------------------- tiny flowers
# Each flower is a greyscale picture on a black background, drawn on a 32x32 grid of sample points in
# [-1, 1]^2 (y up) and averaged down to 8x8. Kinds, as a person sees them at 8x8:
#   daisy     - many thin white petals round a small bright centre: a star-like disc
#   tulip     - an upright cup with pointed tips on a thin stem: a blob high up with a line below
#   clover    - 3 or 4 round grey leaves with dark gaps between: separate blobs
#   sunflower - a big dark centre in a bright ring of broad petals: a ring


def _render_grid() -> tuple[np.ndarray, np.ndarray]:
    """Sample-point coordinates at pixel centres: x (32, 32) left to right, y (32, 32) top to bottom."""
    centres = (np.arange(RENDER_SIDE) + 0.5) / RENDER_SIDE * 2.0 - 1.0
    x, y = np.meshgrid(centres, -centres)
    return x, y


def _pool(picture: np.ndarray) -> np.ndarray:
    """Average each 4x4 block: (32, 32) -> (8, 8)."""
    block = RENDER_SIDE // IMAGE_SIDE
    return picture.reshape(IMAGE_SIDE, block, IMAGE_SIDE, block).mean(axis=(1, 3))


def _angle_to_nearest_petal(angle: np.ndarray, n_petals: int, turn: float) -> np.ndarray:
    """Angle (radians, any shape) from each point to the nearest of n_petals evenly spaced axes."""
    spacing = 2.0 * np.pi / n_petals
    return np.abs((angle - turn + spacing / 2.0) % spacing - spacing / 2.0)


def _daisy(x: np.ndarray, y: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    """Many (9-13) thin petals and a small bright centre, centred at 0: (32, 32) in [0, 1]."""
    radius, angle = np.hypot(x, y), np.arctan2(y, x)
    offset = _angle_to_nearest_petal(angle, int(rng.integers(9, 14)), rng.uniform(0, 2 * np.pi))
    petal = (radius < size) & (radius * np.sin(offset) < 0.07 * size / 0.8) & (np.cos(offset) > 0)
    centre = radius < 0.2 * size
    return np.where(centre, 1.0, np.where(petal, 0.85, 0.0))


def _tulip(x: np.ndarray, y: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    """An upright cup with 3 pointed tips on a stem, tilted a little: (32, 32) in [0, 1]."""
    tilt = rng.uniform(-0.25, 0.25)
    x, y = x * np.cos(tilt) + y * np.sin(tilt), -x * np.sin(tilt) + y * np.cos(tilt)
    half_width, cup_centre, cup_bottom = 0.6 * size, 0.3 * size, -0.45 * size
    bowl = ((x / half_width) ** 2 + ((y - cup_centre) / (cup_centre - cup_bottom)) ** 2 < 1.0) & (
        y <= cup_centre
    )
    tips = 0.35 * size * np.abs(np.cos(1.5 * np.pi * x / half_width))  # three points along the rim
    walls = (np.abs(x) < half_width) & (y > cup_centre) & (y < cup_centre + tips)
    stem = (np.abs(x) < 0.07) & (y < cup_bottom + 0.05)
    return np.where(bowl | walls, 0.9, np.where(stem, 0.6, 0.0))


def _clover(x: np.ndarray, y: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    """3 or 4 round leaves around a dark middle: (32, 32) in [0, 1]."""
    n_leaves, turn = int(rng.integers(3, 5)), rng.uniform(0, 2 * np.pi)
    picture = np.zeros_like(x)
    for leaf in range(n_leaves):
        direction = turn + 2.0 * np.pi * leaf / n_leaves
        centre_x, centre_y = 0.55 * size * np.cos(direction), 0.55 * size * np.sin(direction)
        picture[np.hypot(x - centre_x, y - centre_y) < 0.38 * size] = 0.75
    return picture


def _sunflower(x: np.ndarray, y: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    """A big dark centre in a ring of 14-19 broad bright petals: (32, 32) in [0, 1]."""
    radius, angle = np.hypot(x, y), np.arctan2(y, x)
    n_petals = int(rng.integers(14, 20))
    edge = size * (0.88 + 0.12 * np.cos(n_petals * (angle - rng.uniform(0, 2 * np.pi))))
    centre = radius < 0.5 * size
    return np.where(centre, 0.2, np.where(radius < edge, 1.0, 0.0))


_DRAW_FLOWER = {"daisy": _daisy, "tulip": _tulip, "clover": _clover, "sunflower": _sunflower}


def _flower_image(kind: str, noise: float, rng: np.random.Generator) -> np.ndarray:
    """One flower of ``kind`` with random size, position, brightness and pixel noise: (8, 8) in [0, 1]."""
    x, y = _render_grid()
    shift_x, shift_y = rng.uniform(-0.12, 0.12, 2)
    size = rng.uniform(0.7, 0.95)
    picture = _DRAW_FLOWER[kind](x - shift_x, y - shift_y, size, rng)
    image = _pool(picture) * rng.uniform(0.8, 1.0)
    return np.clip(image + rng.normal(0.0, 1.0, image.shape) * noise, 0.0, 1.0)


def _tiny_flowers(noise: float, seed: int) -> Dataset:
    """Drawn flowers: (400, 64) pixels in [0, 1], 4 kinds of 100, shuffled; image_shape (8, 8)."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(FLOWER_KINDS)), FLOWERS_PER_KIND)
    images = np.stack([_flower_image(FLOWER_KINDS[label], noise, rng).ravel() for label in labels])
    images, labels = _shuffled(images, labels, rng)
    return _make(
        name="tiny-flowers",
        title="Tiny flowers (drawn by code, 8×8)",
        kind="image",
        features_raw=images,
        scaled=_unscaled(images),
        labels=labels,
        class_names=FLOWER_KINDS,
        feature_names=_pixel_names(IMAGE_SIDE),
        image_shape=(IMAGE_SIDE, IMAGE_SIDE),
    )


# ---------------------------------------------------------------- load / describe


def _checked_noise(name: str, noise: float | None) -> float | None:
    """The noise to use for ``name``: its default when None; DatasetError when out of range or not allowed."""
    setting = NOISE.get(name)
    if setting is None:
        if noise is not None:
            raise DatasetError(f"The dataset '{name}' has no noise setting.")
        return None
    if noise is None:
        return setting.default
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise DatasetError(f"Noise must be a number, not {noise!r}.")
    value = float(noise)
    if not math.isfinite(value) or not setting.low <= value <= setting.high:
        raise DatasetError(
            f"Noise for '{name}' must be between {setting.low:g} and {setting.high:g}, not {noise!r}."
        )
    return value


@functools.lru_cache(maxsize=64)
def _build(name: str, noise: float | None, seed: int) -> Dataset:
    """Build (or fetch from the cache) one dataset; arguments already checked."""
    if name == "iris":
        return _iris()
    if name == "digits":
        return _digits()
    if name == "xor":
        return _xor()
    if name == "tiny-flowers":
        return _tiny_flowers(noise, seed)
    return _points_2d(name, noise, seed)


def load(name: str, *, noise: float | None = None, seed: int = 0) -> Dataset:
    """Load a dataset by name (one of NAMES); ``noise``/``seed`` shape the generated ones. Cached."""
    if name not in NAMES:
        raise DatasetError(f"Unknown dataset '{name}'. Choose one of: {', '.join(NAMES)}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DatasetError(f"The seed must be a whole number 0 or more, not {seed!r}.")
    return _build(name, _checked_noise(name, noise), int(seed) if name in NOISE else 0)


@functools.lru_cache(maxsize=1)
def _descriptions() -> tuple[tuple[tuple[str, object], ...], ...]:
    """describe()'s rows, computed once, as tuples of (key, value) pairs."""
    rows = []
    for name in NAMES:
        dataset, setting = load(name), NOISE.get(name)
        row = {
            "name": name,
            "title": dataset.title,
            "kind": dataset.kind,
            "n_samples": dataset.n_samples,
            "n_features": dataset.n_features,
            "n_classes": dataset.n_classes,
            "has_noise": setting is not None,
            "default_noise": setting.default if setting else None,
            "noise_min": setting.low if setting else None,
            "noise_max": setting.high if setting else None,
        }
        rows.append(tuple(row.items()))
    return tuple(rows)


def describe() -> list[dict]:
    """One dict per dataset in NAMES order, for a settings dropdown (a fresh list each call)."""
    return [dict(row) for row in _descriptions()]


# ---------------------------------------------------------------- user CSV


def _decode(data: bytes | str) -> str:
    """The upload as text: size-checked, UTF-8 (a BOM is dropped)."""
    if isinstance(data, str):
        size = len(data.encode("utf-8", errors="surrogatepass"))
        text = data
    elif isinstance(data, (bytes, bytearray, memoryview)):
        size = len(data)
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise DatasetError(
                f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). "
                "Save it as 'CSV UTF-8' and try again."
            ) from None
    else:
        raise DatasetError("The upload must be CSV text.")
    if size > MAX_CSV_BYTES:
        raise DatasetError(f"The file is too large ({size:,} bytes): the limit is 1 MB ({MAX_CSV_BYTES:,} bytes).")
    return text.removeprefix("\ufeff")


def _read_rows(text: str) -> list[tuple[int, list[str]]]:
    """Parse CSV text into (row number, cells) pairs, skipping blank lines; the header is row 1."""
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise DatasetError(f"Row {row} contains a NUL character: the file is not plain CSV text.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    row = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(rows) > MAX_CSV_ROWS:
                    raise DatasetError(f"The file has too many rows: the limit is {MAX_CSV_ROWS:,} data rows.")
                rows.append((row, cells))
            row = reader.line_num + 1
    except csv.Error as error:
        raise DatasetError(f"Row {row} could not be read as CSV: {error}.") from None
    return rows


def _check_header(header: list[str]) -> list[str]:
    """Stripped column names: none empty, none repeated, at least 2."""
    names = [cell.strip() for cell in header]
    if len(names) < 2:
        raise DatasetError("The header needs at least two columns: one or more features and a label.")
    for column, column_name in enumerate(names, start=1):
        if not column_name:
            raise DatasetError(f"Column {column} of the header (row 1) has no name.")
        if names.index(column_name) != column - 1:
            raise DatasetError(
                f"Columns {names.index(column_name) + 1} and {column} are both named '{column_name}'."
            )
    return names


def _label_index(names: list[str], label_column: str | None) -> int:
    """Index of the label column: the named one, or the last column when None."""
    if label_column is None:
        return len(names) - 1
    wanted = label_column.strip()
    if wanted not in names:
        raise DatasetError(f"Label column '{wanted}' not found; the columns are: {', '.join(names)}.")
    return names.index(wanted)


def _shown(cell: str, limit: int = 40) -> str:
    """A cell's text quoted for an error message, cut to ``limit`` characters."""
    return repr(cell if len(cell) <= limit else cell[: limit - 1] + "…")


def _parse_number(cell: str, row: int, column_name: str) -> float:
    """One feature cell as a finite float; DatasetError naming row and column otherwise."""
    text = cell.strip()
    where = f"Row {row}, column '{column_name}'"
    if not text:
        raise DatasetError(f"{where} is empty: every feature needs a number.")
    try:
        value = float(text) if "_" not in text else None
    except ValueError:
        value = None
    if value is None:
        raise DatasetError(f"{where}: {_shown(text)} is not a number.")
    if math.isnan(value):
        raise DatasetError(f"{where}: {_shown(text)} is a missing value (NaN); every feature needs a number.")
    if math.isinf(value):
        raise DatasetError(f"{where}: {_shown(text)} is infinite; every feature needs a finite number.")
    return value


def _class_names(label_texts: list[str]) -> tuple[str, ...]:
    """Sorted distinct labels as strings; numeric labels sort by value (2 before 10)."""
    distinct = set(label_texts)
    try:
        values = {text: float(text) for text in distinct}
    except ValueError:
        return tuple(sorted(distinct))
    return tuple(sorted(distinct, key=lambda text: (values[text], text)))


def _check_classes(class_names: tuple[str, ...], column_name: str) -> None:
    """At least 2 and at most MAX_CSV_CLASSES classes."""
    if len(class_names) < 2:
        raise DatasetError(
            f"The label column '{column_name}' has only one class ({_shown(class_names[0])}): "
            "a classifier needs at least two."
        )
    if len(class_names) > MAX_CSV_CLASSES:
        raise DatasetError(
            f"The label column '{column_name}' has {len(class_names)} different values: the limit is "
            f"{MAX_CSV_CLASSES} classes. Is '{column_name}' really the label column?"
        )


def from_csv(data: bytes | str, *, name: str = "uploaded", label_column: str | None = None) -> Dataset:
    """The user's CSV (header row, numeric features, one label column; last by default) as a Dataset.

    Rows are counted as a spreadsheet counts them, the header being row 1. Features are standardised.
    """
    rows = _read_rows(_decode(data))
    if not rows:
        raise DatasetError("The file is empty.")
    names = _check_header(rows[0][1])
    body = rows[1:]
    if not body:
        raise DatasetError("The file has a header but no data rows.")
    if len(body) > MAX_CSV_ROWS:
        raise DatasetError(f"The file has too many rows: the limit is {MAX_CSV_ROWS:,} data rows.")
    if len(body) < 2:
        raise DatasetError("The file has only 1 data row: at least 2 are needed.")
    label_at = _label_index(names, label_column)
    feature_at = [column for column in range(len(names)) if column != label_at]
    if len(feature_at) > MAX_CSV_FEATURES:
        raise DatasetError(
            f"The file has too many feature columns ({len(feature_at)}): the limit is {MAX_CSV_FEATURES}."
        )
    features_raw = np.empty((len(body), len(feature_at)), dtype=np.float64)
    label_texts: list[str] = []
    for index, (row, cells) in enumerate(body):
        if len(cells) != len(names):
            raise DatasetError(f"Row {row} has {len(cells)} cells, the header has {len(names)}.")
        for out, column in enumerate(feature_at):
            features_raw[index, out] = _parse_number(cells[column], row, names[column])
        label = cells[label_at].strip()
        if not label or label.lower() in ("nan", "na", "n/a", "null", "none"):
            raise DatasetError(f"Row {row}, column '{names[label_at]}': the label is missing.")
        label_texts.append(label)
    class_names = _class_names(label_texts)
    _check_classes(class_names, names[label_at])
    labels = np.array([class_names.index(text) for text in label_texts], dtype=np.int64)
    return _make(
        name=name,
        title="Your uploaded data" if name == "uploaded" else name,
        kind="tabular",
        features_raw=features_raw,
        scaled=_standardise(features_raw),
        labels=labels,
        class_names=class_names,
        feature_names=tuple(names[column] for column in feature_at),
        citation="",
    )
