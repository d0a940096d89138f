"""A fully connected network whose backward pass is its forward pass run in a mirror.

One convention, used everywhere in mirrorprop (the page, the trace, the CLI):

    layers are counted l = 1..L forward; a[0] = x is the input
    z[l] = W[l] @ a[l-1] + b[l]          W[l] has shape (n[l], n[l-1]), b[l] shape (n[l],)
    a[l] = f[l](z[l])
    E    = loss(a[L], t)

and, for the backward pass,

    error[l]        = dE/da[l]        Udacity: "error" (its sign is flipped: y - y_hat)
                                      3Blue1Brown: dC/da;  TF Playground: outputDer
    error_term[l]   = dE/dz[l] = delta[l]
                                      Udacity: "error term";  TF Playground: inputDer
    grad_weights[l] = delta[l] a[l-1]^T    (dE/dW[l];  3Blue1Brown: dC/dw)
    grad_biases[l]  = delta[l]             (dE/db[l])

The backward pass is a feed-forward pass over the mirrored network. Read the two loops
side by side:

    forward   z[l] = W[l] @ a[l-1] + b[l]           a[l]     = f(z[l])
    backward  error[l] = W[l+1].T @ delta[l+1]      delta[l] = f'(z[l]) * error[l]

The mirrored network's inputs are the output errors, its weights are W^T and f'(z), and
its "prediction" is the change to every weight. Gradients never change the weights: the
SGD update is its own step, and keeps the weights before and after.

A diverging network overflows to inf and NaN; callers that expect it (the trainer, the
gradient check) silence NumPy's warnings with ``np.errstate``, and the trace says so.

Lists of per-layer arrays are indexed like the math: ``weights[l]`` is W[l], and index 0
holds ``None`` (there is no W[0]); ``a[0]`` is the input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


# --- activations: each function written beside its derivative --------------------------


@dataclass(frozen=True)
class Activation:
    """f and its derivative f'(z), given z and a = f(z). Elementwise, except softmax."""

    name: str
    f: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]  # (z, a) -> f'(z): (n,), or the Jacobian (n, n)
    elementwise: bool = True

    def backward(self, f_prime: Array, error: Array) -> Array:
        """delta = f'(z) * error, or J^T @ error for softmax (J is symmetric); shapes (n,)."""
        return f_prime * error if self.elementwise else f_prime @ error


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow warnings


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z))
    return e / e.sum()


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a),
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": Activation(
        "leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1.0, 0.01)
    ),
    "identity": Activation("identity", lambda z: z.copy(), lambda z, a: np.ones_like(z)),
    "softmax": Activation("softmax", _softmax, lambda z, a: np.diag(a) - a[:, None] * a, elementwise=False),
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "identity")


# --- losses: each value written beside its derivative dE/da[L] ---------------------------

_EPS = 1e-12  # keeps log(0) and division by 0 out of cross-entropy


@dataclass(frozen=True)
class Loss:
    """E(o, t) and the output error dE/do; o, t shape (k,)."""

    name: str
    value: Callable[[Array, Array], float]
    error: Callable[[Array, Array], Array]


def _clip(o: Array) -> Array:
    return np.minimum(np.maximum(o, _EPS), 1.0 - _EPS)


LOSSES: dict[str, Loss] = {
    # E = 1/2 sum_k (t_k - o_k)^2  (Udacity, Mazur);  dE/do = o - t
    "squared_error": Loss("squared_error", lambda o, t: 0.5 * float(np.sum((t - o) ** 2)), lambda o, t: o - t),
    # softmax: E = -sum_k t_k log o_k;  dE/do = -t / o
    "cross_entropy": Loss(
        "cross_entropy", lambda o, t: -float(t @ np.log(_clip(o))), lambda o, t: -t / _clip(o)
    ),
    # sigmoid: E = -sum_k [t_k log o_k + (1 - t_k) log(1 - o_k)];  dE/do = (o - t) / (o (1 - o))
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        lambda o, t: -float(np.sum(t * np.log(_clip(o)) + (1.0 - t) * np.log(1.0 - _clip(o)))),
        lambda o, t: (o - t) / (_clip(o) * (1.0 - _clip(o))),
    ),
}
LOSS_NAMES = ("squared_error", "cross_entropy")


def loss_for(loss: str, output: str) -> Loss:
    """The loss function for a (loss, output) pair, or ValueError when the pair makes no sense."""
    if loss not in LOSS_NAMES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSS_NAMES)}")
    if output not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"unknown output activation {output!r}: choose one of {', '.join(OUTPUT_ACTIVATIONS)}")
    if loss == "squared_error":
        return LOSSES["squared_error"]
    if output == "softmax":
        return LOSSES["cross_entropy"]
    if output == "sigmoid":
        return LOSSES["binary_cross_entropy"]
    raise ValueError(
        "cross_entropy needs outputs that are probabilities: use a softmax or sigmoid output, "
        "or squared_error with an identity output"
    )


