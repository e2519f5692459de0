"""The reader's own version of a kernel: the code panel under every widget lets a reader change
the functions behind a figure and run them on the widget's inputs, in their own browser.

The page sends the edited text and which module each listed function came from (the build
took both from the source; the browser's byte-compiled kernels have no source to read). Each
function is defined again in a copy of its own module's namespace, so it sees what the original
saw; every copy then calls the edited versions instead of the originals (through the module
too, as in ``sampling.beam_search``). Nothing of the real modules changes: the next plain call
of a kernel computes as before.

A mistake in the reader's code comes back as an ``EditedCodeError`` naming the reader's line:
"line 4: ZeroDivisionError: division by zero". An endless loop is the page's to stop: the
worker is replaced when a call outlives its timeout.

Leaves out: methods of classes (a listing shows functions only), and functions the listing did
not show, which run as the project wrote them.

Example: ``run_edited("softmax", [{"name": "softmax", "module": "pyodide_kernels.maths.softmax"}],
"def softmax(logits):\\n    return {'probs': [1.0]}\\n", {"logits": [0, 0]})`` -> {'probs': [1.0]}
"""

from __future__ import annotations
import __future__

import ast
import dataclasses
import importlib
import traceback
import types
from typing import Any

from .dispatch import jsonable, kernel_table

__kernels__ = ("run_edited",)

#: The file name the reader's code is compiled under, so its frames can be told apart.
YOURS = "<your code>"
#: Frames of the reader's code a traceback shows at most (the innermost ones).
MOST_FRAMES = 4


class EditedCodeError(ValueError):
    """The reader's code failed: the message names the line, the error and where it was raised."""


def module_of(functions: list[dict[str, str]], name: str, kernel_module: str) -> str:
    """The module a listed function came from; a new function of the reader's joins the
    kernel's module.

    Example: ``module_of([{"name": "f", "module": "m"}], "g", "k")`` -> 'k'
    """
    return next((f["module"] for f in functions if f["name"] == name), kernel_module)


def parse(source: str) -> ast.Module:
    """The reader's code, parsed; a syntax error names its line.

    Example: ``parse("def f(:")`` -> EditedCodeError('line 1: SyntaxError: …')
    """
    if not isinstance(source, str) or not source.strip():
        raise EditedCodeError("source: there is no code to run")
    try:
        return ast.parse(source, YOURS)
    except SyntaxError as error:
        raise EditedCodeError(f"line {error.lineno}: SyntaxError: {error.msg}") from None


def define(tree: ast.Module, functions: list[dict], kernel_module: str) -> dict[str, dict]:
    """Run the reader's code: every top-level ``def`` in a copy of its module's namespace, any
    other statement (an import, a constant) in the kernel module's copy first. Returns each
    module's copy by name.

    Example: ``define(parse("def softmax(logits): ..."), fns, m)`` ->
    {'pyodide_kernels.maths.softmax': {…, 'softmax': <the reader's softmax>}}
    """
    spaces: dict[str, dict[str, Any]] = {}

    def space(name: str) -> dict[str, Any]:
        if name not in spaces:
            spaces[name] = dict(vars(importlib.import_module(name)))
        return spaces[name]

    others = [node for node in tree.body if not isinstance(node, ast.FunctionDef)]
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    for nodes, target in [(others, kernel_module)] + [
        ([node], module_of(functions, node.name, kernel_module)) for node in defs
    ]:
        if nodes:
            module = ast.Module(body=nodes, type_ignores=[])
            code = compile(module, YOURS, "exec", flags=__future__.annotations.compiler_flag)
            exec(code, space(target))  # noqa: S102 - the reader's own code, in their own worker
    return spaces


