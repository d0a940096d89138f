"""Where every neuron and edge goes in the SVG, and what colour and width it gets.

Geometry and colour live here, in Python, so templates only loop and print. The mirror
view uses the same geometry, flipped left to right by a CSS transform, so the learner
sees the very same drawing turn around.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

WIDTH, HEIGHT = 1000, 600
MARGIN_X, MARGIN_Y = 90, 40
RIGHT_ROOM = 100  # beside the output layer: the class names

# a colour-blind-safe diverging scale: orange for negative, blue for positive (as TF Playground)
NEGATIVE = (230, 97, 1)
NEUTRAL = (247, 247, 247)
POSITIVE = (33, 102, 172)


@dataclass(frozen=True)
class NodeSpot:
    """Where neuron ``index`` of layer ``layer`` sits; ``size`` is the radius, or the side of a pixel."""

    layer: int
    index: int
    x: float
    y: float
    size: float
    pixel: bool = False
    room: bool = False  # space below the neuron for a second line of text


@dataclass(frozen=True)
class EdgeSpot:
    """The edge from neuron ``src`` of layer l-1 to neuron ``dst`` of layer ``layer``."""

    layer: int
    src: int
    dst: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Geometry:
    nodes: tuple[tuple[NodeSpot, ...], ...]  # per layer 0..L
    edges: tuple[tuple[EdgeSpot, ...], ...]  # per layer 0..L (layer 0 has none)
    layer_x: tuple[float, ...]
    width: int = WIDTH
    height: int = HEIGHT


@lru_cache(maxsize=256)
def geometry(sizes: tuple[int, ...], image_shape: tuple[int, int] | None = None) -> Geometry:
    """Positions for a network of layer sizes [n0, ..., nL]; an image input is drawn as its pixel grid."""
    L = len(sizes) - 1
    x0 = MARGIN_X + (110 if image_shape else 0)
    right = WIDTH - MARGIN_X - RIGHT_ROOM + 40
    layer_x = tuple(x0 + (right - x0) * l / L for l in range(L + 1))
    nodes = []
    for l, n in enumerate(sizes):
        if l == 0 and image_shape:
            nodes.append(_pixel_grid(image_shape))
        else:
            nodes.append(_column(l, n, layer_x[l]))
    edges = [()]
    for l in range(1, L + 1):
        edges.append(tuple(
            EdgeSpot(l, s.index, d.index, s.x + (0 if s.pixel else s.size), s.y, d.x - d.size, d.y)
            for d in nodes[l] for s in nodes[l - 1]
        ))
    return Geometry(tuple(nodes), tuple(edges), layer_x)


def _column(layer: int, n: int, x: float) -> tuple[NodeSpot, ...]:
    usable = HEIGHT - 2 * MARGIN_Y
    gap = usable / n
    radius = max(5.0, min(32.0, gap * 0.38))
    top = MARGIN_Y + (usable - gap * (n - 1)) / 2 if n > 1 else HEIGHT / 2
    room = gap - 2 * radius >= 24
    return tuple(NodeSpot(layer, i, x, top + gap * i if n > 1 else top, radius, room=room) for i in range(n))


def _pixel_grid(shape: tuple[int, int]) -> tuple[NodeSpot, ...]:
    rows, cols = shape
    side = min(24.0, (HEIGHT - 2 * MARGIN_Y) * 0.5 / rows)
    left, top = 24.0, (HEIGHT - side * rows) / 2
    return tuple(
        NodeSpot(0, r * cols + c, left + side * (c + 0.5), top + side * (r + 0.5), side, pixel=True)
        for r in range(rows) for c in range(cols)
    )


def colour(value: float, scale: float = 1.0) -> str:
    """A hex colour for a value on the diverging scale; grey for non-finite values."""
    if not math.isfinite(value):
        return "#7f7f7f"
    t = math.tanh(abs(value) / scale) if scale > 0 else 0.0
    end = POSITIVE if value >= 0 else NEGATIVE
    r, g, b = (round(n + (e - n) * t) for n, e in zip(NEUTRAL, end))
    return f"#{r:02x}{g:02x}{b:02x}"


def grey(value: float) -> str:
    """A pixel's grey for a value in [0, 1] (dark ink on paper)."""
    v = 0.0 if not math.isfinite(value) else min(max(value, 0.0), 1.0)
    level = round(255 * (1 - v))
    return f"#{level:02x}{level:02x}{level:02x}"


def edge_width(weight: float, largest: float) -> float:
    """Stroke width in [0.5, 6] proportional to |w| / max |w|."""
    if not math.isfinite(weight) or largest <= 0 or not math.isfinite(largest):
        return 1.0
    return round(0.5 + 5.5 * min(abs(weight) / largest, 1.0), 2)


def edge_opacity(weight: float, largest: float, crowded: bool) -> float:
    """Weak edges fade in crowded layers, so the strong ones stay readable."""
    if not crowded:
        return 0.85
    if not math.isfinite(weight) or largest <= 0 or not math.isfinite(largest):
        return 0.3
    return round(0.04 + 0.8 * min(abs(weight) / largest, 1.0) ** 1.5, 3)
