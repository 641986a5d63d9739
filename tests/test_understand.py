"""Free-text answers: a typed sentence read against the options offered, offline and deterministic."""

from __future__ import annotations

import pytest

from simulator.understand import phrase, terms, understand


def options(lang: str, **texts: str) -> dict:
    return {option_id: [phrase(text, lang)] for option_id, text in texts.items()}


AT_THE_CAR = options(
    "fr",
    ask_where="Où êtes-vous exactement ? Quel numéro de parking, quelle zone ?",
    send_tow="J'envoie une dépanneuse tout-terrain avec un booster.",
    let_drive="D'accord, Hugo peut reprendre le volant.",
    no_drive="Hugo a bu : il ne prend pas le volant. Quelqu'un de sobre conduit, ou vous dormez sur place.",
)


def test_accents_case_and_punctuation_do_not_matter():
    reading = understand("OU ETES VOUS EXACTEMENT", AT_THE_CAR, "fr")
    assert (reading.kind, reading.best.option) == ("sure", "ask_where")


def test_word_forms_meet_through_their_stem():
    assert terms("dépanneuses", "fr") == terms("dépanneuse", "fr") == ["depann"]
    assert terms("ik heb de takelwagen gestuurd", "nl") == terms("ik stuur de takelwagen", "nl")[::-1]
    assert terms("tow trucks", "en") == terms("tow truck", "en") == ["tow", "truck"]


def test_a_negation_marks_the_words_it_reaches():
    assert terms("ne le laissez pas conduire", "fr") == ["¬laiss", "¬conduir"]
    assert terms("laissez-le conduire", "fr") == ["laiss", "conduir"]


@pytest.mark.parametrize("said, meant", [
    ("hugo peut conduire", "let_drive"),
    ("hugo ne prend pas le volant", "no_drive"),
])
def test_a_sentence_and_its_negation_are_read_as_different_options(said, meant):
    assert understand(said, AT_THE_CAR, "fr").best.option == meant


def test_a_misspelt_word_still_matches_the_word_it_was_meant_to_be():
    reading = understand("j'envoie une depaneuse", AT_THE_CAR, "fr")
    assert (reading.kind, reading.best.option) == ("sure", "send_tow")
    assert reading.best.words == ("envoie", "depaneuse")


def test_a_sentence_that_says_none_of_the_options_is_not_understood():
    assert understand("il fait beau ce soir à Dour", AT_THE_CAR, "fr").kind == "none"
    assert understand("azerty qsdf", AT_THE_CAR, "fr").kind == "none"


def test_two_close_readings_are_offered_to_pick_from():
    close = options("en", where="Where exactly is the car?", whereabouts="Where exactly are you standing?")
    reading = understand("where exactly", close, "en")
    assert reading.kind == "unsure"
    assert {r.option for r in reading.readings[:2]} == {"where", "whereabouts"}


def test_dutch_and_english_are_read_with_their_own_words_and_negations():
    nl = options("nl", stay="Blijf in de wagen zitten.", out="Blijf niet in de wagen, ga achter de vangrail staan.")
    assert understand("ga achter de vangrail, niet in de auto blijven", nl, "nl").best.option == "out"
    en = options("en", stay="Stay in the car.", out="Don't stay in the car: get behind the guardrail.")
    assert understand("dont stay inside the car", en, "en").best.option == "out"


def test_the_same_sentence_is_always_read_the_same_way():
    first = understand("vous êtes où exactement", AT_THE_CAR, "fr")
    assert all(understand("vous êtes où exactement", AT_THE_CAR, "fr") == first for _ in range(3))


def test_a_negation_ends_with_its_clause():
    assert terms("ne vous inquiétez pas, un dépanneur arrive", "fr") == ["¬inquiet", "depanneur", "arriv"]
    assert terms("don't worry, a tow truck is coming", "en") == ["¬worri", "tow", "truck", "come"]


def test_n_degree_is_a_number_not_a_negation():
    assert terms("votre n° de membre", "fr") == terms("votre numéro de membre", "fr") == ["numero", "membr"]


def test_an_authors_phrasing_lets_a_sentence_the_option_text_misses_be_understood(lib):
    from simulator.engine import Session
    from simulator.loader import parse_scenario
    from simulator.understand import understand_now
    from tests.conftest import scenario_text
    greet = '            step: greet\n'
    typed = "allô, assistance dépannage, racontez-moi"
    before = Session(parse_scenario(scenario_text(), "call.yaml", lib.rubrics, lib.directory), lib.directory)
    before.apply({"type": "start", "lang": "fr"})
    assert understand_now(before, typed).kind == "none"
    text = scenario_text(**{greet: greet + '            says: {fr: ["assistance dépannage, racontez-moi ce qui se passe"]}\n'})
    after = Session(parse_scenario(text, "call.yaml", lib.rubrics, lib.directory), lib.directory)
    after.apply({"type": "start", "lang": "fr"})
    reading = understand_now(after, typed)
    assert (reading.kind, reading.best.option) == ("sure", "greet")
    assert reading.best.via == "assistance dépannage, racontez-moi ce qui se passe"


def test_the_development_benchmark_reads_each_phrasing_without_it_against_its_whole_node():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "bench" / "understand_dev.py"
    spec = importlib.util.spec_from_file_location("understand_dev", path)
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    cell = next(c for c in dev.cells(["namur-breakdown"]) if c["node"] == "opening" and c["lang"] == "fr")
    seen = []

    def read(said, options, lang, tones):
        seen.append(said)
        if len(seen) <= len(cell["said"]):  # a held-out phrasing: gone from its option, nothing else missing
            meant = next(o for o, _, p in cell["said"] if p == said)
            assert said not in [p.text for p in options[meant]]
            assert {o: len(ps) for o, ps in options.items()} == {
                o: len(ps) - (o == meant) for o, ps in cell["phrases"].items()}
        return understand(said, options, lang, tones)

    [row] = dev.measure(read, all_cells=[cell])
    assert seen[:len(cell["said"])] == [p for _, _, p in cell["said"]]
    assert row["sentences"] == len(cell["said"]) and 0 < row["first"] <= 1
