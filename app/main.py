"""Minimal placeholder app (to be replaced by the real one)."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parent.parent

app = FastAPI(title="mirrorprop")
app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")

INDEX = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mirrorprop</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/fonts/math.css">
</head>
<body>
<h1>mirrorprop</h1>
<p>Backpropagation, shown as the feed-forward pass run in a mirror.</p>
<math display="block" id="demo"><mfrac><mrow><mo>&#x2202;</mo><mi>L</mi></mrow>
<mrow><mo>&#x2202;</mo><msub><mi>w</mi><mi>ij</mi></msub></mrow></mfrac><mo>=</mo>
<msub><mi>&#x3b4;</mi><mi>j</mi></msub><mo>&#x22c5;</mo><msub><mi>a</mi><mi>i</mi></msub></math>
</body>
</html>
"""


@app.get("/", response_class=HTMLResponse)
def index() -> str:
    return INDEX


@app.get("/healthz")
def healthz() -> dict:
    return {"ok": True}
