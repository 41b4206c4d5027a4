"""The shape of the code (docs/architecture.md): imports go down the layers, kinds live in their apps.

Every non-migration module of our apps is parsed (not imported) and every import in it, function-local
ones included, is checked against the layer order. A lower layer reaches upward only through what an
upper app registers (``core.kinds.register`` in ``AppConfig.ready()``).
"""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR

# From the bottom up; an app may import its own layer and those below.
LAYERS = ["core", "indicators", "declarations", "evaluations", "monitoring", "publication", "web"]
RANK = {app: rank for rank, app in enumerate(LAYERS)}
# Function-local imports of our modules allowed in the whole tree, each with a comment saying why.
LOCAL_IMPORT_BUDGET = 5


def modules(root: Path = REPO_DIR):
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def our_imports(tree: ast.Module):
    """``(node, module, is_top_level)`` for every import of one of our apps in ``tree``."""
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in RANK:
                yield node, name, id(node) in top


def wrong_way(root: Path = REPO_DIR) -> list[str]:
    problems = []
    for app, path in modules(root):
        for node, name, _top in our_imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = name.split(".")[0]
            if RANK[target] > RANK[app]:
                problems.append(f"{path.relative_to(root)}:{node.lineno} {app} imports {name}")
    return problems


def local_imports(root: Path = REPO_DIR) -> list[tuple[Path, int, bool]]:
    """``(path, line, has_comment)`` of every function-local import of our modules."""
    found = []
    for _app, path in modules(root):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node, _name, top in our_imports(ast.parse(source)):
            if not top:
                before = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
                found.append((path, node.lineno, before.startswith("#") or "#" in lines[node.lineno - 1]))
    return found


def test_imports_only_go_down_the_layers():
    assert wrong_way() == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    # The check itself must fail on the mistake it exists for: a core module importing a form app.
    for app in LAYERS:
        (tmp_path / app).mkdir()
    (tmp_path / "core" / "models.py").write_text(
        "def f():\n    from declarations.models import Declaration\n    return Declaration\n"
    )
    assert wrong_way(tmp_path) == ["core/models.py:2 core imports declarations.models"]


def test_function_local_imports_are_few_and_explained():
    found = local_imports()
    assert len(found) <= LOCAL_IMPORT_BUDGET, found
    assert [f"{path}:{line}" for path, line, commented in found if not commented] == []


KIND_BRANCH = re.compile(
    r"FormKind\.[A-Z_]+|kind\s*==\s*\"|[\"'](projects|project-self-evaluation)[\"']\s*[,)\]]"
)
# Demo data and the management commands know every app and every kind by design.
KNOWS_EVERY_KIND = ("web/demo.py", "web/management/")


@pytest.mark.parametrize("app", ["core", "web"])
def test_core_and_web_never_branch_on_a_specific_kind(app):
    """Where kinds differ, the difference is a field of ``KindSpec``; the shared code names no kind.

    ``core/models.py`` defines ``FormKind`` itself and is the one place that lists them.
    """
    offenders = []
    for owner, path in modules():
        relative = path.relative_to(REPO_DIR).as_posix()
        if owner != app or relative == "core/models.py" or relative.startswith(KNOWS_EVERY_KIND):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if KIND_BRANCH.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
