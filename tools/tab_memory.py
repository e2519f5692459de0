"""The memory of a Chromium tab that runs the site: the renderer process that hosts the page and
its kernel worker, told apart from Chromium's other renderers (the spare one it keeps warm, and
its own WebUI pages, such as the omnibox popup headless Chromium opens, about 75 MB on its own).

Memory is the proportional set size (PSS), which counts shared libraries once across processes,
read from /proc (Linux only). The tab's renderer is the one with a dedicated-worker thread:
only the site's pages start a worker.

Example::

    with PeakMemory() as peak:
        page.goto(url)
        ...
    peak.mb  # the most the tab's renderer held while sampled, e.g. 245.3
"""

from __future__ import annotations

import threading
from pathlib import Path

PROC = Path("/proc")


def renderer_processes() -> list[Path]:
    """/proc/<pid> of every Chromium renderer process now alive."""
    found = []
    for process in PROC.glob("[0-9]*"):
        try:
            cmdline = (process / "cmdline").read_bytes()
        except OSError:
            continue
        if b"chromium" in cmdline and b"--type=renderer" in cmdline:
            found.append(process)
    return found


def pss_mb(process: Path) -> float:
    """The process's proportional set size in MB (0 once it has exited)."""
    try:
        for line in (process / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def runs_a_dedicated_worker(process: Path) -> bool:
    """Whether one of the process's threads is a dedicated worker (Chromium names them so)."""
    try:
        threads = list((process / "task").iterdir())
    except OSError:
        return False
    for thread in threads:
        try:
            if (thread / "comm").read_text().startswith("DedicatedWorker"):
                return True
        except OSError:
            continue
    return False


def tab_pss_mb() -> float:
    """PSS of the renderers that run a worker: the site's tab (0 before its worker starts)."""
    return sum(pss_mb(p) for p in renderer_processes() if runs_a_dedicated_worker(p))


def all_renderers_pss_mb() -> float:
    """PSS of every renderer, Chromium's own WebUI and spare renderer included."""
    return sum(pss_mb(p) for p in renderer_processes())


class PeakMemory:
    """Samples ``tab_pss_mb`` every ``interval`` seconds in a thread while the block runs;
    ``mb`` is the largest sample. Reading /proc costs a few ms, so keep it out of timed runs."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.mb = interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.mb = max(self.mb, tab_pss_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, tab_pss_mb())
