"""Every code a file problem can carry, with what it means: one registry for the loader, the transcript and
answers readers, and lint (whose own codes live in simulator/lint.py, with their severity).

A problem is reported as `file:line:column: CODE message` with a hint. The first letter says which reading
found it; docs/authoring.md lists every code, and tests/test_problem_codes.py checks that each code the
program can emit is registered here and documented, and that none is registered without being used.
"""

from __future__ import annotations

# Code -> what it means, in the words of docs/authoring.md's table.
CODES: dict[str, str] = {
    # P: the YAML text itself
    "P000": "the file cannot be opened",
    "P001": "the YAML cannot be read (syntax, control characters)",
    "P002": "the file is too large for a scenario",
    "P003": "the file is nested too deep",
    "P004": "the file holds too many values (aliases repeated inside each other)",
    "P005": "a YAML tag is not allowed",
    "P006": "a key is written twice in the same place",
    "P007": "the file is not UTF-8 text",
    "P008": "too many problems: reading stopped",
    # S: the shape of the data
    "S001": "an unknown key",
    "S002": "a missing key",
    "S003": "a value of the wrong type",
    "S004": "a value that is not allowed",
    "S005": "levels or bands that overlap",
    # T: translations
    "T001": "a translation is missing",
    "T002": "an unknown language",
    "T003": "a comma cuts a text in two",
    # D: durations, hours and dates
    "D001": "not a duration",
    "D002": "not an opening time",
    "D003": "a duration longer than a day, or a date outside 1900-2100",
    # X: conditions and {{ }} placeholders
    "X001": "a condition or placeholder that cannot be read or run",
    "X002": "a placeholder where nothing fills it in",
    "X003": "a condition or placeholder beyond the limits (size, digits, steps, nesting)",
    # R: references to something that does not exist
    "R001": "no such node",
    "R002": "no such procedure step",
    "R003": "no such fact in the case's truth",
    "R004": "no such ending",
    "R005": "no such rubric",
    "R006": "no such provider in the directory",
    "R007": "neither a flag set in the scenario nor a known variable",
    "R008": "an id used twice",
    "R009": "a node with no option and no end",
    "R010": "no such rubric criterion",
    # M: the model call
    "M001": "the model call cannot go on at this step",
    "M002": "the call is over before this step of the model call",
    # A: answers files (plateau play --answers)
    "A001": "not an answer (an answers file is a list of actions)",
    "A002": "an answer that cannot be given at that point of the call",
    # J: transcripts
    "J001": "a transcript line that is not valid JSON",
    "J002": "not a Plateau transcript",
}
