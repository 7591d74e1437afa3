"""The layout of forms_app (docs/architecture.md): one package per area, no import cycle between modules,
and pure rules that never reach Flask. Read from the source with `ast`, so nothing is imported."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "forms_app"
WEB = ("flask", "flask_wtf", "werkzeug", "wtforms")


def modules() -> dict[str, Path]:
    """forms_app's modules by dotted name (a package by its __init__), migrations left out."""
    found = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path], top_level_only: bool) -> tuple[set[str], set[str]]:
    """(the forms_app modules it imports, the outside top-level packages it imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    inside, outside = set(), set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name in known else outside).add(alias.name if alias.name in known
                                                                 else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "forms_app":
                outside.add(base.split(".")[0])
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                inside.add(full if full in known else base)
    inside.discard(name)
    return inside, outside


def test_every_area_is_a_package_with_views_where_it_has_pages():
    areas = [p for p in APP.iterdir() if p.is_dir() and p.name not in ("__pycache__", "migrations")]
    assert {p.name for p in areas} >= {"core", "comptes", "dossier", "cv", "courrier", "mobilite", "gestion",
                                       "promotions", "affectation"}
    for area in areas:
        assert (area / "__init__.py").is_file(), f"{area.name} : ajoutez __init__.py (un paquet par domaine)"
        blueprints = [p for p in area.rglob("*.py") if "Blueprint(" in p.read_text(encoding="utf-8")]
        for path in blueprints:
            assert path.stem == "views" or path.parent.name == "views", (
                f"{path.relative_to(ROOT)} : les routes d'un domaine vivent dans views.py ou views/")


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets, each as the path that closes it."""
    state: dict[str, int] = {}
    path_stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        state[node] = 1
        path_stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path_stack[path_stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path_stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return cycles


def test_no_import_cycle_between_modules():
    known = modules()
    graph = {}
    for name, path in known.items():
        inside, _ = imports(name, path, known, top_level_only=True)
        # A submodule may import its own package (`from . import bp`): that is how a package is assembled.
        graph[name] = {d for d in inside if not (name.startswith(d + ".") and known[d].name == "__init__.py")}
    assert len(graph) > 100 and sum(len(d) for d in graph.values()) > 300  # the graph was read
    cycles = find_cycles(graph)
    assert cycles == [], "cycles d'import : " + " ; ".join(" → ".join(c) for c in cycles)


def test_the_rules_and_the_engine_never_reach_flask():
    known = modules()
    top = {name: imports(name, path, known, top_level_only=True) for name, path in known.items()}
    pure = [n for n in known if n.endswith(".rules") or ".rules." in n or ".affectation.engine" in n]
    assert len(pure) >= 10, pure
    for name in pure:
        _, outside = imports(name, known[name], known, top_level_only=False)  # even inside a function
        assert not (outside & set(WEB)), f"{name} importe {sorted(outside & set(WEB))}"
        seen, todo = set(), [name]
        while todo:  # and nothing it imports at load time does
            current = todo.pop()
            inside, outside = top[current]
            assert not (outside & set(WEB)), f"{name} atteint {sorted(outside & set(WEB))} par {current}"
            todo.extend(d for d in inside if d not in seen)
            seen.update(inside)


def test_the_checker_sees_a_cycle_and_a_flask_import(tmp_path):
    """The helpers above do find what they look for (so the tests cannot pass on an empty graph)."""
    known = {"forms_app.a.rules": tmp_path / "rules.py", "forms_app.a.views": tmp_path / "views.py"}
    known["forms_app.a.rules"].write_text("from .views import x\nimport math\n", encoding="utf-8")
    known["forms_app.a.views"].write_text("from flask import g\nfrom . import rules\n", encoding="utf-8")
    inside, outside = imports("forms_app.a.rules", known["forms_app.a.rules"], known, top_level_only=True)
    assert inside == {"forms_app.a.views"} and outside == {"math"}
    inside, outside = imports("forms_app.a.views", known["forms_app.a.views"], known, top_level_only=True)
    assert inside == {"forms_app.a.rules"} and outside == {"flask"}
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
