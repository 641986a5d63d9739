"""Layers: the model and the loader below the engine, scoring beside the loader, not on it.

Every import is counted, at the top of a module or inside a function: an import hidden in a function
is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "simulator"


def imports_of(module: str) -> set[str]:
    """The simulator modules `module` imports, anywhere in its source."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("simulator"):
            if node.module == "simulator":
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("simulator."))
    return found


@pytest.mark.parametrize("module, forbidden", [
    ("loader", "engine"),      # the loader reads the model call; simulator.modelcall plays it
    ("scoring", "loader"),     # durations come from simulator.durations
    ("model", "i18n"),         # the list of languages comes from simulator.languages
    ("model", "engine"),
    ("expressions", "engine"),
    ("store", "importing"),    # the store only persists: simulator.importing finds and checks transcripts
    ("store", "scoring"),      # ...and simulator.results rescores them
    ("results", "store"),
])
def test_a_lower_layer_never_imports_a_higher_one(module, forbidden):
    assert forbidden not in imports_of(module)


def test_the_import_scan_sees_imports_inside_functions():
    assert "modelcall" in imports_of("lint") and "modelcall" in imports_of("catalog")