def rebind(spaces: dict[str, dict[str, Any]], functions: list[dict]) -> None:
    """Point every copied namespace at the edited functions: where a name, or a module's
    attribute, held an original listed function, it now holds the reader's.

    Example: after ``rebind(spaces, fns)``, the copied softmax_quiz calls the reader's softmax
    """
    edited: dict[int, Any] = {}  # id of an original function -> the reader's
    changed_modules = set()
    for f in functions:
        original = getattr(importlib.import_module(f["module"]), f["name"], None)
        new = spaces.get(f["module"], {}).get(f["name"])
        if original is not None and new is not None and new is not original:
            edited[id(original)] = new
            changed_modules.add(f["module"])
    if not edited:
        return
    for space in spaces.values():
        for key, value in list(space.items()):
            if isinstance(value, types.ModuleType) and value.__name__ in changed_modules:
                space[key] = module_with(value, spaces[value.__name__])
            else:
                space[key] = swapped(value, edited)


def swapped(value: Any, edited: dict[int, Any], depth: int = 2) -> Any:
    """``value`` with the edited functions in place of the originals: the function itself, or
    inside a dict, a list or a frozen dataclass (a registry such as the labs' ``LABS``), a copy
    made only where something changed.

    Example: ``swapped({"a": Lab(run=original)}, {id(original): mine})["a"].run`` -> mine
    """
    if id(value) in edited:
        return edited[id(value)]
    if depth == 0:
        return value
    if isinstance(value, dict):
        items = {k: swapped(v, edited, depth - 1) for k, v in value.items()}
        return items if any(items[k] is not value[k] for k in value) else value
    if isinstance(value, list):
        entries = [swapped(v, edited, depth - 1) for v in value]
        return entries if any(a is not b for a, b in zip(entries, value, strict=True)) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: new
            for f in dataclasses.fields(value)
            if (new := swapped(getattr(value, f.name), edited, depth - 1))
            is not getattr(value, f.name)
        }
        return dataclasses.replace(value, **changes) if changes else value
    return value


def module_with(module: types.ModuleType, space: dict[str, Any]) -> types.ModuleType:
    """A stand-in for ``module`` whose attributes are the copied namespace's (edits included).

    Example: ``module_with(sampling, {"beam_search": mine}).beam_search`` -> mine
    """
    stand_in = types.ModuleType(module.__name__)
    stand_in.__dict__.update(space)
    return stand_in


def explain(error: BaseException) -> str:
    """A short account of an exception raised while the reader's code ran: the innermost lines
    of their code, then the error.

    Example: -> 'line 3, in softmax: ZeroDivisionError: division by zero'
    """
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == YOURS]
    where = [f"line {f.lineno}, in {f.name}" for f in frames[-MOST_FRAMES:]]
    head = " → ".join(where) if where else "in the original code it calls"
    return f"{head}: {type(error).__name__}: {error}"


def run_edited(kernel: Any, functions: Any, source: Any, args: Any = None) -> Any:
    """Run the reader's version of ``kernel``'s functions on ``args`` and return its result as
    JSON data, or raise an ``EditedCodeError`` that names the reader's line.

    Example: see the module docstring.
    """
    table = kernel_table()
    if kernel not in table or kernel == "run_edited":
        raise EditedCodeError(f"kernel: no kernel named {kernel!r}")
    if not isinstance(functions, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("module"), str)
        and f["module"].startswith(f"{__package__}.") for f in functions
    ):  # fmt: skip
        raise EditedCodeError("functions: expected [{name, module}] of the listed functions")
    if args is not None and not isinstance(args, dict):
        raise EditedCodeError("args: expected a JSON object of keyword arguments")
    kernel_module = table[kernel].__module__
    tree = parse(source)
    if kernel not in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}:
        raise EditedCodeError(f"your code must still define {kernel}(), the figure's function")
    try:
        spaces = define(tree, functions, kernel_module)
        rebind(spaces, functions)
        return jsonable(spaces[kernel_module][kernel](**(args or {})))
    except EditedCodeError:
        raise
    except Exception as error:  # noqa: BLE001 - any mistake of the reader's is reported as data
        raise EditedCodeError(explain(error)) from None
