"""Exports: the weights (JSON), the loss history (CSV), the network picture (SVG), and a standalone
NumPy script that recomputes one step and prints the numbers of its trace.

The trace itself is exported as app/trace.py's documented document. Every number is written
with all its digits (Python's repr), so an export read back gives the very same floats.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from pathlib import Path

import numpy as np

from app.history import RUNNING_WINDOW, running_mean
from app.trace import StepTrace, jsonable

WEIGHTS_FORMAT = "mirrorprop-weights"
WEIGHTS_VERSION = 1


def weights_document(config: dict, sizes: list[int], steps: int, weights: list, biases: list) -> dict:
    """The weights after ``steps`` steps: W[l] (n[l], n[l-1]) and b[l] (n[l],) for l = 1..L."""
    return {
        "format": WEIGHTS_FORMAT,
        "version": WEIGHTS_VERSION,
        "config": config,
        "sizes": sizes,
        "after_steps": steps,
        "weights": [jsonable(W) for W in weights[1:]],
        "biases": [jsonable(b) for b in biases[1:]],
    }


def loss_csv(losses: np.ndarray, rows: np.ndarray, labels: np.ndarray, predicted: np.ndarray,
             epoch_size: int, class_names: tuple[str, ...]) -> str:
    """One line per step: where it was, its sample, the class and prediction, the loss and its running mean."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", "epoch", "sample_in_epoch", "row", "class", "predicted", "loss",
                     f"mean_of_last_{RUNNING_WINDOW}"])
    means = running_mean(losses)
    for step, loss in enumerate(losses):
        epoch, index = divmod(step, epoch_size)
        p = int(predicted[step])
        writer.writerow([step + 1, epoch + 1, index + 1, int(rows[step]), class_names[int(labels[step])],
                         class_names[p] if 0 <= p < len(class_names) else "", repr(float(loss)),
                         repr(float(means[step]))])
    return out.getvalue()


# --- the network picture as a file ------------------------------------------------------------

SCREEN_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"
NETWORK_SECTION = "/* --- the network"  # the part of app.css that styles the picture
LABEL_ROOM = 110  # beside the output layer for the class names, which the page lets overflow
MOTION = ("transition", "animation")  # a file is still: every value shows at once


@functools.lru_cache(maxsize=1)
def network_style() -> str:
    """The screen's own rules for the network picture (app.css), for a file: variables filled in, no motion."""
    css = SCREEN_CSS.read_text(encoding="utf-8")
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    variables = dict(re.findall(r"--([\w-]+):\s*([^;]+);", root))
    font = re.search(r"(?<![-\w])font-family:\s*([^;]+);", root).group(1)
    start = css.index(NETWORK_SECTION)
    section = css[css.index("\n", start):css.find("\n/* --- ", start + 1)]
    section = re.sub(r"/\*.*?\*/", "", section, flags=re.DOTALL)
    section = re.sub(r"@keyframes[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", section)
    rules = [f".net {{ font-family: {font}; }}"]
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", section):
        kept = [d.strip() for d in body.split(";") if d.strip() and not d.strip().startswith(MOTION)]
        kept = [re.sub(r"var\(--([\w-]+)\)", lambda m: variables[m.group(1)].strip(), d) for d in kept]
        if kept:
            rules.append(f"{' '.join(selector.split())} {{ {'; '.join(kept)}; }}")
    return "\n".join([*rules, ".pulse { display: none; }"])  # the values travelling along edges: motion only


def standalone_svg(svg: str) -> str:
    """The page's network <svg> as a file of its own: XML declaration, size, and the screen's styles.

    The class names beside the output layer overflow the picture on the page; the file makes room
    for them, on the right, or on the left in the mirror view (the output layer is on the left there).
    """
    svg = svg.strip()
    match = re.match(r"<svg\b([^>]*)>", svg, flags=re.DOTALL)
    if not match:
        raise ValueError("not an <svg> element")
    attributes = match.group(1)
    size = ""
    if box := re.search(r'viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"', attributes):
        width, height = float(box.group(1)) + LABEL_ROOM, float(box.group(2))
        mirrored = re.search(r'\bclass="[^"]*\bmirrored\b', attributes) is not None
        left = -LABEL_ROOM if mirrored else 0
        attributes = attributes.replace(box.group(0), f'viewBox="{left:g} 0 {width:g} {height:g}"')
        size = f' width="{width:g}" height="{height:g}"'
    if "xmlns=" not in attributes:
        attributes = ' xmlns="http://www.w3.org/2000/svg"' + attributes
    head = f"<svg{attributes}{size}>\n<style>\n{network_style()}\n</style>\n"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + svg[match.end():] + "\n"


