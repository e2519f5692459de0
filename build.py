"""Build the site: ``python build.py [--out site] [--base-url /how-llms-work/]``.

Exits 1 with ``path:line: reason`` on any mistake in the sources (strict by default).
The work is done in ``sitebuild/``; read ``sitebuild/build.py`` first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitebuild.build import BuildConfig, build
from sitebuild.errors import BuildError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    parser.add_argument("--base-url", default="/", help="path the site is served under")
    parser.add_argument(
        "--site-url",
        default="",
        help="absolute URL of the site, for the sitemap and canonical links",
    )
    parser.add_argument(
        "--no-runtime",
        action="store_true",
        help="skip vendoring Pyodide (pages only; widgets will not compute live)",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="do not make a new Python memory snapshot (a cached one is still served)",
    )
    options = parser.parse_args(argv)
    config = BuildConfig(
        root=Path(__file__).resolve().parent,
        out_dir=Path(options.out),
        base_url=options.base_url,
        site_url=options.site_url,
        vendor_runtime=not options.no_runtime,
        make_snapshot=not options.no_snapshot,
    )
    try:
        result = build(config)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"built {len(result.pages)} pages, {len(result.widgets)} widgets "
        f"into {options.out}/ in {result.seconds:.2f} s"
    )
    if result.runtime:
        boots = ["snapshot"] * bool(result.runtime.get("snapshot"))
        boots += ["compiled"] * bool(result.runtime.get("compiled")) + ["plain"]
        print(f"Python boots from: {', then '.join(boots)} ({result.runtime['index_url']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
