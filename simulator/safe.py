"""Text from people and files made safe to show: no control character reaches a terminal, a page or a cell.

A trainee's name, a transcript header or a scenario text may hold escape sequences (ESC [ 2 J clears a
screen, ESC ] 0 ; ... retitles a window) or a NUL that hides a formula from a spreadsheet. Each such
character is shown as its visible picture (ESC as ␛, NUL as ␀), so what was there stays readable and does
nothing. Tabs and line breaks stay as they are.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no picture


def printable(text: str) -> str:
    """`text` with every control character but tab and line break replaced by a visible sign."""
    if not isinstance(text, str) or _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_picture, text)
