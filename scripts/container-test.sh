#!/usr/bin/env bash
# The container test (issue 7): build the Dockerfile offline on a local Debian base image, run it with a
# read-only root as its numeric non-root user, wait for its health check, check verdicts, readiness and
# metrics, then send SIGTERM while requests are in progress and check they all complete and the
# container exits 0.
#
# Run as root: it installs docker.io and debootstrap when missing and starts its own dockerd (own data
# root, exec root, pidfile and socket under a temporary folder), which it stops by PID at the end. The
# debootstrapped base is cached in $CACHE_DIR, so only the first run pays for it.
#
#   scripts/container-test.sh            # or: make container-test
# Settings (environment): CACHE_DIR (/var/cache/claimcheck), SUITE (trixie), MIRROR (from apt's sources),
# VENV (.venv), WORKERS (4), KEEP=1 keeps the temporary folder, EXTRA_RUN_ARGS and RUN_COMMAND are
# added to / replace the command of `docker run` (to try a change without rebuilding).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
CACHE_DIR=${CACHE_DIR:-/var/cache/claimcheck}
SUITE=${SUITE:-trixie}
WORKERS=${WORKERS:-4}
WHEELS=build/container/wheels
IMAGE=claimcheck:container-test
BASE_IMAGE=claimcheck-base:$SUITE
NAME=claimcheck-container-test-$$
VOLUME=claimcheck-container-test-data-$$
# Debian's client (docker.io, 20.10) builds with BuildKit; a newer client elsewhere on PATH may not.
DOCKER_BIN=/usr/bin/docker
DOCKERD_BIN=/usr/sbin/dockerd

TIMINGS=()
log() { printf '==> %s\n' "$*" >&2; }
note() { printf '\n    NOTE: %s\n\n' "$*" >&2; }
die() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! CONTAINER TEST FAILED: %s\n' "$*" >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timing() { TIMINGS+=("$(printf '%-26s %7s s' "$1" "$2")"); log "$1: $2 s"; }
docker() { "$DOCKER_BIN" "$@"; }

[ "$(id -u)" = 0 ] || die "run as root: the test installs packages and starts its own Docker engine"
[ -x "$PY" ] || die "no virtual environment at $VENV (run 'make test' or 'make run' once first)"
STARTED=$(now)

# --- packages ------------------------------------------------------------------------------------
need=()
{ [ -x "$DOCKER_BIN" ] && [ -x "$DOCKERD_BIN" ]; } || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  t=$(now)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  timing "apt-get install" "$(since "$t")"
fi

# --- engine --------------------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/claimcheck-ct.XXXXXX)
export DOCKER_HOST="unix://$TMP/docker.sock"
DOCKERD_PID=""
BRIDGE_EXISTED=$(ip link show docker0 >/dev/null 2>&1 && echo yes || echo no)

