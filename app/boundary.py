"""What the network has learned, as pictures: the decision boundary of a 2D dataset, a map per
hidden neuron, and the first layer's incoming weights (an 8×8 image per neuron for image data).

The boundary is TF Playground's picture: the network's output over a grid that covers the data,
coloured by class, with the data points drawn on top. Each hidden neuron gets the same picture
of its own activation. The grid is fed forward in one batch (app/history.py's ``outputs``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app import datasets, pictures
from app.history import outputs

GRID = 60  # the heatmap's resolution, per side
SIZE = 300  # the boundary picture's side, in SVG pixels
MAP_SIZE = 56  # a neuron's small map
MARGIN = 0.1  # the grid reaches 10% beyond the data on each side


@dataclass
class Point:
    row: int
    x: float
    y: float
    shape: str  # an SVG path, centred on (x, y): its form tells the class without colour
    fill: str
    train: bool
    current: bool
    label: str


@dataclass
class NeuronMap:
    id: str
    title: str
    image: str  # data: URI
    label: str


@dataclass
class Boundary:
    size: int
    image: str
    points: list[Point]
    current: Point | None
    x_name: str
    y_name: str
    x_range: tuple[str, str]
    y_range: tuple[str, str]
    legend: list[tuple[str, str, str]]  # class name, colour, marker path
    layers: list[tuple[str, list[NeuronMap]]]  # hidden layer title, its neurons' maps


@dataclass
class WeightImage:
    id: str
    title: str
    image: str
    label: str


@dataclass
class WeightPictures:
    """The first layer's incoming weights: an image per neuron, or a grid (neurons × features)."""

    layer_title: str
    images: list[WeightImage]  # image datasets
    grid: list[list[tuple[str, str]]]  # tabular: per neuron, per feature (colour, value text)
    feature_names: tuple[str, ...]
    neuron_names: list[str]
    scale: str


def _marker(k: int, x: float, y: float, r: float = 3.6) -> str:
    """Circle, square, triangle, diamond, ... for class k: a path centred on (x, y)."""
    shape = k % 4
    if shape == 0:
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0z"
    if shape == 1:
        s = r * 0.88
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}z"
    if shape == 2:
        return f"M{x:.1f},{y - r * 1.15:.1f}L{x + r * 1.1:.1f},{y + r * 0.8:.1f}L{x - r * 1.1:.1f},{y + r * 0.8:.1f}z"
    return f"M{x:.1f},{y - r * 1.2:.1f}L{x + r * 1.2:.1f},{y:.1f}L{x:.1f},{y + r * 1.2:.1f}L{x - r * 1.2:.1f},{y:.1f}z"


def has_boundary(data: datasets.Dataset) -> bool:
    """A picture of the decision boundary needs exactly two features."""
    return data.n_features == 2


def boundary(data: datasets.Dataset, weights: list, biases: list, activations: list,
             train_rows: np.ndarray, current_row: int | None) -> Boundary:
    """The decision map over the data's range, the points on it, and a map per hidden neuron."""
    raw = np.asarray(data.features_raw)
    low, high = raw.min(axis=0), raw.max(axis=0)
    pad = np.maximum((high - low) * MARGIN, 1e-9)
    low, high = low - pad, high + pad
    cells = (np.arange(GRID) + 0.5) / GRID
    gx = low[0] + cells * (high[0] - low[0])
    gy = high[1] - cells * (high[1] - low[1])  # top row first: y grows upwards
    X_raw = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    X = (X_raw - data.mean) / data.std  # what the network sees, as the dataset scales its features
    A = outputs(weights, biases, activations, X)
    out = A[-1]
    k = data.n_classes
    if k == 2 and out.shape[1] == 2:
        rgb = pictures.diverging(out[:, 1] - out[:, 0], 0.55, strength=0.62)
    elif out.shape[1] == 1:
        rgb = pictures.diverging(out[:, 0] - 0.5, 0.3, strength=0.62)
    else:
        rgb = pictures.class_blend(out, 0.55)
    image = pictures.data_uri(rgb.reshape(GRID, GRID, 3))

    def to_px(v):
        return ((v[:, 0] - low[0]) / (high[0] - low[0]) * SIZE, (high[1] - v[:, 1]) / (high[1] - low[1]) * SIZE)

    px, py = to_px(raw)
    train = np.zeros(len(raw), dtype=bool)
    train[train_rows] = True
    points, current = [], None
    for row in range(len(raw)):
        label_k = int(data.labels[row])
        name = data.class_names[label_k]
        point = Point(row, round(float(px[row]), 1), round(float(py[row]), 1),
                      _marker(label_k, float(px[row]), float(py[row])), pictures.class_colour(label_k, k),
                      bool(train[row]), row == current_row,
                      f"row {row}: {name} at ({raw[row, 0]:.3g}, {raw[row, 1]:.3g})"
                      + (", click to train on it next" if train[row] else ", held-out test sample"))
        points.append(point)
        if row == current_row:
            current = point
    legend = [(name, pictures.class_colour(i, k), _marker(i, 7, 7, 4.5)) for i, name in enumerate(data.class_names)]
    layers = []
    for l in range(1, len(weights) - 1):
        maps = []
        f = activations[l].name
        centre, scale = {"sigmoid": (0.5, 0.25), "tanh": (0.0, 0.6)}.get(f, (0.0, None))
        for j in range(A[l].shape[1]):
            values = A[l][:, j] - centre
            s = scale or max(float(np.nanmax(np.abs(values[np.isfinite(values)]), initial=0.0)) / 1.5, 1e-9)
            maps.append(NeuronMap(f"map-{l}-{j}", f"{l}.{j + 1}",
                                  pictures.data_uri(pictures.diverging(values, s).reshape(GRID, GRID, 3)),
                                  f"hidden layer {l}, neuron {j + 1}: its activation over the plane"))
        layers.append((f"hidden layer {l} ({f})", maps))
    return Boundary(
        SIZE, image, points, current, data.feature_names[0], data.feature_names[1],
        (f"{low[0]:.2g}", f"{high[0]:.2g}"), (f"{low[1]:.2g}", f"{high[1]:.2g}"), legend, layers,
    )


def weight_pictures(data: datasets.Dataset, weights: list, layer_names: list[str]) -> WeightPictures:
    """W[1] drawn per neuron: an image for image data (3Blue1Brown's picture), else a row of colours."""
    W = weights[1]
    finite = W[np.isfinite(W)]
    scale = float(np.max(np.abs(finite))) if finite.size else 1.0
    scale = scale or 1.0
    images, grid = [], []
    if data.image_shape is not None:
        h, w = data.image_shape
        for j in range(W.shape[0]):
            rgb = pictures.diverging(W[j].reshape(h, w), scale / 2)
            images.append(WeightImage(f"wimg-{j}", layer_names[j], pictures.data_uri(rgb),
                                      f"{layer_names[j]}: its {h * w} incoming weights as a {h}×{w} image"))
    else:
        for j in range(W.shape[0]):
            grid.append([(pictures.hex_colour(pictures.diverging(np.array(v), scale / 2)), f"{v:.3g}") for v in W[j]])
    return WeightPictures("layer 1", images, grid, data.feature_names, layer_names, f"{scale:.3g}")