# --- what one pass computed ------------------------------------------------------------


@dataclass(frozen=True)
class ForwardPass:
    """z[l] and a[l] for l = 1..L (z[0] is None, a[0] is the input)."""

    z: list
    a: list

    @property
    def output(self) -> Array:
        return self.a[-1]


@dataclass(frozen=True)
class BackwardPass:
    """Per layer l = 1..L: error dE/da, f'(z), error_term dE/dz, and the gradients."""

    error: list
    f_prime: list
    error_term: list
    grad_weights: list
    grad_biases: list


@dataclass(frozen=True)
class Update:
    """One SGD step: W <- W - eta dE/dW, with the weights before and after (index 0 is None)."""

    learning_rate: float
    weights: list
    biases: list
    delta_weights: list
    delta_biases: list
    new_weights: list
    new_biases: list


# --- the network -----------------------------------------------------------------------


@dataclass
class Network:
    """A fully connected network. weights[l]: (n[l], n[l-1]); biases[l]: (n[l],); index 0 is None."""

    weights: list
    biases: list
    activations: list  # [None, f1, ..., fL]
    loss: Loss

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.weights) - 1

    @property
    def sizes(self) -> list[int]:
        """[n[0], n[1], ..., n[L]]."""
        return [self.weights[1].shape[1]] + [W.shape[0] for W in self.weights[1:]]

    def forward(self, x: Array) -> ForwardPass:
        """Feed x (n[0],) forward; record z[l] and a[l]."""
        W, b, f = self.weights, self.biases, self.activations
        z, a = [None], [x]
        for l in range(1, self.depth + 1):
            z.append(W[l] @ a[l - 1] + b[l])
            a.append(f[l].f(z[l]))
        return ForwardPass(z, a)

    def backward(self, fwd: ForwardPass, t: Array) -> BackwardPass:
        """Feed the output error backward through the mirrored network; t shape (n[L],).

        The same loop as forward, run from L down to 1: W[l+1].T where forward has W[l],
        f'(z[l]) where forward has f(z[l]).
        """
        W, f, L = self.weights, self.activations, self.depth
        z, a = fwd.z, fwd.a
        error, f_prime, delta = [None] * (L + 1), [None] * (L + 1), [None] * (L + 2)
        grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
        for l in range(L, 0, -1):
            error[l] = self.loss.error(a[L], t) if l == L else W[l + 1].T @ delta[l + 1]
            f_prime[l] = f[l].derivative(z[l], a[l])
            delta[l] = f[l].backward(f_prime[l], error[l])
            grad_W[l] = delta[l][:, None] * a[l - 1]  # the outer product delta a^T
            grad_b[l] = delta[l]
        return BackwardPass(error, f_prime, delta[: L + 1], grad_W, grad_b)

    def update(self, back: BackwardPass, learning_rate: float) -> Update:
        """Apply plain SGD, W <- W - eta dE/dW. New arrays replace the old; the old stay intact."""
        eta = learning_rate
        dW = [None] + [-eta * g for g in back.grad_weights[1:]]
        db = [None] + [-eta * g for g in back.grad_biases[1:]]
        new_W = [None] + [W + d for W, d in zip(self.weights[1:], dW[1:])]
        new_b = [None] + [b + d for b, d in zip(self.biases[1:], db[1:])]
        step = Update(eta, self.weights, self.biases, dW, db, new_W, new_b)
        self.weights, self.biases = new_W, new_b
        return step

    def loss_value(self, x: Array, t: Array) -> float:
        """E for one sample."""
        with np.errstate(all="ignore"):
            return self.loss.value(self.forward(x).output, t)

    def copy(self) -> Network:
        """A network with copies of the weights (the activations and loss are shared)."""
        return Network(
            [None] + [W.copy() for W in self.weights[1:]],
            [None] + [b.copy() for b in self.biases[1:]],
            list(self.activations),
            self.loss,
        )


