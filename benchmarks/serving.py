"""HTTP benchmarks: the app under gunicorn (sync workers, as `make run` serves it), driven by wrk.

Each scenario is one wrk script in benchmarks/wrk/ posting one body; the bare JSON echo endpoint,
served by the same app and the same gunicorn, is the ceiling the others are compared with.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = ROOT / "benchmarks" / "wrk"
BODIES = ROOT / "benchmarks" / "results" / "bodies"
GUNICORN = Path(sys.executable).with_name("gunicorn")
UNIT_CACHE = ROOT / "instance" / "unit-cache"  # where `make run` keeps pint's parsed definitions
# scenario name -> (path, what it is)
SCENARIOS: dict[str, tuple[str, str]] = {
    "echo": ("/v1/_bench/echo", "JSON echo (the ceiling)"),
    "checks_catalog": ("/v1/checks", "one catalog claim"),
    "checks_rule": ("/v1/checks", "one structured rule"),
    "checks_100": ("/v1/checks", "100 structured rules"),
    "articles": ("/v1/articles", "founding article (stored)"),
}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """Return the ids of a process's child processes (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:  # a process may end between the listing and the read
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return sorted(found)


def gunicorn_command(port: int, workers: int, *options: str) -> list[str]:
    """Return the command serving `service:create_app()` on 127.0.0.1:`port` as `make run` does."""
    return [
        str(GUNICORN),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        *options,
        "--no-control-socket",
        "service:create_app()",
    ]


def memory_mb(pid: int) -> dict[str, float]:
    """Return a process's resident (RSS) and proportional (PSS) memory in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key.lower() + "_mb"] = round(int(rest.split()[0]) / 1024, 1)
    return values


class Server:
    """A gunicorn serving `service:create_app()` on a free port with its own data folder."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None, folder: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.keep_folder = folder is not None  # a folder given is the caller's to remove
        self.folder = folder or Path(tempfile.mkdtemp(prefix="claimcheck-bench-"))
        self.log = self.folder / "gunicorn.log"
        metrics = self.folder / "prometheus"
        shutil.rmtree(metrics, ignore_errors=True)  # fresh for every start, as `make run` makes it
        metrics.mkdir()
        self.env = {
            **os.environ,
            "CLAIMCHECK_DATABASE_URL": f"sqlite:///{self.folder / 'claimcheck.db'}",
            "CLAIMCHECK_BENCH_ECHO": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "CLAIMCHECK_UNIT_CACHE": str(UNIT_CACHE),
            **(env or {}),
        }
        self.command = gunicorn_command(self.port, workers)
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> None:
        """Start gunicorn (its log goes to a file in the folder)."""
        self.started = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log)

    def wait_for(self, method: str, path: str, body: Any = None, timeout: float = 30.0) -> float:
        """Poll until `method path` answers 2xx; return the seconds since start."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                response = requests.request(method, self.url + path, json=body, timeout=5)
                if response.ok:
                    return time.perf_counter() - self.started
            except requests.ConnectionError:
                pass
            time.sleep(0.005)
        raise TimeoutError(f"{method} {path} did not answer within {timeout} s; see {self.log}")

    def workers(self) -> list[int]:
        """Return the worker process ids."""
        return children(self.process.pid)

    def stop(self) -> None:
        """Stop gunicorn gracefully (TERM to the master, by its id), then remove the folder it made."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def warm_unit_cache() -> None:
    """Have pint parse its definitions into UNIT_CACHE once, as `make run` does before starting workers."""
    subprocess.run(
        [sys.executable, "-c", "import rules.units"],
        cwd=ROOT,
        env={**os.environ, "CLAIMCHECK_UNIT_CACHE": str(UNIT_CACHE)},
        check=True,
    )


@contextmanager
def serving(workers: int = 2, **kwargs) -> Iterator[Server]:
    """Run a gunicorn server for the duration of the block, ready for requests."""
    server = Server(workers, **kwargs)
    server.start()
    try:
        server.wait_for("GET", "/healthz")
        yield server
    finally:
        server.stop()


def write_bodies(bodies: dict[str, Any]) -> None:
    """Write each scenario's body where the wrk scripts read it."""
    BODIES.mkdir(parents=True, exist_ok=True)
    for name, body in bodies.items():
        (BODIES / f"{name}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def wrk(url: str, scenario: str, duration: int, connections: int, threads: int = 2) -> dict[str, Any]:
    """Run one wrk scenario and return its requests per second, latency percentiles and errors."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPTS / f"{scenario}.lua"),
        url,
    ]
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, "WRK_BODY_DIR": str(BODIES)}, capture_output=True, text=True
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout[-500:]}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    if raw["errors"]["status"] and raw["errors"]["status"] == raw["requests"]:
        raise RuntimeError(f"every request to {url} failed: is the {scenario} body still valid?")
    seconds = raw["duration_us"] / 1e6
    errors = {key: value for key, value in raw["errors"].items() if value}
    return {
        "requests": raw["requests"],
        "req_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 2),
        "p90_ms": round(raw["latency_us"]["p90"] / 1000, 2),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 2),
        "max_ms": round(raw["latency_us"]["max"] / 1000, 2),
        "errors": errors,
    }


def run(
    bodies: dict[str, Any], duration: int = 10, connections: int = 32, workers: int = 2, warmup: int = 2
) -> dict[str, Any]:
    """Serve with gunicorn and run every scenario with wrk; return results and worker memory."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (Debian: apt-get install -y wrk)"}
    write_bodies(bodies)
    warm_unit_cache()
    results: dict[str, Any] = {}
    with serving(workers) as server:
        memory_idle = [memory_mb(pid) for pid in server.workers()]
        for scenario, (path, what) in SCENARIOS.items():
            # Warm every worker (imports, the parser's index, the result cache) before measuring.
            wrk(server.url + path, scenario, warmup, connections)
            results[scenario] = {
                "path": path,
                "what": what,
                **wrk(server.url + path, scenario, duration, connections),
            }
        # The article end to end as one client sees it, without queueing behind 31 others (the
        # warm-up also lets the workers finish what the 32 connections left queued).
        wrk(server.url + "/v1/articles", "articles", warmup, 1, threads=1)
        single = wrk(server.url + "/v1/articles", "articles", duration, 1, threads=1)
        results["articles_one_client"] = {
            "path": "/v1/articles",
            "what": "founding article, 1 connection",
            **single,
        }
        memory_loaded = [memory_mb(pid) for pid in server.workers()]
        stored = requests.get(server.url + "/v1/reports?per_page=1", timeout=10).json()["total"]
    ceiling = results["echo"]["req_per_s"]
    for result in results.values():
        result["ratio_to_echo"] = round(result["req_per_s"] / ceiling, 3) if ceiling else None
    return {
        "server": f"gunicorn, sync, {workers} workers, --no-control-socket",
        "load": f"wrk, 2 threads, {connections} connections, {duration} s (after {warmup} s of warm-up)",
        "scenarios": results,
        "reports_stored": stored,
        "worker_memory": {"after_start": memory_idle, "after_load": memory_loaded},
    }
