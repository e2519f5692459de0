"""``make bench``: the site's speed figures, measured on this machine (a script, not a test).

Reports: full build and no-change rebuild time; bytes per page (HTML + CSS + JS) and the Python
runtime separately, as transferred here (uncompressed) and as a gzipping host would send them
(the budget: a first visit to an interactive chapter, one runtime set); and in headless
Chromium, the median of N runs of the time to a readable page (first contentful paint), to the
worker's start and to the first kernel result, cold (fresh profile) and on a repeat visit (same
profile, warm HTTP, code and Cache Storage), for the plain, byte-compiled and snapshot boots and
for the site as built, side by side; the wait at a click 2 s after load on a first and a later
visit; the tab's peak and settled memory on a first and a later visit; a soak of 1000 kernel
calls on one page; the model's tokens/s with KV cache in the browser worker and in CPython,
greedy and sampled (medians of 5 generations); the first kernel result and tokens/s in Firefox
and WebKit (tools/engine_speed.py); and Lighthouse (node_modules/.bin/lighthouse,
its default mobile preset) on three chapters and the labs: performance, LCP, TBT, CLS and
accessibility, with every request it saw checked to stay on this machine.

Usage: python tools/bench.py [--runs 3] [--json bench-results/bench.json] [--lighthouse-only]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitebuild.build import BuildConfig, build  # noqa: E402
from sitebuild.httpd import serve_site  # noqa: E402
from sitebuild.runtime.chromium import LAUNCH_ARGS, chromium_path  # noqa: E402
from tools.bench_scripts import (  # noqa: E402
    BROWSER_RATES_JS,
    FIRST_RESULT_JS,
    GENERATIONS,
    MODEL_FILES,
    SNAPSHOT_CACHED_JS,
)
from tools.engine_speed import engine_speed, print_engine_speed  # noqa: E402
from tools.tab_memory import PeakMemory, all_renderers_pss_mb, tab_pss_mb  # noqa: E402

CHROMIUM = chromium_path()
CHAPTER = "from-logits-to-a-token.html"


def time_builds(out: Path) -> dict[str, float]:
    """Seconds for a full build into an empty folder (warm download cache) and a rebuild."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    build(BuildConfig(root=ROOT, out_dir=out))
    full = time.perf_counter() - started
    started = time.perf_counter()
    build(BuildConfig(root=ROOT, out_dir=out))
    return {"full_build_s": full, "rebuild_s": time.perf_counter() - started}


def page_bytes(site: Path) -> dict[str, int]:
    """Bytes on disk: each HTML page with the CSS and JS it loads, and the Python runtime."""
    assets = sum(p.stat().st_size for p in (site / "assets").rglob("*") if p.is_file())
    pages = {
        p.relative_to(site).as_posix(): p.stat().st_size + assets
        for p in sorted(site.rglob("*.html"))
    }
    runtime = sum(p.stat().st_size for p in (site / "pyodide").rglob("*") if p.is_file())
    return {"pages_html_css_js": pages, "runtime_on_disk": runtime}


#: How each boot is asked for, by rewriting the page's config: "site" is the site as built (a
#: first visit boots from the compiled files and caches the snapshot, the next page restores
#: it); the others force one boot on every visit.
BOOTS = {
    "plain": {"pyodideCompiled": False, "pyodideSnapshot": None},
    "compiled": {"pyodideSnapshot": None},
    "snapshot": {"pyodideSnapshotCachedOnly": False},
    "site": {},
}


def override_config(page, changes: dict[str, object]) -> None:  # noqa: ANN001
    """Serve pages whose hlw-config has ``changes`` applied (keys of the config JSON)."""
    if not changes:
        return

    def handle(route):  # noqa: ANN001, ANN202
        response = route.fetch()
        body = response.text()
        for key, value in changes.items():
            pattern = rf'"{key}":(true|false|null|"[^"]*")'
            body = re.sub(pattern, f'"{key}":{json.dumps(value)}', body)
        route.fulfill(response=response, body=body)

    page.route("**/*.html", handle)


