"""The labs from the shell: ``python -m pyodide_kernels.labs LAB [--config settings.yaml]
[--prompt …] [--seed …] [--tokens …] [--temperature …] [--top-k …] [--set key=value …]``
prints BASE, then TWEAK, then the effect and the debrief, computed by the same kernel the
browser calls. Every default comes from the labs' registry (``registry.py``); a YAML file may
override the shared settings and, under ``labs: {LAB: {…}}``, a lab's parameters; the command
line wins over both.

``--checkpoint STEP`` runs the lab on the model after that many steps of training (one of
``checkpoints.SHIPPED``) instead of the shipped model.

Example: ``python -m pyodide_kernels.labs head-ablation --set layer=3 --set head=0``
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from dataclasses import fields
from pathlib import Path
from typing import Any

from .._validate import parse_value
from .registry import LABS, SHARED, lab_run

SETTINGS = tuple(f.name for f in fields(SHARED))


def read_config(path: str | None) -> dict[str, Any]:
    """The YAML config as a dict ({} without one); PyYAML is imported only here, never in the
    browser. Example: ``read_config(None)`` -> {}"""
    if path is None:
        return {}
    import yaml

    loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping of settings")
    return loaded


def parser() -> argparse.ArgumentParser:
    """The command line's options; each shared setting's default is shown from the registry."""
    parse = argparse.ArgumentParser(prog="python -m pyodide_kernels.labs", description=__doc__)
    parse.add_argument("lab", nargs="?", help="the lab to run (see --list)")
    parse.add_argument("--list", action="store_true", help="name every lab and stop")
    parse.add_argument("--config", help="a YAML file of settings")
    for field in fields(SHARED):
        parse.add_argument(
            f"--{field.name.replace('_', '-')}",
            dest=field.name,
            type=int if field.default is None else type(field.default),
            help=f"default {field.default!r}",
        )
    parse.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a lab parameter, e.g. layer=3",
    )
    parse.add_argument("--json", action="store_true", help="print the whole result as JSON")
    return parse


def lab_arguments(argv: list[str]) -> dict[str, Any]:
    """The ``lab_run`` arguments from the command line and the config file (command line wins).

    Example: ``lab_arguments(["induction", "--seed", "3"])["seed"]`` -> 3
    """
    options = parser().parse_args(argv)
    if options.list or not options.lab:
        return {"list": True}
    config = read_config(options.config)
    settings = {k: config[k] for k in SETTINGS if k in config}
    settings.update({k: getattr(options, k) for k in SETTINGS if getattr(options, k) is not None})
    params = dict((config.get("labs") or {}).get(options.lab) or {})
    for item in options.set:
        key, _, value = item.partition("=")
        params[key] = parse_value(value)
    return {"lab": options.lab, **settings, "params": params, "json": options.json}


def describe(result: dict[str, Any]) -> str:
    """BASE, TWEAK and the effect as plain text.

    Example: ``describe(lab_run("head-ablation"))`` starts with '== Zero one attention head'
    """
    effect = result["effect"]
    lines = [f"== {result['title']} ({result['lab']})", f"params: {json.dumps(result['params'])}"]
    for side in ("base", "tweak"):
        part = result[side]
        label = part.get("label", side.upper())
        lines.append(f"\n-- {side.upper()}: {label}")
        if "text" in part:
            lines.append(part["text"])
        if "top" in part:
            lines.append(
                "top next: " + ", ".join(f"{t['token']!r} {t['prob']:.3f}" for t in part["top"])
            )
    unit = f" {effect['unit']}" if effect["unit"] else ""
    lines.append(
        f"\n-- EFFECT: {effect['name']}: BASE {effect['base']:.4f}{unit}, "
        f"TWEAK {effect['tweak']:.4f}{unit}"
    )
    lines.append("\n-- DEBRIEF: what you should have seen, and why")
    lines.extend(textwrap.fill(paragraph, 96) + "\n" for paragraph in result["debrief"])
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 2 on bad input, with the reason."""
    try:
        args = lab_arguments(sys.argv[1:] if argv is None else argv)
        if args.pop("list", False):
            for name, lab in LABS.items():
                print(f"{name:18} {lab.title}")
            return 0
        as_json = args.pop("json")
        result = lab_run(**args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from ..dispatch import jsonable

    print(
        json.dumps(jsonable(result)) if as_json else describe(result),
        end="" if not as_json else "\n",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