def create(
    sizes: Sequence[int],
    hidden: str | Sequence[str] = "sigmoid",
    output: str = "softmax",
    loss: str = "cross_entropy",
    *,
    rng: np.random.Generator | None = None,
    weights: Sequence | None = None,
    biases: Sequence | None = None,
) -> Network:
    """A network with layer sizes [n0, ..., nL], weights drawn from rng or given explicitly.

    Xavier/Glorot uniform for sigmoid, tanh and identity layers, He normal for the ReLU family;
    biases start at 0. ``weights``/``biases`` (lists per layer l = 1..L, without the None)
    override the draw.
    """
    sizes = [int(n) for n in sizes]
    L = len(sizes) - 1
    if L < 1:
        raise ValueError("a network needs an input and an output layer")
    hidden_names = [hidden] * (L - 1) if isinstance(hidden, str) else list(hidden)
    if len(hidden_names) != L - 1:
        raise ValueError(f"{L - 1} hidden layers need {L - 1} activations, got {len(hidden_names)}")
    for name in hidden_names:
        if name not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown hidden activation {name!r}: choose one of {', '.join(HIDDEN_ACTIVATIONS)}")
    loss_fn = loss_for(loss, output)
    if output == "softmax" and sizes[-1] < 2:
        raise ValueError("softmax needs at least 2 outputs: use a sigmoid output for one output")
    activations = [None] + [ACTIVATIONS[n] for n in hidden_names] + [ACTIVATIONS[output]]

    rng = rng if rng is not None else np.random.default_rng(0)
    W, b = [None], [None]
    for l in range(1, L + 1):
        n_in, n_out = sizes[l - 1], sizes[l]
        if activations[l].name in ("relu", "leaky_relu"):
            W.append(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)))
        else:
            limit = np.sqrt(6.0 / (n_in + n_out))
            W.append(rng.uniform(-limit, limit, size=(n_out, n_in)))
        b.append(np.zeros(n_out))
    if weights is not None:
        W = [None] + _explicit(weights, [(sizes[l], sizes[l - 1]) for l in range(1, L + 1)], "weights")
    if biases is not None:
        b = [None] + _explicit(biases, [(sizes[l],) for l in range(1, L + 1)], "biases")
    return Network(W, b, activations, loss_fn)


def _explicit(values: Sequence, shapes: list[tuple], what: str) -> list[Array]:
    """Given per-layer values as float64 arrays, checked against the expected shapes."""
    if len(values) != len(shapes):
        raise ValueError(f"{what}: expected {len(shapes)} layers, got {len(values)}")
    arrays = []
    for l, (v, shape) in enumerate(zip(values, shapes), start=1):
        try:
            arr = np.array(v, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{what} of layer {l} must be numbers, shaped {shape}") from None
        if arr.shape != shape:
            raise ValueError(f"{what} of layer {l} must have shape {shape} (n_out, n_in), got {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{what} of layer {l} must be finite numbers")
        arrays.append(arr)
    return arrays


# --- trust: analytic gradients against central finite differences ----------------------


@dataclass(frozen=True)
class LayerCheck:
    """For one layer: analytic and numeric gradients and their largest relative error."""

    layer: int
    analytic_weights: Array
    numeric_weights: Array
    analytic_biases: Array
    numeric_biases: Array
    max_relative_error: float


def gradient_check(network: Network, x: Array, t: Array, eps: float = 1e-6) -> list[LayerCheck]:
    """Compare every dE/dW and dE/db with (E(w + eps) - E(w - eps)) / 2 eps; one entry per layer."""
    with np.errstate(all="ignore"):
        back = network.backward(network.forward(x), t)
    probe = network.copy()
    checks = []
    for l in range(1, network.depth + 1):
        numeric_W = _numeric_gradient(probe, probe.weights[l], x, t, eps)
        numeric_b = _numeric_gradient(probe, probe.biases[l], x, t, eps)
        worst = max(
            relative_error(back.grad_weights[l], numeric_W), relative_error(back.grad_biases[l], numeric_b)
        )
        checks.append(LayerCheck(l, back.grad_weights[l], numeric_W, back.grad_biases[l], numeric_b, worst))
    return checks


def _numeric_gradient(probe: Network, param: Array, x: Array, t: Array, eps: float) -> Array:
    """Central differences of E with respect to each entry of param (nudged in place, then restored)."""
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        kept = param[i]
        param[i] = kept + eps
        e_plus = probe.loss_value(x, t)
        param[i] = kept - eps
        e_minus = probe.loss_value(x, t)
        param[i] = kept
        grad[i] = (e_plus - e_minus) / (2 * eps)
    return grad


def relative_error(analytic: Array, numeric: Array) -> float:
    """max |a - n| / max(|a| + |n|, 1e-6): 0 for identical arrays.

    Central differences carry a rounding error near 1e-10, so gradients below 1e-6 are
    compared absolutely (scaled by 1e-6) rather than relative to their own tiny size.
    """
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-6)))