# --- reproduce in NumPy --------------------------------------------------------------------------

# Each function as app/network.py writes it, so the script's numbers are bit for bit the trace's.
ACTIVATION_CODE = {
    "sigmoid": ("def sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z)\n",
                "def sigmoid_prime(z, a):\n    return a * (1.0 - a)\n"),
    "tanh": ("def tanh(z):\n    return np.tanh(z)\n", "def tanh_prime(z, a):\n    return 1.0 - a * a\n"),
    "relu": ("def relu(z):\n    return np.maximum(z, 0.0)\n", "def relu_prime(z, a):\n    return (z > 0).astype(float)\n"),
    "leaky_relu": ("def leaky_relu(z):\n    return np.where(z > 0, z, 0.01 * z)\n",
                   "def leaky_relu_prime(z, a):\n    return np.where(z > 0, 1.0, 0.01)\n"),
    "identity": ("def identity(z):\n    return z.copy()\n", "def identity_prime(z, a):\n    return np.ones_like(z)\n"),
    "softmax": ("def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / e.sum()\n",
                "def softmax_prime(z, a):\n    return np.diag(a) - a[:, None] * a  # the Jacobian da/dz, symmetric\n"),
}
LOSS_CODE = {
    "squared_error": ("def loss(o, t):\n    return 0.5 * float(np.sum((t - o) ** 2))\n",
                      "def loss_error(o, t):  # dE/do\n    return o - t\n"),
    "cross_entropy": ("def loss(o, t):\n    return -float(t @ np.log(clip(o)))\n",
                      "def loss_error(o, t):  # dE/do\n    return -t / clip(o)\n"),
    "binary_cross_entropy": (
        "def loss(o, t):\n    return -float(np.sum(t * np.log(clip(o)) + (1.0 - t) * np.log(1.0 - clip(o))))\n",
        "def loss_error(o, t):  # dE/do\n    return (o - t) / (clip(o) * (1.0 - clip(o)))\n"),
}


def _number(v: float) -> str:
    """A float as Python source with every digit; a diverged inf or nan as float("inf") / float("nan")."""
    v = float(v)
    if math.isfinite(v):
        return repr(v)
    return 'float("nan")' if math.isnan(v) else ('float("inf")' if v > 0 else '-float("inf")')


