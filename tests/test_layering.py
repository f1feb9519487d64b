"""The packages' layering, read from the source: the library imports only itself, the agent never the evals, and
no two modules import each other (directly or round a longer loop), lazy imports inside functions included."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lam_memory", "agents", "evals")
ALLOWED = {"lam_memory": {"lam_memory"}, "agents": {"agents", "lam_memory"}, "evals": set(PACKAGES)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Project modules imported anywhere in `path`: `from pkg import sub` counts as pkg.sub when sub is a module."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            out |= {s if s in known else node.module for s in subs}
    return {m for m in out if m.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        deps = {d for d in _imports(path, known) if d != name}
        if path.name == "__init__.py":  # a package may re-export its submodules lazily (PEP 562 __getattr__)
            deps = {d for d in deps if not d.startswith(name + ".")}
        graph[name] = deps
    return graph


def test_each_package_imports_only_what_it_may():
    bad = [
        f"{mod} imports {dep}"
        for mod, deps in _graph().items()
        for dep in deps
        if dep.split(".")[0] not in ALLOWED[mod.split(".")[0]]
    ]
    assert not bad, bad


def test_no_import_cycles():
    graph = _graph()
    cycles = []

    def visit(node: str, path: list[str], on_path: set[str], done: set[str]) -> None:
        for dep in sorted(graph.get(node, ())):
            if dep in on_path:
                cycles.append(path[path.index(dep) :] + [dep])
            elif dep not in done and dep in graph:
                visit(dep, [*path, dep], on_path | {dep}, done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start], {start}, done)
    # a package importing its own __init__ (for LAMError) from a submodule is fine; a real cycle is not
    real = [c for c in cycles if not all(m == c[0] or m.startswith(c[0] + ".") or c[0].startswith(m) for m in c)]
    assert not real, real


def test_the_check_would_catch_a_violation(tmp_path):
    """The parser sees lazy imports in functions and `from pkg import module` forms."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from agents import serve\n    import evals.run\n")
    assert _imports(src, {"agents.serve"}) == {"agents.serve", "evals.run"}


@pytest.mark.parametrize("module", ["lam_memory.cli", "lam_memory.memory", "lam_memory.integrations.langchain"])
def test_library_entry_points_load_no_agent_or_eval_code(module):
    """At run time too: importing the library (and building the `lam` parser) loads no agents/evals module but the
    two argparse-only registration modules."""
    code = (
        f"import sys, {module}\n"
        "from lam_memory.cli import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('agents', 'evals')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert set(eval(out.stdout)) <= {"agents", "agents.commands", "evals", "evals.commands"}, out.stdout
