"""Engine benchmarks, in process on one core: the whole catalog, structured claims, free-text claims.

Each is measured cold (the engine's result cache emptied first, so every rule is really evaluated)
and, where it means something, warm (the same work again, answered from the cache).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from benchmarks.workloads import AS_OF, free_text_claims, structured_claims
from claims.catalog import Catalog
from claims.parser import ParseContext, check_text
from rules import engine
from rules.reference import Snapshot
from rules.rule import load_rule

BATCH = 100  # the most claims one request may ask (service.schemas.MAX_CLAIMS)


def _clear_cache() -> None:
    cached = getattr(engine, "_cached", None)  # absent before the engine had a result cache
    if cached is not None:
        cached.cache_clear()


def _timed(work: Callable[[], Any]) -> float:
    gc.collect()  # start each measurement with no garbage left over from the one before
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _median_of(runs: int, work: Callable[[], Any], before: Callable[[], Any] = lambda: None) -> float:
    """Return the median time of `runs` runs of `work`, calling `before` (untimed) ahead of each."""
    times = []
    for _ in range(runs):
        before()
        times.append(_timed(work))
    return statistics.median(times)


def catalog(snapshot: Snapshot, claims: Catalog, repeat: int = 30) -> dict[str, Any]:
    """Evaluate every catalog claim as of its article's date, to JSON: median milliseconds per catalog."""
    every = list(claims.claims.values())

    def run():
        for claim in every:
            claim.check(snapshot).to_dict()

    run()  # warm the per-process caches that are not results (units, indexes)
    cold = []
    for _ in range(repeat):
        _clear_cache()
        cold.append(_timed(run))
    warm = [_timed(run) for _ in range(repeat)]
    return {
        "claims": len(every),
        "cold_ms": round(statistics.median(cold) * 1000, 2),
        "cold_min_ms": round(min(cold) * 1000, 2),
        "warm_ms": round(statistics.median(warm) * 1000, 3),
        "target_ms": 5,
    }


def structured(snapshot: Snapshot, count: int = 10_000, runs: int = 3) -> dict[str, Any]:
    """Validate, evaluate and serialise `count` distinct quantity and ratio rules: claims per second.

    The headline is what the service does: rule mappings in, JSON-ready results out, in batches of
    100 (the most one request may ask) whose results are let go once serialised. The same pass with
    all `count` results kept alive is measured too (the garbage collector then has more to walk), and
    the phases apart, each on fresh rules with the result cache emptied. Each figure is the median of
    `runs`.
    """
    specs = structured_claims(snapshot, count)
    batches = [specs[start : start + BATCH] for start in range(0, count, BATCH)]

    def answer(batch):
        return [engine.evaluate(load_rule(spec), snapshot, AS_OF).to_dict() for spec in batch]

    def in_batches():
        for batch in batches:
            answer(batch)

    batched_s = _median_of(runs, in_batches, before=_clear_cache)
    kept_s = _median_of(runs, lambda: answer(specs), before=_clear_cache)
    load_s = _median_of(runs, lambda: [load_rule(spec) for spec in specs])
    rules: list = []
    results: list = []

    def fresh_rules():
        _clear_cache()
        rules[:] = [load_rule(spec) for spec in specs]

    def evaluate_all():
        results[:] = [engine.evaluate(rule, snapshot, AS_OF) for rule in rules]

    evaluate_s = _median_of(runs, evaluate_all, before=fresh_rules)
    to_dict_s = _median_of(runs, lambda: [result.to_dict() for result in results])
    # Claims asked again and again (a working set the result cache holds): the first 1,000, ten times.
    hot = specs[: min(count, getattr(engine, "RESULT_CACHE_SIZE", 2048) // 2)] * 10
    hot_s = _median_of(
        runs, lambda: [engine.evaluate(load_rule(spec), snapshot, AS_OF).to_dict() for spec in hot]
    )
    return {
        "claims": count,
        "kinds": dict(Counter(spec["kind"] for spec in specs)),
        "verdicts": dict(Counter(result.verdict.value for result in results)),
        "batch": BATCH,
        "claims_per_s": round(count / batched_s),
        "us_per_claim": round(batched_s / count * 1e6, 1),
        "all_kept_per_s": round(count / kept_s),
        "validate_per_s": round(count / load_s),
        "evaluate_per_s": round(count / evaluate_s),
        "to_json_per_s": round(count / to_dict_s),
        "repeated_per_s": round(len(hot) / hot_s),
        "target_per_s": 20_000,
    }


def free_text(snapshot: Snapshot, count: int = 1_000, runs: int = 3) -> dict[str, Any]:
    """Parse and check `count` distinct sentences, one free-text claim each: claims per second (median)."""
    sentences = free_text_claims(count)
    context = ParseContext(published=AS_OF, main_entity="vostochny")
    check_text("Vostochny covers 551.5 km².", snapshot, AS_OF, context)  # the per-snapshot parser index
    found: list = []

    def check_all():
        found[:] = [pair for text in sentences for pair in check_text(text, snapshot, AS_OF, context)]

    elapsed = _median_of(runs, check_all, before=_clear_cache)
    verdicts = Counter(result.verdict.value for _, result in found)
    return {
        "claims": count,
        "results": len(found),
        "claims_per_s": round(count / elapsed),
        "results_per_s": round(len(found) / elapsed),
        "us_per_claim": round(elapsed / count * 1e6, 1),
        "verdicts": dict(verdicts),
        "target_per_s": 2_000,
    }


def run(snapshot: Snapshot, claims: Catalog, quick: bool = False) -> dict[str, Any]:
    """Run the engine benchmarks (smaller with `quick`) and return their results."""
    return {
        "catalog": catalog(snapshot, claims, repeat=5 if quick else 30),
        "structured": structured(snapshot, 1_000 if quick else 10_000, runs=1 if quick else 3),
        "free_text": free_text(snapshot, 100 if quick else 1_000, runs=1 if quick else 3),
    }
