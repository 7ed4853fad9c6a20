"""Start-up: from process start to the first verdict, for the CLI and for a gunicorn server."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.serving import ROOT, UNIT_CACHE, Server, memory_mb, warm_unit_cache
from benchmarks.workloads import CATALOG_CLAIM

CLAIMCHECK = Path(sys.executable).with_name("claimcheck")


def cli(repeat: int = 5) -> dict[str, Any]:
    """Time `claimcheck check --claim-id ...`: interpreter, imports, data, one verdict, exit."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [str(CLAIMCHECK), "check", "--claim-id", CATALOG_CLAIM, "--json"],
            cwd=ROOT,
            env={**os.environ, "CLAIMCHECK_UNIT_CACHE": str(UNIT_CACHE)},
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3), "runs": repeat}


def server(repeat: int = 5, workers: int = 2) -> dict[str, Any]:
    """Time gunicorn from its start to the first 200 of POST /v1/checks; measure a fresh worker's memory.

    The first start is on a new database (the migrations run); the `repeat` restarts after it reuse that
    database, as `make run` does the next time or a container restarted on its volume. Like `make run`,
    pint's parsed definitions are cached beforehand (`run`).
    """
    folder = Path(tempfile.mkdtemp(prefix="claimcheck-startup-"))
    times, memory = [], []
    try:
        for _ in range(repeat + 1):
            instance = Server(workers, folder=folder)
            instance.start()
            try:
                body = {"claims": [{"claim_id": CATALOG_CLAIM}]}
                times.append(instance.wait_for("POST", "/v1/checks", body))
                memory += [memory_mb(pid) for pid in instance.workers()]
            finally:
                instance.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    first, restarts = times[0], times[1:]
    return {
        "first_start_s": round(first, 3),
        "median_s": round(statistics.median(restarts), 3),
        "min_s": round(min(restarts), 3),
        "max_s": round(max(restarts), 3),
        "runs": repeat,
        "worker_rss_mb_max": max(item["rss_mb"] for item in memory),
        "worker_pss_mb_max": max(item["pss_mb"] for item in memory),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Run the start-up measurements."""
    repeat = 2 if quick else 5
    warm_unit_cache()  # as `make run` does before starting gunicorn; both measurements use it
    return {"cli": cli(repeat), "gunicorn": server(repeat), "target_s": 1.0, "target_rss_mb": 150}
