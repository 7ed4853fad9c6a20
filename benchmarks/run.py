"""`python -m benchmarks.run`: every benchmark, a table on stdout and benchmarks/results/latest.json.

Options: `--quick` (smaller inputs and 3 s wrk runs, to try the harness), `--only engine,http,startup`,
`--duration` and `--connections` for wrk, `--out` for the JSON file. Benchmarks never fail on a
number: the exit status is 0 unless the harness itself broke.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import engine, serving, startup
from benchmarks.workloads import request_bodies
from claims.catalog import load_catalog
from rules.reference import load_snapshot

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "benchmarks" / "results" / "latest.json"
PACKAGES = ("flask", "flask-smorest", "marshmallow", "pint", "gunicorn", "sqlalchemy", "rapidfuzz", "pyyaml")


def _first_line(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def machine() -> dict[str, Any]:
    """Return what the numbers were measured on: CPU, cores, memory, OS, Python, packages, commit."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), None
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = next((int(ln.split()[1]) for ln in meminfo.splitlines() if ln.startswith("MemTotal")), 0)
    release = Path("/etc/os-release")
    os_name = (
        next(
            (
                ln.split("=", 1)[1].strip('"')
                for ln in release.read_text().splitlines()
                if ln.startswith("PRETTY_NAME")
            ),
            platform.platform(),
        )
        if release.exists()
        else platform.platform()
    )
    commit = _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = bool(_first_line(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]))
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
        "wrk": _first_line(["wrk", "--version"]),
        "commit": f"{commit}{'+changes' if dirty else ''}" if commit else None,
    }


def _row(name: str, value: str, target: str, meets: bool | None) -> str:
    mark = {True: "yes", False: "NO", None: ""}[meets]
    return f"  {name:<46} {value:>22}   {target:<14} {mark}"


def table(results: dict[str, Any]) -> str:
    """Return the results as the plain-text table the run prints."""
    lines = [
        f"claimcheck benchmarks, {results['when']}",
        f"  machine: {results['machine']['cpu']}, "
        f"{results['machine']['cores']} cores, Python {results['machine']['python']}",
        "",
    ]
    if "engine" in results:
        eng = results["engine"]
        cat, st, ft = eng["catalog"], eng["structured"], eng["free_text"]
        lines += [
            "engine, in process, one core" + " " * 20 + "measured" + " " * 17 + "target",
            _row(
                f"whole catalog ({cat['claims']} claims), cold",
                f"{cat['cold_ms']} ms",
                "< 5 ms",
                cat["cold_ms"] < 5,
            ),
            _row("whole catalog, cached", f"{cat['warm_ms']} ms", "", None),
            _row(
                f"{st['claims']:,} structured claims, {st['batch']} a request",
                f"{st['claims_per_s']:,}/s",
                ">= 20,000/s",
                st["claims_per_s"] >= 20_000,
            ),
            _row(f"  all {st['claims']:,} results kept alive", f"{st['all_kept_per_s']:,}/s", "", None),
            _row(
                "  validate / evaluate / to JSON",
                f"{st['validate_per_s']:,} / {st['evaluate_per_s']:,} / {st['to_json_per_s']:,}",
                "",
                None,
            ),
            _row("  the same claims asked again (cached)", f"{st['repeated_per_s']:,}/s", "", None),
            _row(
                f"{ft['claims']:,} free-text claims",
                f"{ft['claims_per_s']:,}/s",
                ">= 2,000/s",
                ft["claims_per_s"] >= 2_000,
            ),
            "",
        ]
    http = results.get("http", {})
    if "scenarios" in http:
        lines.append(f"HTTP: {http['server']}; {http['load']}")
        lines.append(f"  {'scenario':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of echo':>8}  errors")
        for item in http["scenarios"].values():
            lines.append(
                f"  {item['what']:<34} {item['req_per_s']:>9,.0f} {item['p50_ms']:>8} {item['p99_ms']:>8} "
                f"{item['ratio_to_echo']:>8.2f}  {item['errors'] or '-'}"
            )
        lines.append("")
    elif http:
        lines += [f"HTTP: skipped ({http['skipped']})", ""]
    if "startup" in results:
        su = results["startup"]
        rss = max(
            item["rss_mb"]
            for item in http.get("worker_memory", {}).get("after_load", [])
            or [{"rss_mb": su["gunicorn"]["worker_rss_mb_max"]}]
        )
        lines += [
            "start-up",
            _row("gunicorn first start (new database)", f"{su['gunicorn']['first_start_s']} s", "", None),
            _row(
                "gunicorn restart to first verdict",
                f"{su['gunicorn']['median_s']} s",
                "< 1 s",
                su["gunicorn"]["median_s"] < 1,
            ),
            _row("claimcheck check (CLI), start to exit", f"{su['cli']['median_s']} s", "", None),
            _row("resident memory per worker (max)", f"{rss} MB", "< 150 MB", rss < 150),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print the table and write the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs and short wrk runs")
    parser.add_argument("--only", default="engine,http,startup", help="comma-separated: engine,http,startup")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", type=Path, default=LATEST)
    args = parser.parse_args(argv)
    chosen = {part.strip() for part in args.only.split(",") if part.strip()}
    duration = args.duration or (3 if args.quick else 10)
    snapshot, claims = load_snapshot(), load_catalog()
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "quick": args.quick,
        "machine": machine(),
    }
    if "engine" in chosen:
        print("engine ...", file=sys.stderr)
        results["engine"] = engine.run(snapshot, claims, quick=args.quick)
    if "http" in chosen:
        print(f"http: {len(serving.SCENARIOS)} scenarios x {duration} s ...", file=sys.stderr)
        results["http"] = serving.run(
            request_bodies(snapshot), duration=duration, connections=args.connections
        )
    if "startup" in chosen:
        print("start-up ...", file=sys.stderr)
        results["startup"] = startup.run(quick=args.quick)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
