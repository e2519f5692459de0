"""Shell door to the kernels: ``python -m pyodide_kernels NAME '<json args>'`` prints the result.

``python -m pyodide_kernels --list`` prints every kernel name, one per line.
"""

from __future__ import annotations

import argparse
import json
import sys

from .dispatch import call_json, kernel_names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pyodide_kernels", description=__doc__)
    parser.add_argument("name", nargs="?", help="kernel name (see --list)")
    parser.add_argument("args", nargs="?", default="{}", help="JSON object of keyword arguments")
    parser.add_argument("--list", action="store_true", help="list the kernel names and exit")
    options = parser.parse_args(argv)
    if options.list:
        print("\n".join(kernel_names()))
        return 0
    if not options.name:
        parser.error("name a kernel, or pass --list")
    answer = json.loads(call_json(options.name, options.args))
    if "error" in answer:
        print(f"error: {answer['error']['message']}", file=sys.stderr)
        return 1
    print(json.dumps(answer["result"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
