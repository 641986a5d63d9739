"""The providers' directory as the player shows it: a search typed after /providers, and the list drawn at a
dispatch prompt, one line per provider with the number the trainee types (a sentence per provider with --plain).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group
from rich.padding import Padding
from rich.text import Text

from simulator.formatting import number
from simulator.i18n import capability_label, capability_of, kind_label, t
from simulator.order import provider_rows
from simulator.player_draw import Drawing
from simulator.providers import Hit

__all__ = ["ALL_WORDS", "CAPS_ROOM", "OPEN_WORDS", "REGION_KM", "SHOWN", "DirectoryView", "Row"]

OPEN_WORDS = ("open", "ouvert", "ouverts", "nu", "now")
ALL_WORDS = ("all", "tout", "tous", "alle", "alles")
CAPS_ROOM = 29  # columns kept for a provider's capabilities on an 80-column line
REGION_KM = 50  # the directory lists the providers within this road distance of the scene first
SHOWN = 10  # providers listed at most before "... and N more", fewer on a short screen


@dataclass(frozen=True)
class Row:
    """A provider found in the directory, with its number at the dispatch prompt."""

    number: int
    hit: Hit


def _labels(capabilities: set[str], lang: str) -> str:
    return ", ".join(sorted((capability_label(c, lang) for c in capabilities), key=str.lower))


class DirectoryView(Drawing):
    """Searches the directory and draws what it finds, numbered as at the dispatch prompt."""

    def provider_hits(self, kind: str, words: Sequence[str] = ()) -> tuple[list[Row], list[str]]:
        """Directory search from the command line: capabilities (in any language), 'open', a distance in km.

        Returns (rows, unknown words); words such as 'km' and 'all' are understood and dropped. Each
        row keeps the provider's number in the whole directory of its kind (`provider_rows`, the
        numbers an answers file and the dispatch prompt use), so a search shows the same numbers."""
        capabilities: list[str] = []
        within: float | None = None
        unknown: list[str] = []
        for word in words:
            number = word.lower().removesuffix("km")
            if number.isdigit():
                within = float(number)
            elif word.lower() in OPEN_WORDS or word.lower() in ALL_WORDS or word.lower() == "km":
                continue
            elif capability_of(word) or word in self._capabilities():
                capabilities.append(capability_of(word) or word)
            else:
                unknown.append(word)
        numbers = {h.provider.id: i for i, h in enumerate(provider_rows(self.session, kind), 1)}
        hits = provider_rows(self.session, kind, within_km=within, open_only=any(w.lower() in OPEN_WORDS for w in words))
        return [Row(numbers[h.provider.id], h) for h in hits if all(c in h.provider.capabilities for c in capabilities)], unknown

    def _capabilities(self) -> set[str]:
        return {c for p in self.library.directory.providers for c in p.capabilities}

    def rows_that_fit(self) -> int:
        """Providers listed before "... and N more": what fits under the call's header and above the prompt."""
        return max(4, min(SHOWN, self.console.height - 12))

    def draw_providers(self, kind: str, words: Sequence[str] = ()) -> list[Row]:
        """The directory as an agent's tool: one line per provider, nearest first, with the same number
        in a search and at the dispatch prompt; the nearest that fit the screen unless 'all' is asked."""
        lang = self.lang
        rows, unknown = self.provider_hits(kind, list(words))
        if unknown:
            kinds = ", ".join(kind_label(k, lang) for k in sorted({p.kind for p in self.library.directory.providers}))
            capabilities = ", ".join(sorted({capability_label(c, lang) for c in self._capabilities()}, key=str.lower))
            self.out(Text(t("providers.unknown_word", lang, word=unknown[0], kinds=kinds, capabilities=capabilities),
                                    style="yellow"))
            return rows
        if not rows:
            self.out(Text(t("providers.none", lang), style="yellow"))
            return rows
        if any(w.lower() in ALL_WORDS for w in words):
            shown = rows
        else:  # the scene's region: within REGION_KM, at least the three nearest, as many as fit
            wanted = self.session.pending_request() if self.session.state.pending else None
            near = [r for r in rows if r.hit.km <= REGION_KM] if wanted is not None and wanted.near else rows
            shown = (near if len(near) >= 3 else rows[:3])[:self.rows_that_fit()]
        # Capabilities every listed provider has say nothing about the choice: said once, above the list.
        common = set.intersection(*(set(r.hit.provider.capabilities) for r in shown))
        title = t("providers.heading", lang, kind=kind_label(kind, lang), n=len(shown), total=len(rows))
        if common:
            title += " · " + t("providers.all_have", lang, capabilities=_labels(common, lang))
        self.out(Text(title, style="bold"))
        if self.plain:
            for row in shown:
                self.out(Text(self._plain_provider(row)))
        else:
            self.out(Text(t("providers.legend", lang), style="dim"))
            self.out(self._provider_table(shown, common))
        if len(shown) < len(rows):
            self.out(Text(t("providers.more", lang, n=len(rows) - len(shown), all=t("providers.all", lang)),
                                    style="dim"))
        return rows

    def _provider_table(self, shown: list[Row], common: set[str]) -> Group:
        """One line per provider cut to the screen's width (a note, when there is one, wraps below it)."""
        lang, width = self.lang, self.console.width
        lines: list[Text | Padding] = []
        digits = max(len(str(r.number)) for r in shown)
        needs = self.session.pending_request().needs if self.session.state.pending else self.session.case.needs

        def figures(hit: Hit) -> str:
            when = t("min", lang, n=hit.eta) if hit.open else t("providers.closed", lang)
            return f"{hit.km:>3.0f} km {when:>7} {t('providers.cost_value', lang, cost=hit.provider.cost):>5}"

        widest = max(len(r.hit.provider.name) + len(r.hit.provider.place) + 2 for r in shown)
        # Name and place get what the figures and at least CAPS_ROOM columns of capabilities leave.
        name_room = max(12, min(widest, width - (digits + 3) - len(figures(shown[0].hit)) - 2 - CAPS_ROOM))
        for row in shown:
            p, hit = row.hit.provider, row.hit
            # The capabilities this case calls for first (not marked as such: knowing them is the trainee's job).
            ordered = sorted(set(p.capabilities) - common, key=lambda c: (c not in needs, capability_label(c, lang).lower()))
            apart = ", ".join(capability_label(c, lang) for c in ordered)
            line = Text(f"{row.number:>{digits}} ", style="bold")
            line.append("★ " if p.partner else "  ", style="yellow")
            name = Text(f"{p.name}, {p.place}")
            name.truncate(name_room, overflow="ellipsis", pad=True)
            line.append_text(name)
            line.append(" " + figures(hit), style="yellow" if not hit.open else "")
            line.append(" ")
            caps = Text(apart, style="cyan")
            caps.truncate(max(0, width - line.cell_len), overflow="ellipsis")
            line.append_text(caps)
            lines.append(line)
            if p.note:
                lines.append(Padding(Text(p.note.render(lang), style="dim"), (0, 0, 0, digits + 3)))
        return Group(*lines)

    def _plain_provider(self, row: Row) -> str:
        """One provider as one sentence-like line: what a screen reader reads out, nothing cut."""
        lang, p, hit = self.lang, row.hit.provider, row.hit
        parts = [f"{row.number}. {p.name}, {p.place}", f"{number(round(hit.km), lang)} km",
                 t("min", lang, n=hit.eta) if hit.open else t("providers.closed", lang),
                 t("providers.partner", lang) if p.partner else t("providers.no_partner", lang),
                 t("providers.cost_value", lang, cost=p.cost),
                 t("providers.capabilities", lang) + t("debrief.colon", lang) + " " + _labels(set(p.capabilities), lang)]
        if p.note:
            parts.append(p.note.render(lang))
        return ". ".join(part[:1].upper() + part[1:] for part in parts) + "."