@functools.cache
def gzipped_size(url: str) -> int:
    """Bytes a host that gzips its responses would send for ``url`` (never more than the file:
    zips and wheels are compressed already)."""
    with urllib.request.urlopen(url) as response:  # noqa: S310 (our own local server)
        body = response.read()
    return min(len(body), len(gzip.compress(body, 6)))


def visit(context, url: str, boot: str) -> dict[str, float]:  # noqa: ANN001
    """Load a page; time to first contentful paint and to the first kernel result; bytes
    transferred until then (as served here, uncompressed, and as a gzipping host would send
    them); which boot answered. A visit that could not use the snapshot stays until the worker
    has cached it, as a reader's would."""
    page = context.new_page()
    override_config(page, BOOTS[boot])
    transferred = {"runtime": 0, "page": 0}
    fetched: list[str] = []

    def count(response):  # noqa: ANN001, ANN202
        size = int(response.headers.get("content-length", 0) or 0)
        transferred["runtime" if "/pyodide/" in response.url else "page"] += size
        if response.status == 200 and response.url.startswith("http"):
            fetched.append(response.url)

    page.on("response", count)
    page.goto(url)
    page.wait_for_function("() => document.documentElement.dataset.hlwReady === 'true'")
    fcp = page.evaluate("""() => new Promise((resolve) => {
        const seen = performance.getEntriesByName('first-contentful-paint');
        if (seen.length) return resolve(seen[0].startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime))
          .observe({type: 'paint', buffered: true});
    })""")
    result = page.evaluate(FIRST_RESULT_JS)
    until_result, bytes_until_result = list(fetched), dict(transferred)
    if boot == "site" and result["kind"] != "snapshot":
        page.wait_for_function(SNAPSHOT_CACHED_JS, timeout=120_000)
    page.close()
    gzipped = {"runtime": 0, "page": 0}
    for address in until_result:
        gzipped["runtime" if "/pyodide/" in address else "page"] += gzipped_size(address)
    transferred = bytes_until_result
    return {
        "boot": result["kind"],
        "readable_ms": fcp,
        "worker_started_ms": result["started"],
        "first_result_ms": result["ms"],
        **{f"bytes_{k}": v for k, v in transferred.items()},
        **{f"gzip_bytes_{k}": v for k, v in gzipped.items()},
        **{f"stage_{k}_ms": v for k, v in result["stages"].items()},
    }


