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
    ("checking", "engine"),    # ...and the modules the loader is split into
    ("cross_references", "engine"),
    ("rubric_loader", "engine"),
    ("directory_loader", "engine"),
    ("checking", "loader"),    # they sit below the loader, which re-exports their names
    ("cross_references", "loader"),
    ("rubric_loader", "loader"),
    ("directory_loader", "loader"),
    ("scoring", "loader"),     # durations come from simulator.durations
    ("scoring_card", "loader"),  # ...and the modules scoring is split into
    ("scoring_record", "loader"),
    ("scoring_criteria", "loader"),
    ("scoring_fields", "loader"),
    ("model", "i18n"),         # the list of languages comes from simulator.languages
    ("model", "engine"),
    ("session_state", "engine"),  # the state a session saves, readable without the engine that changes it
    ("session_queries", "engine"),  # what a session can be asked, below the engine that acts
    ("session_queries", "i18n"),
    ("expressions", "engine"),
    ("expression_limits", "engine"),
    ("expression_sandbox", "engine"),
    ("expression_tree", "engine"),
    ("expression_checks", "engine"),
    ("store", "importing"),    # the store only persists: simulator.importing finds and checks transcripts
    ("store", "scoring"),      # ...and simulator.results rescores them
    ("store", "scoring_card"),
    ("store", "scoring_record"),
    ("store", "scoring_criteria"),
    ("store", "scoring_fields"),
    ("results", "store"),
])
def test_a_lower_layer_never_imports_a_higher_one(module, forbidden):
    assert forbidden not in imports_of(module)


def test_the_import_scan_sees_imports_inside_functions():
    assert "modelcall" in imports_of("lint") and "modelcall" in imports_of("catalog")
