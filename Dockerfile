# syntax=docker/dockerfile:1
#
# aidgraph API image: the GraphQL app (uvicorn schema.app:app) and the `aidgraph` CLI,
# with the sample data under /app/samples so the compose `loader` service can use it.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# 1) Dependencies only, from pyproject.toml: this layer is rebuilt only when the
#    metadata changes, not on every source edit.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# 2) The project itself (packages aidgraph, graph, schema, loaders), without re-resolving deps.
COPY aidgraph/ aidgraph/
COPY graph/ graph/
COPY schema/ schema/
COPY loaders/ loaders/
RUN pip install --no-deps . \
 && rm -rf build ./*.egg-info

# 3) Sample data for `aidgraph load luxdev samples/luxdev/...` (paths relative to /app).
COPY samples/ samples/

# Non-root runtime user; /app stays root-owned (read-only to the app) except .data/.
RUN useradd --create-home --uid 10001 --user-group aidgraph \
 && mkdir -p /app/.data \
 && chown aidgraph:aidgraph /app/.data
USER 10001:10001

EXPOSE 8000

# python:3.11-slim has no curl/wget: probe /healthz with the standard library.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4); sys.exit(0 if r.status == 200 else 1)"]

CMD ["uvicorn", "schema.app:app", "--host", "0.0.0.0", "--port", "8000"]
