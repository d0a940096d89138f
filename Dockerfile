# mirrorprop: docker build -t mirrorprop . && docker run --rm -p 8000:8000 mirrorprop
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 app

# The app serves templates/ and static/ from the repository root, so it runs from the copied
# source tree, installed in editable mode (the package code stays in /srv/mirrorprop/app).
WORKDIR /srv/mirrorprop
COPY . .
RUN pip install -e . && chown -R app:app /srv/mirrorprop

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "2"]
