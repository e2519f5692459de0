"""``make bench``'s figures for the other engines, Firefox (over WebDriver BiDi) and WebKitGTK
(over WebDriver, under Xvfb), driven as the cross-engine tests drive them (tests/engines/):
the first kernel result on a first visit (empty profile) and on a later page (the same profile,
whatever the engine could cache), with the boot each used, and the model's tokens/s in the
page's worker, greedy and sampled.

Leaves out memory and Lighthouse, which are Chromium's (its process tree and DevTools).

Example: ``engine_speed("http://127.0.0.1:8000/", runs=3)["firefox"]["first_visit_ms"]``
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from tests.engines.engine import wait_for
from tests.engines.firefox import firefox_missing, launch_firefox
from tests.engines.webkit import launch_webkit, webkit_missing
from tools.bench_scripts import (
    BROWSER_RATES_JS,
    FIRST_RESULT_JS,
    GENERATIONS,
    MODEL_FILES,
    SNAPSHOT_CACHED_JS,
)

CHAPTER = "from-logits-to-a-token.html"
READY = "() => document.documentElement.dataset.hlwReady === 'true'"
ENGINES = {"firefox": (launch_firefox, firefox_missing), "webkit": (launch_webkit, webkit_missing)}


def first_result(engine, url: str) -> dict:  # noqa: ANN001
    """Open ``url``; milliseconds from navigation to the first kernel result, and the boot. A
    boot that did not restore the snapshot waits while the worker caches it, as a reader's
    page would."""
    engine.goto(url)
    wait_for(engine, READY, 60)
    result = engine.evaluate(FIRST_RESULT_JS)
    if result["kind"] != "snapshot":
        wait_for(engine, SNAPSHOT_CACHED_JS, 120)
    return result


def one_engine(name: str, url: str, runs: int) -> dict:
    """Medians of ``runs`` first and later visits, and of ``runs`` generations each way."""
    launch, _ = ENGINES[name]
    first, later = [], []
    with tempfile.TemporaryDirectory() as logs, launch(Path(logs) / f"{name}.log") as engine:
        for _ in range(runs):
            engine.fresh()
            first.append(first_result(engine, url + CHAPTER))
            later.append(first_result(engine, url + CHAPTER))
        figures: dict[str, object] = {
            "version": engine.version,
            "first_visit_ms": statistics.median(r["ms"] for r in first),
            "first_visit_boot": first[0]["kind"],
            "later_visit_ms": statistics.median(r["ms"] for r in later),
            "later_visit_boot": later[0]["kind"],
        }
        engine.goto(url + "the-pipeline.html")
        wait_for(engine, READY, 60)
        for label, args in GENERATIONS:
            rates = engine.evaluate(BROWSER_RATES_JS, [args, MODEL_FILES, runs])
            figures[f"tokens_per_s{label}"] = statistics.median(rates)
    return figures


def engine_speed(url: str, runs: int) -> dict[str, dict]:
    """Each engine's figures, or the reason it cannot run here."""
    rows: dict[str, dict] = {}
    for name, (_, missing) in ENGINES.items():
        why = missing()
        rows[name] = {"missing": why} if why else one_engine(name, url, runs)
    return rows


def print_engine_speed(rows: dict[str, dict]) -> None:
    for name, row in rows.items():
        if "missing" in row:
            print(f"{name:<8} not measured: {row['missing']}")
            continue
        print(
            f"{name:<8} {row['version']}: first kernel result {row['first_visit_ms']:5.0f} ms on a "
            f"first visit ({row['first_visit_boot']}), {row['later_visit_ms']:5.0f} ms later "
            f"({row['later_visit_boot']}); model {row['tokens_per_s']:.0f} tokens/s greedy, "
            f"{row['tokens_per_s_sampled']:.0f} sampled"
        )
