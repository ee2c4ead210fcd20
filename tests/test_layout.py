"""The code's shape, kept: small functions at the library's edges and engines behind their seam.

No function in the library, the app or the embeddings takes 8 or more parameters besides self or
cls (settings travel as one record), and nothing outside `retrieval/index/` reaches into an
engine's modules: search, the CLI and the app find engines through `retrieval.index.registry`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "retrieval").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")),
           *sorted((ROOT / "embeddings").rglob("*.py")), ROOT / "app.py"]
ENGINES = ("retrieval.index.local", "retrieval.index.milvus")


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_no_function_takes_eight_or_more_parameters():
    wide = []
    for path in SOURCES:
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                named = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
                count = len([n for n in named if n not in ("self", "cls")]) + bool(a.vararg) + bool(a.kwarg)
                if count >= 8:
                    wide.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({count})")
    assert SOURCES and not wide, wide


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_only_the_storage_stage_imports_an_engines_modules():
    outside = [p for p in SOURCES if (ROOT / "retrieval" / "index") not in p.parents]
    reaching = [f"{p.relative_to(ROOT)}: {name}" for p in outside for name in sorted(imported(parsed(p)))
                if name.startswith(ENGINES)]
    assert outside and not reaching, reaching


def test_engines_do_not_import_each_other():
    for engine, other in (ENGINES, ENGINES[::-1]):
        folder = ROOT / Path(*engine.split("."))
        for path in folder.rglob("*.py"):
            assert not [n for n in imported(parsed(path)) if n.startswith(other)], path