def _array(a: np.ndarray, indent: str = "    ") -> str:
    """An array as a NumPy literal with every digit: one line per row."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        return "np.array([" + ", ".join(_number(v) for v in a) + "])"
    rows = ",\n".join(f"{indent}    [" + ", ".join(_number(v) for v in row) + "]" for row in a)
    return "np.array([\n" + rows + f",\n{indent}])"


def _finite(trace: StepTrace) -> bool:
    """Whether every number of the step is finite (a diverged step overflows to inf and nan)."""
    arrays = [np.asarray(v, dtype=np.float64) for p in trace.phases for k, v in p.values.items()
              if k not in ("activation", "loss_function", "prediction")]
    return all(np.isfinite(a).all() for a in arrays)


def numpy_script(trace: StepTrace, activations: list[str], loss: str, learning_rate: float,
                 sizes: list[int], about: str) -> str:
    """A standalone Python script: this step's weights and sample, the step in plain NumPy, its numbers printed.

    It prints one line per quantity, ``name = [numbers]`` in JSON with every digit, in the order
    and with the names of the trace's phases, so the output can be compared with the trace.
    """
    L = len(sizes) - 1
    forward = trace.phases[:L]
    used = sorted(set(activations[1:]), key=list(ACTIVATION_CODE).index)
    lines = [
        "#!/usr/bin/env python3",
        f'"""Reproduce one training step of mirrorprop in plain NumPy: {about}.',
        "",
        "The forward pass, the loss, the backward pass (the forward pass run in a mirror: W.T where",
        "forward has W, f'(z) where forward has f) and the SGD update, with the weights and the sample",
        "of this step. Each number is printed with every digit, as the step's trace has it.",
        "",
        "    python3 this_file.py",
        '"""',
        "",
        "import json",
        "",
        "import numpy as np",
        "",
        *([] if _finite(trace) else [
            'np.seterr(all="ignore")  # this step diverged: inf and nan are expected, as in the trace', ""]),
        f"SIZES = {sizes}  # neurons per layer: input, hidden..., output",
        f"ETA = {_number(learning_rate)}  # the learning rate",
        "",
        "# W[l] has shape (n[l], n[l-1]); b[l] has shape (n[l],); layers l = 1..L",
        "W = {",
    ]
    for l, phase in enumerate(forward, start=1):
        lines.append(f"    {l}: {_array(phase.values['weights'], '    ')},")
    lines += ["}", "b = {"]
    for l, phase in enumerate(forward, start=1):
        lines.append(f"    {l}: {_array(phase.values['biases'])},")
    lines += [
        "}",
        f"x = {_array(trace.input)}  # the sample: dataset row {trace.sample}",
        f"t = {_array(trace.target)}  # its target",
        "",
        "EPS = 1e-12  # keeps log(0) out of cross-entropy",
        "",
        "",
        "def clip(o):",
        "    return np.minimum(np.maximum(o, EPS), 1.0 - EPS)",
        "",
        "",
    ]
    for name in used:
        f, f_prime = ACTIVATION_CODE[name]
        lines += [f, "", f_prime, ""]
    value, error = LOSS_CODE[loss]
    lines += [value, "", error, ""]
    lines += [
        f"f = {{{', '.join(f'{l}: {name}' for l, name in enumerate(activations[1:], start=1))}}}",
        f"f_prime = {{{', '.join(f'{l}: {name}_prime' for l, name in enumerate(activations[1:], start=1))}}}",
        f"L = {L}",
        "",
        "",
        "def show(name, value):",
        "    value = value.tolist() if isinstance(value, np.ndarray) else value",
        "    print(name, '=', json.dumps(value))",
        "",
        "",
        "# forward: z[l] = W[l] @ a[l-1] + b[l], a[l] = f(z[l])",
        "a, z = {0: x}, {}",
        "for l in range(1, L + 1):",
        "    z[l] = W[l] @ a[l - 1] + b[l]",
        "    a[l] = f[l](z[l])",
        "    show(f'forward {l} z', z[l])",
        "    show(f'forward {l} a', a[l])",
        "",
        "E = loss(a[L], t)",
        "show('loss', E)",
        "show('prediction', int(np.argmax(a[L])))",
        "",
        "# backward, the mirror: error[l] = W[l+1].T @ delta[l+1], delta[l] = f'(z[l]) * error[l]",
        "error, delta, grad_W = {}, {}, {}",
        "for l in range(L, 0, -1):",
        "    error[l] = loss_error(a[L], t) if l == L else W[l + 1].T @ delta[l + 1]",
        "    fp = f_prime[l](z[l], a[l])",
        "    # softmax's f' is its Jacobian J: delta = J.T @ error, and J.T = J",
        "    delta[l] = fp @ error[l] if fp.ndim == 2 else fp * error[l]",
        "    grad_W[l] = delta[l][:, None] * a[l - 1]  # the outer product delta a.T",
        "    show(f'backward {l} error', error[l])",
        "    show(f'backward {l} error_term', delta[l])",
        "    show(f'backward {l} grad_weights', grad_W[l])",
        "",
        "# update: W <- W - eta dE/dW, with dE/dW = delta a.T",
        "for l in range(1, L + 1):",
        "    new_W = W[l] + (-ETA * grad_W[l])",
        "    new_b = b[l] + (-ETA * delta[l])",
        "    show(f'update {l} new_weights', new_W)",
        "    show(f'update {l} new_biases', new_b)",
        "",
    ]
    return "\n".join(lines)


def expected_output(trace: StepTrace, depth: int) -> dict[str, object]:
    """What the NumPy script prints for this trace, by line name: the trace's own numbers."""
    L = depth
    out: dict[str, object] = {}
    for p in trace.phases:
        v = p.values
        if p.kind == "forward":
            out[f"forward {p.layer} z"], out[f"forward {p.layer} a"] = jsonable(v["z"]), jsonable(v["a"])
        elif p.kind == "loss":
            out["loss"], out["prediction"] = jsonable(v["loss"]), v["prediction"]
        elif p.kind == "backward":
            out[f"backward {p.layer} error"] = jsonable(v["error"])
            out[f"backward {p.layer} error_term"] = jsonable(v["error_term"])
            out[f"backward {p.layer} grad_weights"] = jsonable(v["grad_weights"])
        elif p.kind == "update":
            out[f"update {p.layer} new_weights"] = jsonable(v["new_weights"])
            out[f"update {p.layer} new_biases"] = jsonable(v["new_biases"])
    assert len([k for k in out if k.startswith("forward")]) == 2 * L
    return out


def parse_script_output(text: str) -> dict[str, object]:
    """The script's printed lines, ``name = json``, as a dict; NaN and Infinity as the trace writes them."""
    result = {}
    for line in text.splitlines():
        name, _, value = line.partition(" = ")
        if value:
            result[name] = json.loads(value, parse_constant=str)
    return result
