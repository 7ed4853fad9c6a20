"""Start-up: from process start to the first verdict, for the CLI and for a gunicorn server."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.serving import ROOT, Server, memory_mb
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
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3), "runs": repeat}


def server(repeat: int = 5, workers: int = 2) -> dict[str, Any]:
    """Time gunicorn from its start to the first 200 of POST /v1/checks; measure a fresh worker's memory."""
    times, memory = [], []
    for _ in range(repeat):
        instance = Server(workers)
        instance.start()
        try:
            times.append(instance.wait_for("POST", "/v1/checks", {"claims": [{"claim_id": CATALOG_CLAIM}]}))
            memory += [memory_mb(pid) for pid in instance.workers()]
        finally:
            instance.stop()
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "runs": repeat,
        "worker_rss_mb_max": max(item["rss_mb"] for item in memory),
        "worker_pss_mb_max": max(item["pss_mb"] for item in memory),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Run the start-up measurements."""
    repeat = 2 if quick else 5
    return {"cli": cli(repeat), "gunicorn": server(repeat), "target_s": 1.0, "target_rss_mb": 150}