def click_wait(context, url: str) -> dict[str, float]:  # noqa: ANN001
    """A reader who clicks 2 s after the page loaded: how long the answer takes."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => document.documentElement.dataset.hlwReady === 'true'")
    page.wait_for_timeout(2000)
    waited = page.evaluate("""async () => {
        const started = performance.now();
        await window.hlw.client.call('softmax', {logits: [2, 1, 0.1]});
        return performance.now() - started;
    }""")
    boot = page.evaluate("window.hlw.client.bootKind")
    if boot != "snapshot":
        page.wait_for_function(SNAPSHOT_CACHED_JS, timeout=120_000)
    page.close()
    return {"click_wait_ms": waited, "boot": boot}


def memory_visits(url: str) -> dict[str, dict[str, float]]:
    """The tab's memory (tools/tab_memory.py) on a first visit (compiled boot, then the snapshot
    is cached) and a later one (snapshot restore) in one fresh profile: the peak, sampled from
    navigation until 2 s after the first result (and until the snapshot is cached), and what it
    holds then; beside it, every renderer's, Chromium's own pages included."""
    from playwright.sync_api import sync_playwright

    rows = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        for visit in ("first visit", "next visit"):
            page = context.new_page()
            with PeakMemory() as peak:
                page.goto(url)
                boot = page.evaluate(FIRST_RESULT_JS)["kind"]
                page.wait_for_timeout(2000)
                if boot != "snapshot":
                    page.wait_for_function(SNAPSHOT_CACHED_JS, timeout=120_000)
            rows[visit] = {
                "boot": boot,
                "tab_peak_pss_mb": peak.mb,
                "tab_pss_mb": tab_pss_mb(),
                "all_renderers_pss_mb": all_renderers_pss_mb(),
            }
            page.close()
        context.close()
    return rows


def browser_runs(url: str, runs: int) -> dict[str, dict[str, float]]:
    """Median figures over ``runs`` fresh profiles for each boot in ``BOOTS``: a cold visit,
    then a repeat visit; and, on the site as built, the wait at a click 2 s after load on a
    first and on a later visit."""
    from playwright.sync_api import sync_playwright

    rows: dict[str, list[dict[str, float]]] = {}
    with sync_playwright() as p:
        for _ in range(runs):
            for boot in BOOTS:
                with tempfile.TemporaryDirectory() as profile:
                    context = p.chromium.launch_persistent_context(
                        profile, executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
                    )
                    rows.setdefault(f"{boot} cold", []).append(visit(context, url, boot))
                    rows.setdefault(f"{boot} repeat", []).append(visit(context, url, boot))
                    context.close()
            with tempfile.TemporaryDirectory() as profile:
                context = p.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
                )
                rows.setdefault("click 2 s after load, first visit", []).append(
                    click_wait(context, url)
                )
                rows.setdefault("click 2 s after load, next visit", []).append(
                    click_wait(context, url)
                )
                context.close()
    return {
        kind: {
            k: statistics.median(r[k] for r in values if k in r) if k != "boot" else values[0][k]
            for k in values[0]
        }
        for kind, values in rows.items()
    }


def cpython_rate(args: dict[str, object], runs: int) -> float:
    """Median tokens/s of ``gpt_generate(**args)`` in this process (the model already loaded)."""
    from pyodide_kernels.dispatch import call

    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        produced = len(call("gpt_generate", args)["ids"])
        rates.append(produced / (time.perf_counter() - started))
    return statistics.median(rates)


def model_speed(url: str, runs: int = 5) -> dict[str, float]:
    """Tokens per second of the project's GPT (KV cache, 120 new tokens, greedy and sampled) in
    the browser worker and, on the same code, in CPython: the median of ``runs`` generations
    each, after one that loads the model. Also the tab's memory once it has generated."""
    from playwright.sync_api import sync_playwright

    from pyodide_kernels.dispatch import call

    for _, args in GENERATIONS:  # loads each model once
        call("gpt_generate", {**args, "max_new_tokens": 4})
    figures = {}
    for label, args in GENERATIONS:
        figures[f"cpython_tokens_per_s{label}"] = cpython_rate(args, runs)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()
        page.goto(url)
        for label, args in GENERATIONS:
            rates = page.evaluate(BROWSER_RATES_JS, [args, MODEL_FILES, runs])
            figures[f"browser_tokens_per_s{label}"] = statistics.median(rates)
        figures["tab_pss_after_generation_mb"] = tab_pss_mb()
        browser.close()
    return figures


