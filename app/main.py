"""The mirrorprop web app: pages, the JSON API and the event stream, on one FastAPI app."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app.routes import api, data, explain, export, fastforward, pages, panels, play
from app.web import ROOT

app = FastAPI(
    title="mirrorprop",
    summary="Backpropagation, shown as the feed-forward pass run in a mirror.",
    version="0.1.0",
    docs_url=None,  # served below from vendored assets: the docs work offline too
    redoc_url=None,
)
app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
app.include_router(pages.router)
app.include_router(play.router)
app.include_router(api.router)
app.include_router(panels.router)  # learning over time: side panels, data, fast-forward, exports
app.include_router(data.router)
app.include_router(fastforward.router)
app.include_router(export.router)
app.include_router(explain.router)  # explaining every number: inspector, code, matrices, gradient check, glossary


@app.get("/healthz", include_in_schema=False)
def healthz() -> dict:
    return {"ok": True}


@app.get("/docs", include_in_schema=False)
def docs():
    """The OpenAPI docs (Swagger UI), with no request leaving this machine."""
    return get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title="mirrorprop API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


@app.exception_handler(RequestValidationError)
def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 that names each bad field; the bad values are not echoed (they may not be valid JSON)."""
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type", "")}
              for e in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=422)
