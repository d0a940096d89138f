"""The mirrorprop web app: pages, the JSON API and the event stream, on one FastAPI app."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.routes import api, pages, play
from app.web import ROOT

app = FastAPI(
    title="mirrorprop",
    summary="Backpropagation, shown as the feed-forward pass run in a mirror.",
    version="0.1.0",
)
app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
app.include_router(pages.router)
app.include_router(play.router)
app.include_router(api.router)


@app.get("/healthz", include_in_schema=False)
def healthz() -> dict:
    return {"ok": True}
