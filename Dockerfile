# claimcheck: gunicorn serving service:create_app() on port 8000 as UID 10001; runs with a read-only root.
#   docker build -t claimcheck .
#   docker run --read-only --tmpfs /tmp -v claimcheck-data:/data -p 127.0.0.1:8000:8000 claimcheck
# BASE: any image with python3 (>= 3.12) and its venv module; both stages use it, so the virtual
# environment's interpreter exists in the final stage. CI builds on a local Debian base instead
# (scripts/container-test.sh). See the README.
ARG BASE=python:3.13-slim

FROM ${BASE} AS build
# WHEELS: a folder in the build context with wheels of claimcheck and every dependency (made by
# `pip wheel . -w build/container/wheels`); nothing is downloaded and `--network none` works.
# Left empty, claimcheck is built from the sources copied here and its dependencies come from PyPI.
ARG WHEELS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY . .
RUN python3 -m venv /opt/venv \
 && if [ -n "$WHEELS" ]; then \
      /opt/venv/bin/pip install --no-index --find-links "/src/$WHEELS" /src/"$WHEELS"/claimcheck-*.whl; \
    else \
      /opt/venv/bin/pip install /src; \
    fi \
 && /opt/venv/bin/python -I -c "import gunicorn, prometheus_client, service" \
 && CLAIMCHECK_UNIT_CACHE=/opt/venv/unit-cache /opt/venv/bin/python -I -c "import rules.units"

FROM ${BASE}
# CLAIMCHECK_*: the app's configuration (README, "Configuration"). /data is the one writable
# place: the SQLite report store and refreshed reference snapshots. The Prometheus folder lives in
# /dev/shm, a tmpfs Docker makes fresh for every start, as multiprocess mode needs. pint's parsed
# unit definitions were cached at build time (read-only here): each worker starts 0.1 s sooner.
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_CONCURRENCY=2 \
    PROMETHEUS_MULTIPROC_DIR=/dev/shm/claimcheck-metrics \
    CLAIMCHECK_DATA_DIR=/data \
    CLAIMCHECK_DATABASE_URL=sqlite:////data/claimcheck.db \
    CLAIMCHECK_UNIT_CACHE=/opt/venv/unit-cache
RUN useradd --system --no-log-init --uid 10001 --user-group --home-dir /nonexistent \
      --shell /usr/sbin/nologin claimcheck \
 && mkdir /data \
 && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Sync workers (WEB_CONCURRENCY of them); on SIGTERM gunicorn stops accepting and gives requests in
# progress up to --graceful-timeout seconds to finish. Heartbeat files go to /dev/shm, not the root.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "sync", "--timeout", "30", \
     "--graceful-timeout", "20", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", \
     "service:create_app()"]
