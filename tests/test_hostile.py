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


# ------------------------------------------------------------------ files that would exhaust the machine (issue 18)
# Before: `{{ 'a'*10**9 }}` linted clean after 42 s and 3.9 GB, `{{ 10**(10**7) }}` took 36 s, `10**(10**10)`
# and nested loops never finished, 80 parentheses and a recursive macro crashed, `minutes: .inf` and a clock
# start in 9999 crashed, a vertical tab on line 100 was reported at 1:1.

SAY = 'say: {fr: "Je fais quoi ?"'  # line 72, its French text at column 19
WHEN = "when: safe\n"  # line 95, the condition at column 19


def _with_vertical_tab_on_line_100(text: str) -> str:
    lines = text.split("\n")
    lines[99] += "\v"
    return "\n".join(lines)


def exhausting_files():
    """name -> (how the E411 fixture is changed, the problem reported: line, column, code, message)."""
    def sub(old, new):
        return lambda text: text.replace(old, new, 1)

    return {
        "a text of a billion characters": (
            sub(SAY, "say: {fr: \"{{ 'a'*10**9 }}\""),
            (72, 19, "X003", "the text '{{ 'a'*10**9 }}' cannot be filled in: it would make a text longer than 10,000 "
                             "characters.")),
        "a number of ten million digits": (
            sub(SAY, 'say: {fr: "{{ 10**(10**7) }}"'),
            (72, 19, "X003", "the text '{{ 10**(10**7) }}' cannot be filled in: it would make a number with more than "
                             "100 digits.")),
        "a number of ten billion digits in a condition": (
            sub(WHEN, "when: safe and 10**(10**10) > 1\n"),
            (95, 19, "X003", "the condition 'safe and 10**(10**10) > 1' cannot be worked out: it would make a number "
                             "with more than 100 digits.")),
        "nested loops over ranges of 100,000": (
            sub(SAY, 'say: {fr: "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}x"'),
            (72, 19, "X003", "the text '{% for a in range(100000) %}{% for b in range(100000) %}{...' cannot be filled "
                             "in: it asks for a range of more than 10,000 numbers.")),
        "nested loops of 10,000 turns each": (
            sub(SAY, 'say: {fr: "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}x"'),
            (72, 19, "X003", "the text '{% for a in range(10000) %}{% for b in range(10000) %}{% ...' cannot be filled "
                             "in: it would take too long: its loops and calls repeat too many times.")),
        "80 nested parentheses": (
            sub(WHEN, "when: " + "(" * 80 + "safe" + ")" * 80 + "\n"),
            (95, 19, "X003", "the condition '" + "(" * 57 + "...' cannot be worked out: it is nested more than 30 "
                             "levels deep (brackets, operators or blocks inside one another).")),
        "a recursive macro": (
            sub(SAY, 'say: {fr: "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"'),
            (72, 19, "X003", "the text '{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}' cannot be filled in: a macro "
                             "or a loop calls itself more than 20 levels deep.")),
        "minutes: .inf": (
            sub("            minutes: 1\n", "            minutes: .inf\n"),
            (79, 22, "D001", "minutes '.inf' is not a duration.")),
        "clock_start: 9999-12-31T23:59": (
            sub("clock_start: 2026-03-12T08:10", "clock_start: 9999-12-31T23:59"),
            (16, 14, "D003", "clock_start '9999-12-31T23:59' is not between the years 1900 and 2100.")),
        "a vertical tab on line 100": (
            _with_vertical_tab_on_line_100,
            (100, 28, "P001", "the YAML cannot be read here: it holds an invisible control character (vertical tab, "
                              "U+000B) that YAML does not allow.")),
    }


def _attack(tmp_path, name: str):
    change, expected = exhausting_files()[name]
    path = tmp_path / "attack.yaml"
    path.write_text(change(E411.read_text(encoding="utf-8")), encoding="utf-8")
    return path, expected


def _plateau(tmp_path, *args: str) -> subprocess.CompletedProcess:
    # The timeout turns a hang into a failure instead of a blocked test run.
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=60, stdin=subprocess.DEVNULL, cwd=tmp_path,
                          env={**os.environ, "PLATEAU_HOME": str(tmp_path / "home")})


@pytest.mark.parametrize("name", list(exhausting_files()))
def test_lint_reports_a_file_that_would_exhaust_the_machine_at_its_line(name, tmp_path):
    path, (line, column, code, message) = _attack(tmp_path, name)
    result = _plateau(tmp_path, "lint", path.name)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    at = lines.index(f"attack.yaml:{line}:{column}: {code} {message}")
    assert lines[at + 1].startswith("    hint: ")


@pytest.mark.parametrize("name", list(exhausting_files()))
def test_play_refuses_a_file_that_would_exhaust_the_machine_before_the_call_starts(name, tmp_path):
    path, (line, column, code, message) = _attack(tmp_path, name)
    result = _plateau(tmp_path, "play", path.name, "--json")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"attack.yaml:{line}:{column}: {code} {message}"


@pytest.mark.parametrize("name", list(exhausting_files()))
def test_lint_answers_within_a_second_of_processor_time(name, tmp_path):
    """Measured in the process (processor time, so that a busy machine does not fail it): loading and every check."""
    import time

    from simulator.lint import lint_paths

    path, (line, column, code, _) = _attack(tmp_path, name)
    started = time.process_time()
    problems, _ = lint_paths([path])
    elapsed = time.process_time() - started
    assert (line, column, code) in {(p.line, p.column, p.code) for p in problems}
    assert elapsed < 1.0


def test_a_text_beyond_the_limits_only_with_the_call_s_values_stops_play_with_its_position(tmp_path):
    """The loader cannot tell (the text reads the caller's name): the call stops where the text is said, at once."""
    path = tmp_path / "attack.yaml"
    path.write_text(E411.read_text(encoding="utf-8").replace(SAY, 'say: {fr: "{{ caller * 100000000 }}"', 1),
                    encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("- greet\n", encoding="utf-8")
    result = _plateau(tmp_path, "play", path.name, "--answers", "answers.yaml", "--json")
    assert result.returncode == 1
    assert result.stderr == (
        "plateau: attack.yaml:72:19: X003 the text '{{ caller * 100000000 }}' cannot be filled in: it would make a "
        "text longer than 10,000 characters.\n    hint: A scenario text is a few sentences: look for a text or a list "
        "repeated with '*', or built up in a loop.\n")