def soak(url: str, calls: int = 1000) -> dict[str, float]:
    """``calls`` kernel calls on one page: tab memory before, after, and the growth."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.evaluate("() => window.hlw.client.call('softmax', {logits: [1, 2]})")
        page.evaluate("() => window.hlw.client.call('attention_by_hand', {seed: 0})")
        before = tab_pss_mb()
        started = time.perf_counter()
        page.evaluate(
            """async (n) => {
            for (let i = 0; i < n; i++) {
              const causal = i % 3 === 0;
              if (i % 2) await window.hlw.client.call('attention_by_hand', {seed: i, causal});
              else await window.hlw.client.call('softmax_quiz', {seed: i, size: 2 + (i % 5)});
            }
        }""",
            calls,
        )
        seconds = time.perf_counter() - started
        after = tab_pss_mb()
        browser.close()
    return {
        "calls": calls,
        "pss_before_mb": before,
        "pss_after_mb": after,
        "growth_mb": after - before,
        "ms_per_call": seconds * 1000 / calls,
    }


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
#: The pages Lighthouse measures: a light chapter, the heaviest chapter, a chapter of quizzes,
#: a chapter with a Plotly chart (which must not load before the reader scrolls near it), and
#: the labs (the largest page).
LIGHTHOUSE_PAGES = [
    "the-pipeline.html",
    "embeddings-and-position.html",
    CHAPTER,
    "inference-and-hardware.html",
    "labs.html",
]


def lighthouse_command(url: str) -> list[str]:
    """The Lighthouse run for one page: mobile preset (its default), performance and
    accessibility, JSON on stdout, headless Chromium with the flags that keep it offline, no
    error reports sent anywhere."""
    # Lighthouse's launcher turns its own features off: a --disable-features of ours would
    # replace that list (Chromium keeps the last), so Playwright's is left out here
    own = [arg for arg in LAUNCH_ARGS if not arg.startswith("--disable-features=")]
    flags = " ".join(["--headless=new", *own])
    return [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--no-enable-error-reporting",
        f"--chrome-flags={flags}",
    ]


def lighthouse_figures(report: dict) -> dict[str, float | str]:
    """The table's figures from a Lighthouse JSON report: scores out of 100, times in ms.

    Example: a report whose performance score is 0.93 and CLS 0.157 gives
    ``{"performance": 93, ..., "cls": 0.157, ...}``
    """
    audits, categories = report["audits"], report["categories"]
    return {
        "performance": round(100 * categories["performance"]["score"]),
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "accessibility": round(100 * categories["accessibility"]["score"]),
        "version": report["lighthouseVersion"],
    }


def foreign_requests(report: dict, host: str = "127.0.0.1") -> list[str]:
    """Requests in a Lighthouse report that went to another host than ``host``.

    Example: a report whose network-requests list ``http://127.0.0.1:8123/a.js`` and
    ``https://cdn.example/x.js`` gives ``["https://cdn.example/x.js"]``
    """
    items = report["audits"]["network-requests"].get("details", {}).get("items", [])
    urls = [item["url"] for item in items]
    return [u for u in urls if u.startswith("http") and urllib.parse.urlsplit(u).hostname != host]


def lighthouse_runs(url: str, pages: list[str] = LIGHTHOUSE_PAGES) -> dict[str, dict]:
    """Lighthouse on each page under ``url`` (served on 127.0.0.1); stops if a page asked any
    other host for anything."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm install` first")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    rows = {}
    for page in pages:
        done = subprocess.run(
            lighthouse_command(url + page), capture_output=True, text=True, env=env, timeout=600
        )
        if done.returncode != 0:
            raise SystemExit(f"lighthouse failed on {page}: {done.stderr.strip()[-2000:]}")
        report = json.loads(done.stdout)
        if report.get("runtimeError"):
            raise SystemExit(f"lighthouse could not measure {page}: {report['runtimeError']}")
        foreign = foreign_requests(report)
        if foreign:
            raise SystemExit(f"{page} asked other hosts: {', '.join(foreign)}")
        rows[page] = lighthouse_figures(report)
    return rows


def print_lighthouse(rows: dict[str, dict]) -> None:
    """One line per page: performance, LCP, TBT, CLS, accessibility."""
    version = next(iter(rows.values()))["version"]
    print(f"lighthouse {version} (mobile preset, simulated throttling)")
    print(f"  {'page':<30} {'perf':>4} {'LCP':>8} {'TBT':>7} {'CLS':>6} {'a11y':>4}")
    for page, row in rows.items():
        print(
            f"  {page:<30} {row['performance']:>4} {row['lcp_ms'] / 1000:>6.2f} s "
            f"{row['tbt_ms']:>4.0f} ms {row['cls']:>6.3f} {row['accessibility']:>4}"
        )


