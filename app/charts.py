"""The charts of learning over time, as SVG geometry: the loss, the accuracy per epoch, a confusion matrix.

Every coordinate, path and colour is computed here, so the templates only print them. The
numbers come from app/history.py (losses recorded from the steps, accuracies of the weights at
each epoch's end); nothing here trains or evaluates a network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.explain import format_number
from app.history import RUNNING_WINDOW, Accuracy, epoch_means, running_mean

WIDTH, HEIGHT = 320, 176
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 10, 30
MAX_POINTS = 400  # beyond this many steps, each pixel column shows the spread of its steps' losses
MAX_EPOCH_SEGMENTS = 200
LOG_FLOOR = 1e-5
BLUE, ORANGE, INK, MUTED, GRID = "#2166ac", "#e66101", "#1d2330", "#5b6475", "#e6e8ec"


def fmt(x: float, digits: int = 3) -> str:
    return format_number(float(x), digits)


@dataclass
class Tick:
    at: float  # pixel position
    label: str


@dataclass
class Frame:
    """The plot area and its axes, in pixels."""

    width: int = WIDTH
    height: int = HEIGHT
    left: float = LEFT
    top: float = TOP
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def nice_step(span: float, count: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``count`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(low: float, high: float, to_px, count: int = 5, label=None) -> list[Tick]:
    step = nice_step(high - low, count)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + 1e-9 * step:
        ticks.append(Tick(round(to_px(value), 1), label(value) if label else fmt(value)))
        value += step
    return ticks


def _path_points(xs: np.ndarray, ys: np.ndarray) -> str:
    """ "x,y x,y …" for a <polyline>, skipping non-finite points."""
    ok = np.isfinite(ys)
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[ok], ys[ok]))


# --- the loss -----------------------------------------------------------------------------------


@dataclass
class LossChart:
    frame: Frame
    samples: str  # one path: a dot per step, or a vertical stroke per pixel column (min..max)
    samples_as_dots: bool
    running: str  # polyline points: the mean of the last RUNNING_WINDOW losses
    epochs: str  # path: one horizontal segment per complete epoch at its mean loss
    epoch_dots: list[tuple[float, float, str]]  # (x, y, label) at each epoch's end
    epoch_lines: list[float]  # x of each epoch boundary
    now_x: float | None
    log: bool
    steps: int
    last: str
    running_last: str
    epoch_last: str
    diverged: int  # steps whose loss was not finite
    window: int = RUNNING_WINDOW
    summary: str = ""


def loss_chart(losses: np.ndarray, epoch_size: int, log: bool = False) -> LossChart:
    """The chart of ``losses`` (one per step, in order): each step, a running mean and each epoch's mean."""
    n = len(losses)
    frame = Frame(x_title="step", y_title="loss E (log scale)" if log else "loss E")
    span = max(n, min(epoch_size, 50), 10)
    finite = losses[np.isfinite(losses)]
    running = running_mean(losses) if n else np.empty(0)
    means = epoch_means(losses, epoch_size)

    def y_value(v):
        v = np.asarray(v, dtype=np.float64)
        return np.log10(np.maximum(v, LOG_FLOOR)) if log else v

    if len(finite):
        if log:
            low = math.floor(float(np.log10(max(float(finite.min()), LOG_FLOOR))))
            high = math.ceil(float(np.log10(max(float(finite.max()), LOG_FLOOR * 10))))
            low = min(low, high - 1)
        else:
            low = 0.0
            top = max(float(np.quantile(finite, 0.99)), float(np.nanmax(running)) if len(running) else 0.0)
            step = nice_step(top or 1.0, 4)
            high = math.ceil(top * 1.02 / step) * step or 1.0
    else:
        low, high = (-2, 1) if log else (0.0, 1.0)

    def px_x(step):
        return frame.left + np.asarray(step, dtype=np.float64) / span * frame.plot_width

    def px_y(v):
        y = (y_value(v) - low) / (high - low)
        return frame.bottom - np.clip(y, 0.0, 1.0) * frame.plot_height

    frame.x_ticks = _ticks(0, span, lambda s: float(px_x(s)), 5, lambda s: f"{int(s):,}")
    if log:
        frame.y_ticks = [Tick(round(float(frame.bottom - (e - low) / (high - low) * frame.plot_height), 1),
                              f"1e{e}" if e not in (0, -1, 1) else {0: "1", -1: "0.1", 1: "10"}[e])
                         for e in range(int(low), int(high) + 1)]
    else:
        frame.y_ticks = _ticks(low, high, lambda v: float(px_y(v)), 4)

    as_dots = n <= MAX_POINTS
    if n == 0:
        samples = ""
    elif as_dots:
        xs, ys = px_x(np.arange(n) + 1), px_y(np.where(np.isfinite(losses), losses, np.nan))
        samples = " ".join(f"M{x:.1f},{y:.1f}h0" for x, y in zip(xs, ys) if math.isfinite(y))
    else:
        samples = _spread(losses, px_x, px_y, frame)
    if n > MAX_POINTS:
        pick = np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(int))
        running_points = _path_points(px_x(pick + 1), px_y(running[pick]))
    else:
        running_points = _path_points(px_x(np.arange(n) + 1), px_y(running))

    segments, dots = [], []
    if len(means) <= MAX_EPOCH_SEGMENTS:  # a level per epoch, a dot at its end
        for e, m in enumerate(means):
            if not math.isfinite(m):
                continue
            x0, x1, y = float(px_x(e * epoch_size)), float(px_x((e + 1) * epoch_size)), float(px_y(m))
            segments.append(f"M{x0:.1f},{y:.1f}H{x1:.1f}")
            dots.append((round(x1, 1), round(y, 1), f"epoch {e + 1}: mean loss {fmt(m)}"))
    else:  # very many short epochs: a line through an even selection of them
        pick = np.unique(np.linspace(0, len(means) - 1, MAX_POINTS).astype(int))
        points = _path_points(px_x((pick + 1) * epoch_size), px_y(means[pick]))
        segments.append("M" + points.replace(" ", "L") if points else "")
    boundaries = [round(float(px_x(e * epoch_size)), 1) for e in range(1, n // epoch_size + 1)] if span / epoch_size <= 40 else []
    chart = LossChart(
        frame, samples, as_dots, running_points, "".join(segments), dots if len(dots) <= 60 else dots[-1:],
        boundaries, round(float(px_x(n)), 1) if n else None, log, n,
        fmt(losses[-1]) if n else "—", fmt(running[-1]) if n and math.isfinite(running[-1]) else "—",
        fmt(means[-1]) if len(means) else "—", int(n - len(finite)),
    )
    chart.summary = (f"Loss over {n:,} steps: the last sample's loss {chart.last}, the mean of the last "
                     f"{RUNNING_WINDOW} {chart.running_last}" + (f", the last epoch's mean {chart.epoch_last}" if len(means) else "")
                     + ".") if n else "No step has reached its loss yet."
    return chart


def _spread(losses: np.ndarray, px_x, px_y, frame: Frame) -> str:
    """One vertical stroke per pixel column, from the smallest to the largest loss of its steps."""
    n = len(losses)
    edges = np.unique(np.linspace(0, n, int(frame.plot_width) + 1).astype(int))
    clean = np.where(np.isfinite(losses), losses, np.nan)
    with np.errstate(all="ignore"):
        low = np.fmin.reduceat(clean, edges[:-1])  # fmin and fmax skip NaN
        high = np.fmax.reduceat(clean, edges[:-1])
    xs = px_x((edges[:-1] + edges[1:]) / 2)
    ys_low, ys_high = px_y(low), px_y(high)
    return "".join(f"M{x:.1f},{y0:.1f}V{min(y1, y0 - 0.8):.1f}"
                   for x, y0, y1, m in zip(xs, ys_low, ys_high, np.isnan(low)) if not m)


# --- accuracy -------------------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    points: str
    markers: list[tuple[float, float, str]]  # x, y, label
    last: str


@dataclass
class AccuracyChart:
    frame: Frame
    train: Series
    test: Series | None
    epochs: int
    summary: str


def accuracy_chart(per_epoch: list[tuple[int, Accuracy]], n_train: int, n_test: int) -> AccuracyChart:
    """Train and test accuracy after each epoch (epoch 0: the initial weights), in percent."""
    last_epoch = max((e for e, _ in per_epoch), default=0)
    span = max(last_epoch, 1)
    frame = Frame(x_title="epoch", y_title="accuracy %")

    def px_x(e):
        return frame.left + e / span * frame.plot_width

    def px_y(share):
        return frame.bottom - share * frame.plot_height

    frame.x_ticks = _ticks(0, span, px_x, min(span, 5), lambda e: f"{int(e)}")
    frame.y_ticks = [Tick(round(px_y(p / 100), 1), f"{p}") for p in (0, 25, 50, 75, 100)]

    def series(name: str, pick) -> Series:
        points = [(e, pick(a)) for e, a in per_epoch if pick(a) is not None]
        if len(points) > MAX_POINTS:  # thousands of tiny epochs: an even selection, the last one kept
            keep = np.unique(np.linspace(0, len(points) - 1, MAX_POINTS).astype(int))
            points = [points[i] for i in keep]
        xs = np.array([px_x(e) for e, _ in points])
        ys = np.array([px_y(v) for _, v in points])
        markers = [(round(px_x(e), 1), round(px_y(v), 1), f"epoch {e}: {name} accuracy {100 * v:.1f}%")
                   for e, v in points] if len(points) <= 60 else []
        return Series(name, _path_points(xs, ys), markers, f"{100 * points[-1][1]:.1f}%" if points else "—")

    train = series("train", lambda a: a.train)
    test = series("test", lambda a: a.test) if n_test else None
    summary = (f"Accuracy after {last_epoch} epoch{'s' if last_epoch != 1 else ''}: train {train.last} "
               f"of {n_train}" + (f", test {test.last} of {n_test}" if test else "") + ".")
    return AccuracyChart(frame, train, test, last_epoch, summary)


# --- the confusion matrix ---------------------------------------------------------------------------


@dataclass
class Cell:
    x: float
    y: float
    size: float
    fill: str
    count: int
    text_fill: str
    label: str


@dataclass
class ConfusionMatrix:
    width: int
    height: int
    cells: list[Cell]
    rows: list[Tick]  # true class names, down the left
    columns: list[Tick]  # predicted class names, along the top
    rotate: bool
    left: float
    top: float
    size: float
    split: str
    total: int
    correct: int
    summary: str


def confusion_matrix(counts: np.ndarray, class_names: tuple[str, ...], split: str) -> ConfusionMatrix:
    """counts[true, predicted] drawn as a grid: the diagonal blue, mistakes orange, shaded by share of the row."""
    k = len(class_names)
    names = [n if len(n) <= 10 else n[:9] + "…" for n in class_names]
    longest = max(len(n) for n in names)
    left = min(12 + 6.2 * longest, 86)  # about 6.2 pixels a character at the names' 10px
    size = max(10.0, min(34.0, (WIDTH - left - 10) / k))
    rotate = 6.2 * longest > size - 4  # the column names would run into each other side by side
    top = (8 + 4.6 * longest if rotate else 20)
    width = int(left + size * k + 10)
    height = int(top + size * k + 8)
    cells = []
    for t in range(k):
        row_total = counts[t].sum()
        for p in range(k):
            share = counts[t, p] / row_total if row_total else 0.0
            colour = BLUE if t == p else ORANGE
            fill = _shade(colour, share) if counts[t, p] else "#ffffff"
            cells.append(Cell(round(left + p * size, 1), round(top + t * size, 1), round(size, 1), fill,
                              int(counts[t, p]), "#ffffff" if share > 0.55 else INK,
                              f"true {class_names[t]}, predicted {class_names[p]}: {int(counts[t, p])}"))
    rows = [Tick(round(top + (t + 0.5) * size, 1), names[t]) for t in range(k)]
    columns = [Tick(round(left + (p + 0.5) * size, 1), names[p]) for p in range(k)]
    total, correct = int(counts.sum()), int(np.trace(counts))
    summary = (f"On the {split} split, {correct} of {total} samples are classified correctly"
               f" ({100 * correct / total:.1f}%)." if total else f"The {split} split is empty.")
    return ConfusionMatrix(width, height, cells, rows, columns, rotate, left, top, size, split, total, correct, summary)


def _shade(hex_colour: str, share: float) -> str:
    """White blended towards the colour by ``share`` (0..1), with a floor so that any count shows."""
    t = 0.12 + 0.88 * min(max(share, 0.0), 1.0)
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * t):02x}" for c in rgb)
