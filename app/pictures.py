"""Small raster pictures for the SVG charts: colour maps and PNG data URIs, in NumPy and the standard library.

A heatmap of 50×50 values or a neuron's 8×8 weights is drawn as one ``<image>`` inside the
server-built SVG, not as thousands of ``<rect>``s: the page stays light while the picture
changes at every step. The colours are those of the network drawing (app/layout.py).
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from app.layout import NEGATIVE, NEUTRAL, POSITIVE

# Okabe & Ito's colour-blind-safe palette, for classes beyond two
CLASS_COLOURS = ((230, 97, 1), (33, 102, 172), (0, 158, 115), (204, 121, 167), (86, 180, 233),
                 (213, 94, 0), (0, 114, 178), (240, 228, 66), (120, 120, 120), (0, 0, 0))


def hex_colour(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def class_colour(k: int, n_classes: int) -> str:
    """The colour of class k: orange and blue for two classes (as the diverging scale), else the palette."""
    if n_classes == 2:
        return hex_colour(NEGATIVE if k == 0 else POSITIVE)
    return hex_colour(CLASS_COLOURS[k % len(CLASS_COLOURS)])


def diverging(values: np.ndarray, scale: float, strength: float = 1.0) -> np.ndarray:
    """Orange (negative) - white - blue (positive), as layout.colour: (...,) -> (..., 3) uint8. Grey if not finite."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    t = np.tanh(np.abs(np.where(finite, v, 0.0)) / (scale if scale > 0 else 1.0))[..., None] * strength
    end = np.where((np.where(finite, v, 0.0) >= 0)[..., None], POSITIVE, NEGATIVE)
    rgb = np.array(NEUTRAL) + (end - np.array(NEUTRAL)) * t
    rgb = np.where(finite[..., None], rgb, 127.0)
    return np.rint(rgb).astype(np.uint8)


def class_blend(probabilities: np.ndarray, strength: float = 0.6) -> np.ndarray:
    """Each point in the colour of its most likely class, paler where the network is unsure: (..., k) -> (..., 3)."""
    p = np.asarray(probabilities, dtype=np.float64)
    k = p.shape[-1]
    palette = np.array([CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(k)], dtype=np.float64)
    finite = np.isfinite(p).all(axis=-1)
    p = np.where(finite[..., None], p, 0.0)
    top = np.argmax(p, axis=-1)
    confidence = np.clip((p.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None] * strength
    rgb = 255.0 + (palette[top] - 255.0) * confidence
    rgb = np.where(finite[..., None], rgb, 127.0)
    return np.rint(rgb).astype(np.uint8)


def greys(values: np.ndarray) -> np.ndarray:
    """Dark ink on paper for values in [0, 1], as layout.grey: (...,) -> (..., 3) uint8."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0.0, 1.0)
    level = np.rint(255 * (1 - v)).astype(np.uint8)
    return np.repeat(level[..., None], 3, axis=-1)


def png(rgb: np.ndarray) -> bytes:
    """An RGB picture (h, w, 3) uint8 as PNG bytes."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + bytes(row) for row in np.ascontiguousarray(rgb, dtype=np.uint8).reshape(h, w * 3))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def data_uri(rgb: np.ndarray) -> str:
    """The picture as a data: URI for an SVG ``<image href>`` or an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(png(rgb)).decode("ascii")
