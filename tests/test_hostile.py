"""Bad scenario files get a clear positioned error and exit 1 within a second, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import E411

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))


def hostile_files():
    base = E411.read_text(encoding="utf-8")
    return {
        "malformed": ("malformed.yaml", "id: x\n  title: [broken\n", "P001"),
        "truncated": ("truncated.yaml", base[: len(base) // 2].rsplit("\n", 1)[0] + '\n    say: {fr: "Allô', "P001"),
        "huge": ("huge.yaml", "# " + "x" * 80 + "\n" * 1 + ("k: v\n" * 600_000), "P002"),
        "deeply nested": ("deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n", "P003"),
        "alias bomb": ("bomb.yaml", ALIAS_BOMB, "P004"),
        "python tag": ("tag.yaml", "id: !!python/object/apply:os.system ['echo owned']\n", "P005"),
        "binary garbage": ("garbage.yaml", bytes(range(256)) * 40, "P007"),
        "empty": ("empty.yaml", "", "S003"),
        "a list instead of a scenario": ("list.yaml", "- a\n- b\n", "S003"),
        "thousands of mistakes": ("many.yaml", "".join(f"key{i}: v\n" for i in range(20_000)), "P008"),
    }


@pytest.mark.parametrize("name", list(hostile_files()))
def test_hostile_scenario_file_is_refused_cleanly_and_fast(name, tmp_path):
    filename, content, code = hostile_files()[name]
    path = tmp_path / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    # The timeout only guards against a hang; the time taken is measured in bench/, not asserted here.
    result = subprocess.run([sys.executable, "-m", "simulator", "play", str(path), "--json"], capture_output=True,
                            text=True, encoding="utf-8", errors="replace", timeout=60, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PLATEAU_HOME": str(tmp_path / "home")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:") and f" {code} " in first, result.stderr
    assert "    hint: " in result.stderr


def test_the_python_tag_never_runs(tmp_path):
    marker = tmp_path / "owned"
    path = tmp_path / "tag.yaml"
    path.write_text(f"id: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "simulator", "play", str(path)], capture_output=True, timeout=60,
                   stdin=subprocess.DEVNULL)
    assert not marker.exists()
