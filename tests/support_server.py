"""A real gunicorn serving the app on 127.0.0.1, for the load and fault tests, and the clients that drive it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.serving import ROOT, children, free_port, gunicorn_command


class Gunicorn:
    """gunicorn with sync workers serving `service:create_app()` from a folder of its own."""

    def __init__(self, folder: Path, workers: int, env: dict[str, str]):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        metrics = folder / "prometheus"
        metrics.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics), **env}
        self.command = gunicorn_command(self.port, workers, "--graceful-timeout", "10")
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start gunicorn and wait until /healthz answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            # The socket accepts before a worker has booted; a request can wait out its timeout in
            # the backlog while 4 workers import on 2 cores. Both mean "not ready yet".
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.05)
        raise TimeoutError(f"gunicorn did not answer within {timeout} s:\n{self.tail()}")

    def workers(self) -> list[int]:
        """Return the ids of the worker processes (the master's children)."""
        return children(self.process.pid)

    def tail(self, lines: int = 40) -> str:
        """Return the end of gunicorn's log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop gunicorn: TERM to the master (by its id), KILL if it does not exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Outcome:
    """One request a client made: what, its status (0: no answer), its latency and any report id."""

    action: str
    status: int
    seconds: float
    report_id: str | None = None
    error: str | None = None


@dataclass
class LoadRun:
    """Every outcome of a load run, with the summary the tests assert on and print."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def statuses(self) -> dict[int, int]:
        """Return how many requests got each status (0: the connection failed)."""
        counts: dict[int, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return dict(sorted(counts.items()))

    def saved(self) -> list[str]:
        """Return the ids of the reports the server acknowledged (201, or 200 with a report)."""
        return [outcome.report_id for outcome in self.outcomes if outcome.report_id]

    def percentile(self, fraction: float, action: str | None = None) -> float:
        """Return a latency percentile in milliseconds (over one action, or all)."""
        times = sorted(o.seconds for o in self.outcomes if o.status and action in (None, o.action))
        if not times:
            return 0.0
        return times[min(len(times) - 1, int(fraction * len(times)))] * 1000

    def summary(self) -> str:
        """Return a one-paragraph summary: requests, rate, statuses, saved reports, p50 and p99."""
        actions = sorted({o.action for o in self.outcomes})
        per_action = ", ".join(
            f"{a} p50 {self.percentile(0.5, a):.0f} ms p99 {self.percentile(0.99, a):.0f} ms" for a in actions
        )
        return (
            f"{len(self.outcomes)} requests in {self.seconds:.1f} s "
            f"({len(self.outcomes) / max(self.seconds, 1e-9):.0f}/s), statuses {self.statuses()}, "
            f"{len(self.saved())} reports saved; p50 {self.percentile(0.5):.0f} ms, "
            f"p99 {self.percentile(0.99):.0f} ms; {per_action}"
        )


def run_clients(
    clients: int, seconds: float, step: Callable[[requests.Session, int, int], Outcome], during=None
) -> LoadRun:
    """Run `clients` threads calling `step(session, client, n)` for `seconds`; `during(elapsed)` runs alongside."""
    run = LoadRun()
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        with requests.Session() as session:
            n = 0
            while not stop.is_set():
                outcome = step(session, number, n)
                n += 1
                with lock:
                    run.outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # Whatever `during` raises, the clients stop: left running they would load (and send requests
    # into) the tests that come after.
    try:
        while (elapsed := time.monotonic() - started) < seconds:
            if during is not None:
                during(elapsed)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    run.seconds = time.monotonic() - started
    return run


def timed(session: requests.Session, action: str, method: str, url: str, **kwargs) -> Outcome:
    """Make one request and return its outcome, with the report id if one was saved."""
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as error:
        return Outcome(action, 0, time.perf_counter() - started, error=f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - started
    report_id = None
    if response.status_code in (200, 201) and method == "POST":
        body = response.json()
        report_id = body.get("id") if response.status_code == 201 else (body.get("report") or {}).get("id")
    error = None if response.status_code < 500 else response.text[:300]
    return Outcome(action, response.status_code, seconds, report_id, error)