def lighthouse_only(out: Path, json_path: Path) -> int:
    """``--lighthouse-only``: build the site, serve it, run Lighthouse, print the table."""
    build(BuildConfig(root=ROOT, out_dir=out))
    with serve_site(out, "/") as url:
        rows = lighthouse_runs(url)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({"lighthouse": rows}, indent=2))
    print_lighthouse(rows)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--lighthouse-only", action="store_true", help="only the Lighthouse table")
    options = parser.parse_args(argv)
    out = ROOT / ".cache" / "bench-site"
    results = ROOT / "bench-results"
    if options.lighthouse_only:
        return lighthouse_only(out, options.json or results / "lighthouse.json")
    options.json = options.json or results / "bench.json"
    figures: dict[str, object] = time_builds(out)
    figures.update(page_bytes(out))
    with serve_site(out, "/") as url:
        figures["browser"] = browser_runs(url + CHAPTER, options.runs)
        figures["memory"] = memory_visits(url + CHAPTER)
        figures["soak"] = soak(url + CHAPTER)
        figures["model"] = model_speed(url + "the-pipeline.html")
        figures["engines"] = engine_speed(url, options.runs)
        figures["lighthouse"] = lighthouse_runs(url)
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(figures, indent=2))
    print(f"full build        {figures['full_build_s']:.2f} s")
    print(f"rebuild           {figures['rebuild_s']:.2f} s")
    for page, size in figures["pages_html_css_js"].items():  # type: ignore[union-attr]
        print(f"page {page:<32} {size / 1024:8.1f} KiB (HTML+CSS+JS)")
    print(f"runtime on disk   {figures['runtime_on_disk'] / 2**20:.1f} MiB")
    for kind, row in figures["browser"].items():  # type: ignore[union-attr]
        if "click_wait_ms" in row:
            print(f"{kind:<34} ({row['boot']}) waited {row['click_wait_ms']:4.0f} ms")
            continue
        print(
            f"{kind:<16} ({row['boot']:>8}) readable {row['readable_ms']:4.0f} ms, worker started "
            f"{row['worker_started_ms']:4.0f} ms, first kernel result "
            f"{row['first_result_ms']:6.0f} ms   transferred: page {row['bytes_page'] / 1024:.0f}"
            f" KiB, runtime {row['bytes_runtime'] / 2**20:.1f} MiB; gzipped: page "
            f"{row['gzip_bytes_page'] / 1024:.0f} KiB, runtime "
            f"{row['gzip_bytes_runtime'] / 1e6:.2f} MB, total "
            f"{(row['gzip_bytes_page'] + row['gzip_bytes_runtime']) / 1e6:.2f} MB"
        )
        stages = sorted((v, k[6:-3]) for k, v in row.items() if k.startswith("stage_"))
        print(
            "    boot stages (ms after the worker began): "
            + ", ".join(f"{name} {ms:.0f}" for ms, name in stages)
        )
    print(f"(medians of {options.runs} runs, headless Chromium, this machine)")
    for visit, row in figures["memory"].items():  # type: ignore[union-attr]
        print(
            f"tab memory (PSS), {visit:<10} ({row['boot']:>8}) peak {row['tab_peak_pss_mb']:.0f}"
            f" MB, then {row['tab_pss_mb']:.0f} MB (every renderer, Chromium's own pages "
            f"included: {row['all_renderers_pss_mb']:.0f} MB)"
        )
    speed = figures["model"]
    print(
        f"model  {speed['browser_tokens_per_s']:.0f} tokens/s in the browser worker, "
        f"{speed['cpython_tokens_per_s']:.0f} tokens/s in CPython (KV cache, greedy); sampled "
        f"(T 0.8, top-p 0.9) {speed['browser_tokens_per_s_sampled']:.0f} and "
        f"{speed['cpython_tokens_per_s_sampled']:.0f}; the Llama-style model, greedy, "
        f"{speed['browser_tokens_per_s_llama']:.0f} and {speed['cpython_tokens_per_s_llama']:.0f}"
        f"; tab memory (PSS) after generating "
        f"{speed['tab_pss_after_generation_mb']:.0f} MB"
    )
    print_engine_speed(figures["engines"])  # type: ignore[arg-type]
    print_lighthouse(figures["lighthouse"])  # type: ignore[arg-type]
    row = figures["soak"]
    print(
        f"soak   {row['calls']} kernel calls: tab memory (PSS) {row['pss_before_mb']:.0f} -> "
        f"{row['pss_after_mb']:.0f} MB (growth {row['growth_mb']:+.1f} MB), "
        f"{row['ms_per_call']:.1f} ms per call"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