cleanup() {
  local rc=$?
  set +e
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    docker rm -f "$NAME" >/dev/null 2>&1
    docker volume rm -f "$VOLUME" >/dev/null 2>&1
    log "stopping dockerd (PID $DOCKERD_PID)"
    kill -TERM "$DOCKERD_PID"
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then
      log "dockerd did not stop in 20 s; killing PID $DOCKERD_PID"
      kill -KILL "$DOCKERD_PID"
    fi
    wait "$DOCKERD_PID" 2>/dev/null
  fi
  # dockerd leaves the bridge it made; remove it only if this run made it.
  if [ "$BRIDGE_EXISTED" = no ] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    log "kept $TMP and $WHEELS"
  else
    rm -rf "$TMP" "$WHEELS"
    rmdir "$(dirname "$WHEELS")" build 2>/dev/null
  fi
  if [ ${#TIMINGS[@]} -gt 0 ]; then
    printf '\ntimings:\n' >&2
    printf '  %s\n' "${TIMINGS[@]}" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT

log "starting dockerd (data root $TMP/data-root)"
t=$(now)
# --iptables=false: the test publishes on 127.0.0.1 only, which the userland proxy serves, so the
# engine need not touch the host's firewall (nor need netfilter in the kernel). Builds use no network.
"$DOCKERD_BIN" --data-root "$TMP/data-root" --exec-root "$TMP/exec-root" --pidfile "$TMP/dockerd.pid" \
  -H "$DOCKER_HOST" --iptables=false >"$TMP/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 150); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || break
  sleep 0.2
done
if ! docker version >/dev/null 2>&1; then
  tail -n 30 "$TMP/dockerd.log" >&2 || true
  die "the Docker engine could not start on this machine (dockerd log above); the image was NOT tested"
fi
timing "engine start" "$(since "$t")"

# --- base image ----------------------------------------------------------------------------------
mirror_from_apt() {
  {
    grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) print $i }'
    grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '{ for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }'
  } | grep -E '/debian/?$' | head -n 1
}
BASE_TAR=$CACHE_DIR/base-$SUITE.tar
if [ ! -s "$BASE_TAR" ]; then
  MIRROR=${MIRROR:-$(mirror_from_apt || true)}
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  log "making the base image with debootstrap ($SUITE from $MIRROR); cached in $BASE_TAR"
  t=$(now)
  mkdir -p "$CACHE_DIR"
  if ! debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
    "$SUITE" "$TMP/rootfs" "$MIRROR" >"$TMP/debootstrap.log" 2>&1; then
    tail -n 30 "$TMP/debootstrap.log" >&2
    die "debootstrap failed (log above)"
  fi
  rm -rf "$TMP"/rootfs/var/cache/apt/archives/*.deb "$TMP"/rootfs/var/lib/apt/lists/*
  tar -C "$TMP/rootfs" --numeric-owner -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$TMP/rootfs"
  timing "debootstrap (first run)" "$(since "$t")"
else
  log "using the cached base $BASE_TAR"
fi
t=$(now)
# An imported tarball has no configuration; give it what an official python image sets.
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' "$BASE_TAR" "$BASE_IMAGE" >/dev/null
timing "import base" "$(since "$t")"

base_python=$(tar -tf "$BASE_TAR" | awk -F/ '/^\.\/usr\/bin\/python3\.[0-9]+$/ && !found { print $NF; found = 1 }')
host_python=$("$PY" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}")')
[ "$base_python" = "$host_python" ] ||
  die "the base has $base_python but $VENV has $host_python: wheels made here would not fit the image"

# --- wheels and build ----------------------------------------------------------------------------
log "making wheels of claimcheck and its dependencies in $WHEELS"
t=$(now)
rm -rf "$WHEELS" "$TMP/src"
mkdir -p "$WHEELS" "$TMP/src"
# Build claimcheck's wheel from a clean copy: setuptools would reuse a stale build/lib in the tree.
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' -cf - pyproject.toml README.md rules claims service |
  tar -C "$TMP/src" -xf -
if ! "$PY" -m pip wheel --disable-pip-version-check --wheel-dir "$WHEELS" "$TMP/src" >"$TMP/wheels.log" 2>&1; then
  tail -n 30 "$TMP/wheels.log" >&2
  die "pip wheel failed (log above)"
fi
timing "wheels" "$(since "$t")"

log "building $IMAGE on $BASE_IMAGE with --network none"
t=$(now)
if ! DOCKER_BUILDKIT=1 docker build --network none --progress plain --build-arg "BASE=$BASE_IMAGE" \
  --build-arg "WHEELS=$WHEELS" -t "$IMAGE" . >"$TMP/build.log" 2>&1; then
  tail -n 40 "$TMP/build.log" >&2
  die "docker build failed (log above)"
fi
timing "build" "$(since "$t")"
grep -E 'transferring context' "$TMP/build.log" | tail -n 1 >&2 || true
log "image size: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# --- run -----------------------------------------------------------------------------------------
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
docker volume create "$VOLUME" >/dev/null
read -r -a extra_args <<<"${EXTRA_RUN_ARGS:-}"
read -r -a run_command <<<"${RUN_COMMAND:-}"
log "running $IMAGE read-only on $URL with $WORKERS workers"
t=$(now)
# The image's HEALTHCHECK runs every 10 s; a 1 s interval here measures start-up, not the interval.
docker run --detach --name "$NAME" --read-only --tmpfs /tmp --volume "$VOLUME:/data" \
  --publish "127.0.0.1:$PORT:8000" --env "WEB_CONCURRENCY=$WORKERS" --health-interval 1s \
  --stop-timeout 30 "${extra_args[@]}" "$IMAGE" "${run_command[@]}" >/dev/null
first_ok=""
status=""
for _ in $(seq 1 240); do
  [ -z "$first_ok" ] && curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && first_ok=$(since "$t")
  status=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$status" = healthy ] && break
  if [ "$(docker inspect -f '{{.State.Running}}' "$NAME")" != true ]; then
    docker logs "$NAME" 2>&1 | tail -n 40 >&2
    die "the container stopped before it was healthy (logs above)"
  fi
  sleep 0.25
done
if [ "$status" != healthy ]; then
  docker logs "$NAME" 2>&1 | tail -n 40 >&2
  die "the container was not healthy after 60 s (health: $status)"
fi
[ -n "$first_ok" ] && timing "first 200 on /healthz" "$first_ok"
timing "time to healthy" "$(since "$t")"

# --- user and read-only root ---------------------------------------------------------------------
user=$(docker inspect -f '{{.Config.User}}' "$IMAGE")
[[ "$user" =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || die "the image's USER is '$user', not a numeric non-root user"
uid=$(docker exec "$NAME" id -u)
[ "$uid" = "${user%%:*}" ] || die "the server runs as UID $uid, not $user"
if docker exec "$NAME" touch /opt/venv/written 2>/dev/null; then
  die "the root filesystem is writable"
fi
docker exec "$NAME" sh -c 'touch /data/.probe && rm /data/.probe' || die "the /data volume is not writable"
log "runs as UID $uid; root filesystem read-only; /data writable"

# --- requests: verdicts, article, readiness, metrics, logs ----------------------------------------
expected=$(CLAIMCHECK_DATABASE_URL="sqlite:///$TMP/expected.db" "$PY" - <<'PY'
import json
from service import create_app

app = create_app()
state = app.extensions["claimcheck"]
catalog = getattr(state, "catalog", None) or state["catalog"]
ids = sorted(catalog.claims)
results = app.test_client().post("/v1/checks", json={"claims": [{"claim_id": i} for i in ids]}).json["results"]
print(json.dumps({"ids": ids, "verdicts": [r["verdict"] for r in results], "snapshot": results[0]["snapshot"]}))
PY
) || die "could not compute the expected verdicts with $PY"
articles=(claims/articles/*.txt)
article=${articles[0]}
t=$(now)
requests_failed() {
  docker logs "$NAME" 2>&1 | tail -n 40 >&2
  die "requests to the running container failed (its log above)"
}
EXPECTED=$expected ARTICLE=$article "$PY" - "$URL" <<'PY' || requests_failed
import json, os, sys, urllib.error, urllib.request

url = sys.argv[1]
expected = json.loads(os.environ["EXPECTED"])


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


rule = {"kind": "quantity", "fact": "vostochny.area", "relation": "less_than", "value": {"value": 500, "unit": "km**2"}}
status, headers, body = call("POST", "/v1/checks", {"claims": [{"rule": rule}], "as_of": "2023-09-13"})
if status != 200:
    fail(f"POST /v1/checks answered {status}: {body[:300]!r}")
verdict = json.loads(body)["results"][0]["verdict"]
if verdict != "inaccurate":
    fail(f"'Vostochny is less than 500 km2' was judged {verdict}, not inaccurate")
print(f"    POST /v1/checks: a structured claim -> {verdict} (expected inaccurate)")

ids = expected["ids"]
status, _, body = call("POST", "/v1/checks", {"claims": [{"claim_id": i} for i in ids]})
results = json.loads(body)["results"]
got = [r["verdict"] for r in results]
if got != expected["verdicts"] or results[0]["snapshot"] != expected["snapshot"]:
    fail("the container's verdicts on the catalog differ from the ones computed outside it")
print(f"    POST /v1/checks: {len(ids)} catalog claims, same verdicts and snapshot ({expected['snapshot']}) as outside")

posts = 2
for _ in range(18):
    status, _, body = call("POST", "/v1/checks", {"claims": [{"claim_id": ids[i % len(ids)]} for i in range(100)]})
    posts += 1
    if status != 200 or len(json.loads(body)["results"]) != 100:
        fail(f"a 100-claim batch answered {status}")
print(f"    POST /v1/checks: 18 batches of 100 claims, all 200")

text = open(os.environ["ARTICLE"], encoding="utf-8").read()
article = {"title": text.splitlines()[0], "text": text, "published": "2023-09-13", "language": "en"}
status, _, body = call("POST", "/v1/articles", article)
if status != 201:
    fail(f"POST /v1/articles answered {status}: {body[:300]!r}")
else:
    report = json.loads(body)
    claims = report.get("claims") or report.get("results") or []
    verdicts = [(c.get("result") or c).get("verdict") for c in claims]
    known = {"accurate", "approximately_accurate", "misleading", "inaccurate", "unverifiable"}
    if not claims or not set(verdicts) <= known:
        fail(f"POST /v1/articles found no claims or unknown verdicts: {verdicts}")
    counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
    print(f"    POST /v1/articles: {len(claims)} claims found and judged: {counts}")

status, headers, body = call("GET", "/readyz")
if status != 200 or json.loads(body).get("status") != "ready":
    fail(f"GET /readyz answered {status}: {body[:300]!r}")
else:
    print(f"    GET /readyz: {json.loads(body)}")

status, headers, body = call("GET", "/metrics")
text = body.decode()
line = 'claimcheck_http_requests_total{endpoint="/v1/checks",method="POST",status="200"}'
counted = [float(l.split()[-1]) for l in text.splitlines() if l.startswith(line)]
if status != 200 or counted != [posts]:
    fail(f"/metrics counts {counted} POSTs to /v1/checks across the workers, not {posts}")
if "claimcheck_snapshot_age_seconds{" not in text:
    fail("/metrics has no snapshot age")
print(f"    GET /metrics: {posts} POSTs to /v1/checks counted across all workers; snapshot age present")
if "x-request-id" not in {k.lower() for k in headers}:
    fail("responses carry no X-Request-ID")
PY
timing "requests" "$(since "$t")"
# Read the log once: `grep -q` closing a pipe early would fail the pipeline under pipefail.
container_log=$(docker logs "$NAME" 2>&1)
if access_line=$(grep -m 1 '"path": "/v1/checks"' <<<"$container_log"); then
  log "the container logs one JSON line per request: $access_line"
else
  die "no JSON access line for /v1/checks in the container's log"
fi
if grep -m 1 'unit cache' <<<"$container_log"; then
  die "the workers did not use the unit cache built into the image (line above)"
fi
docker exec "$NAME" sh -c 'ls /opt/venv/unit-cache/*.pickle' >/dev/null || die "the image has no unit cache"

# --- SIGTERM while requests are in progress ------------------------------------------------------
# One request per worker, each holding its worker: the client sends the headers and half the body,
# the test sends SIGTERM, and only 2 s later the rest. Each must still be answered 200 in full.
log "SIGTERM with $WORKERS requests in progress"
ids_json=$("$PY" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["ids"]))' "$expected")
drain=$("$PY" - "$PORT" "$WORKERS" "$NAME" "$ids_json" "$DOCKER_BIN" <<'PY'
import json, socket, subprocess, sys, threading, time

port, count, name, ids, docker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]), sys.argv[5]
body = json.dumps({"claims": [{"claim_id": ids[i % len(ids)]} for i in range(100)]}).encode()
half = len(body) // 2
started, release = threading.Barrier(count + 1), threading.Event()
answers = [None] * count


def client(index):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            head = (
                f"POST /v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\nX-Request-ID: drain-{index}\r\n\r\n"
            ).encode()
            sock.sendall(head + body[:half])
            started.wait(timeout=30)
            release.wait(timeout=60)
            sock.sendall(body[half:])
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        status = int(data.split(b" ", 2)[1])
        results = len(json.loads(data.split(b"\r\n\r\n", 1)[1])["results"]) if status == 200 else 0
        answers[index] = (status, results, time.time())
    except Exception as error:  # a reset connection is a failed request, reported below
        answers[index] = (repr(error), 0, time.time())


threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
for thread in threads:
    thread.start()
started.wait(timeout=30)
time.sleep(1.0)  # every request has reached a worker, which waits for the rest of its body
term = time.time()
subprocess.run([docker, "kill", "--signal", "TERM", name], check=True, stdout=subprocess.DEVNULL)
time.sleep(2.0)
release.set()
for thread in threads:
    thread.join()
ok = all(a[0] == 200 and a[1] == 100 and a[2] > term for a in answers)
print(json.dumps({"ok": ok, "term": term, "answers": answers}))
PY
) || die "the SIGTERM step failed"
code=$(docker wait "$NAME")
exited=$(now)
"$PY" - "$drain" "$exited" <<'PY' || die "requests in progress at SIGTERM did not all complete with 200"
import json, sys

drain = json.loads(sys.argv[1])
for status, results, done in drain["answers"]:
    print(f"    in-progress request: {status} with {results} results, {done - drain['term']:.2f} s after SIGTERM")
print(f"    container exited {float(sys.argv[2]) - drain['term']:.2f} s after SIGTERM")
sys.exit(0 if drain["ok"] else 1)
PY
term=$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["term"])' "$drain")
timing "SIGTERM to exit (drain)" "$(awk -v a="$term" -v b="$exited" 'BEGIN { printf "%.1f", b - a }')"
docker logs "$NAME" 2>&1 | grep -E 'Handling signal: term|Shutting down: Master' >&2 || true
[ "$code" = 0 ] || { docker logs "$NAME" 2>&1 | tail -n 30 >&2; die "the container exited $code after SIGTERM, not 0"; }
log "the container exited 0"

docker rm "$NAME" >/dev/null
timing "total" "$(since "$STARTED")"
log "container test passed"
