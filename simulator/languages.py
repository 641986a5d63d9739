"""The three languages of every text and screen, in the order they are shown.

Its own module so that the model, the interface strings and the loader share one list without
depending on one another.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("fr", "nl", "en")
