"""A French or Dutch trainee never reads English or the program's own names for things: every refusal and error
the player can give, driven at a prompt as a trainee types, reads in the interface language."""

from __future__ import annotations

import io
import re

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from simulator.catalog import open_scenario
from simulator.engine import Session
from simulator.player import Player, PromptAsker, Quit
from simulator.transcript import TranscriptWriter

# Words an English sentence has and no French or Dutch one, and the engine's names for its states.
ENGLISH = re.compile(r"\b(the|cannot|unknown|awaiting|possible now|there is|not offered|field|choose|type a)\b",
                     re.IGNORECASE)
INTERNAL = re.compile(r"\b(awaiting_\w+|hung-up|member_number|callback|car_location|breakdown|people)\b")

# Every mistake a trainee can make at the prompt of the Dour call, in the commands of each language.
MISTAKES = {
    "fr": ["99", "abc", "/zzz", "?", "/encoder", "/encoder plaque", "/encoder couleur bleue", "/prestataires xyz",
           "/langue xx", "/note", "/appel zz", "/dossier", "/prestataires dépanneuse nuit"],
    "nl": ["99", "abc", "/zzz", "?", "/invoeren", "/invoeren nummerplaat", "/invoeren kleur blauw",
           "/hulpverleners xyz", "/taal xx", "/notitie", "/oproep zz", "/dossier", "/hulpverleners takelwagen nacht"],
}

# What a trainee reads who gave a field and no value: the field by its label, as they type it.
HOW_TO_RECORD = {"fr": "Donnez aussi la valeur : /encoder plaque VALEUR",
                 "nl": "Geef ook de waarde: /invoeren nummerplaat WAARDE"}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_refusal_at_the_prompt_reads_in_the_trainees_language(lang, tmp_path):
    scenario, lib = open_scenario("dour-festival")
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None, legacy_windows=False)
    writer = TranscriptWriter(tmp_path / "call.jsonl", {"session": "t", "scenario": scenario.id,
                                                        "content_hash": scenario.content_hash})
    with create_pipe_input() as pipe:
        asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()))
        player = Player(Session(scenario, lib.directory), lib, writer, lang=lang, seed=None, console=console,
                        ask=asker.ask)
        pipe.send_text("\n".join([*MISTAKES[lang], "/quitter" if lang == "fr" else "/stoppen"]) + "\n")
        with pytest.raises(Quit):
            player.run()
    said = [line for line in console.export_text().splitlines() if not line.startswith("Camille")]
    assert [line for line in said if ENGLISH.search(line)] == []
    assert [line for line in said if INTERNAL.search(line)] == []
    assert HOW_TO_RECORD[lang] in said
