"""The interactive player, driven as a trainee would: prompt-toolkit pipe input, Rich recorded console."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from simulator.engine import Session
from simulator.player import Ask, Player, PromptAsker, Quit, TimedOut
from simulator.providers import search
from simulator.transcript import TranscriptWriter, read_transcript


@pytest.fixture
def pipe():
    with create_pipe_input() as inp:
        yield inp


def make_player(scenario, lib, pipe, tmp_path, lang="fr", width=80, seed=None):
    """A player reading from `pipe`; seed None shows the options in the file's order, as the numbers typed assume."""
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None, legacy_windows=False)
    writer = TranscriptWriter(tmp_path / "call.jsonl", {"session": "t", "scenario": scenario.id,
                                                        "content_hash": scenario.content_hash})
    asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()))
    player = Player(Session(scenario, lib.directory), lib, writer, lang=lang, seed=seed, console=console, ask=asker.ask)
    return player, console


def test_a_trainee_plays_the_call_to_its_end_by_typing_numbers(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path)
    pipe.send_text("1\n1\n1\n1\n1ABC234\n1\n1\n1\n")
    player.run()
    assert player.session.state.ending == "resolved"
    screen = console.export_text()
    assert "Vous : Gilet, puis derrière la glissière." in screen
    assert "Encodé : Plaque = 1ABC234" in screen
    assert "Fin de l'appel : Dépanneuse en route" in screen


def test_every_action_is_in_the_transcript_before_the_next_prompt(e411, lib, pipe, tmp_path):
    player, _ = make_player(e411, lib, pipe, tmp_path)
    pipe.send_text("1\n1\n/quit\n")
    with pytest.raises(Quit):
        player.run()
    actions = read_transcript(tmp_path / "call.jsonl").actions
    assert actions == [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
                       {"type": "choose", "option": "behind-rail"}]


def test_the_header_shows_clock_case_and_stress_in_words(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en")
    pipe.send_text("/quit\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert "Time 08:10" in screen and "Case DOS-2026-031201" in screen
    assert "Stress █████░░░░░ 50 tense" in screen


def test_the_case_file_command_shows_what_was_recorded(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en")
    pipe.send_text("/record plate 1-ABC-234\n/file\n/quit\n")
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.file == {"plate": "1-ABC-234"}
    screen = console.export_text()
    assert "│ Plate " in screen and "1-ABC-234" in screen and "(plate)" not in screen  # its label, not its id


def test_a_wrong_number_explains_what_to_type(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="nl")
    pipe.send_text("9\n/stoppen\n")
    with pytest.raises(Quit):
        player.run()
    assert "Typ een nummer van 1 tot 2, of ? voor hulp." in console.export_text()


def test_the_provider_prompt_lists_the_directory_nearest_first(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en")
    pipe.send_text("1\n1\n3\n1\n/quit\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert "Directory: tow, nearest first" in screen
    nearest = search(lib.directory, kind="tow", near=(50.6958, 4.6326))[0].provider
    assert player.session.case_state.dispatched["id"] == nearest.id
    assert nearest.name in screen


def test_with_a_seed_the_options_are_numbered_in_the_order_drawn_and_a_number_picks_what_is_shown(e411, lib, pipe,
                                                                                                 tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, seed=1234)
    pipe.send_text("1\n4\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    screen = "\n".join(line.rstrip() for line in console.export_text().splitlines())
    assert ("1. Restez dans la voiture.\n"
            "2. J'encode votre plaque.\n"
            "3. Où êtes-vous exactement ?\n"
            "4. Gilet, puis derrière la glissière.\n") in screen  # the file has them the other way round
    assert read_transcript(tmp_path / "call.jsonl").actions == [
        {"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
        {"type": "choose", "option": "behind-rail"}]


def test_the_arrow_keys_go_through_the_options_in_the_order_shown(e411, lib, pipe, tmp_path):
    player, _ = make_player(e411, lib, pipe, tmp_path, seed=1234)
    pipe.send_text("1\n")
    pipe.send_text("\x1b[B\x1b[B\r")  # down, down: the second option on screen
    pipe.send_text("/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.chosen == ["greet", "note-plate"]


def test_a_provider_number_typed_at_the_prompt_is_the_row_an_answers_file_names(e411, lib, pipe, tmp_path):
    from simulator.order import provider_at
    from tests.conftest import play
    at_prompt, _ = play(e411, lib, ["greet", "behind-rail", "send-tow"])
    player, _ = make_player(e411, lib, pipe, tmp_path, width=160)
    pipe.send_text("1\n1\n3\n3\n/quitter\n")  # greet, behind-rail, send-tow, then the third row of the directory
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.dispatched["id"] == provider_at(at_prompt, 3) == "nam-depannage-warisoulx"


class FakeClock:
    """A clock that jumps `step` seconds each time it is read: the countdown runs out without the test sleeping."""

    def __init__(self, step=0.0):
        self.now = 1000.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


def test_the_countdown_runs_out_into_a_timeout(pipe):
    asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()), clock=FakeClock(step=10))
    with pytest.raises(TimedOut):
        asker.ask(Ask("Votre choix", ["1", "2"], 2, seconds=30, status="Chrono"))


def test_an_answer_within_the_limit_is_taken(pipe):
    asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()), clock=FakeClock())
    pipe.send_text("2\n")
    assert asker.ask(Ask("Votre choix", ["1", "2"], 2, seconds=30, status="Chrono")) == "2"


def test_in_timed_mode_running_out_of_time_is_a_silence_for_the_engine(e411, lib, tmp_path):
    answers = iter([TimedOut, "/quit"])

    def ask(question):
        answer = next(answers)
        if answer is TimedOut:
            raise TimedOut()
        return answer

    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(Session(e411, lib.directory), lib, None, lang="fr", seed=None, console=console, ask=ask, timed=True)
    with pytest.raises(Quit):
        player.run()
    assert "(silence)" in console.export_text()
    assert player.session.case_state.stress == 60


def test_the_arrow_keys_move_through_the_options(pipe):
    asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()))
    pipe.send_text("\x1b[B\x1b[B\x1b[B\x1b[A\r")  # down, down, down, up, Enter
    assert asker.ask(Ask("Votre choix", [], 4)) == "2"


def test_ctrl_c_asks_before_quitting_and_no_goes_on(e411, lib, tmp_path):
    answers = iter([KeyboardInterrupt, "n", "1", KeyboardInterrupt, ""])

    def ask(question):
        answer = next(answers)
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt()
        return answer

    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(Session(e411, lib.directory), lib, None, lang="en", seed=None, console=console, ask=ask)
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.chosen == ["greet"]


def test_plain_mode_draws_no_boxes(e411, lib, tmp_path):
    answers = iter(["/quit"])
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(Session(e411, lib.directory), lib, None, lang="en", seed=None, console=console,
                    ask=lambda q: next(answers), plain=True)
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert "╭" not in screen and "│" not in screen
    assert screen.splitlines()[0] == "Flat tyre on the E411 - Briefing"


def completions(ask, typed):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from simulator.player import completer_for
    return [c.text for c in completer_for(ask).get_completions(Document(typed), CompleteEvent())]


def test_commands_complete_in_the_interface_language(e411, lib):
    asked = []
    player = Player(Session(e411, lib.directory), lib, None, lang="fr", seed=None,
                    console=Console(file=io.StringIO(), width=80), ask=lambda q: asked.append(q) or "/quitter")
    with pytest.raises(Quit):
        player.run()
    assert completions(asked[0], "/pre") == ["/prestataires"]
    assert completions(asked[0], "/enc") == ["/encoder"]


def test_provider_ids_complete_at_the_provider_prompt(e411, lib):
    answers = iter(["1", "1", "3"])
    asked = []

    def ask(q):
        asked.append(q)
        try:
            return next(answers)
        except StopIteration:
            raise Quit() from None

    player = Player(Session(e411, lib.directory), lib, None, lang="en", seed=None,
                    console=Console(file=io.StringIO(), width=80), ask=ask)
    with pytest.raises(Quit):
        player.run()
    assert completions(asked[-1], "hai-bor") == ["hai-borinage-depannage-4x4"]


def test_the_model_call_is_drawn_from_the_scenario(lib):
    from simulator.catalog import open_scenario
    from simulator.player import show_model

    scenario, dour_lib = open_scenario("dour-festival")
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    show_model(scenario, dour_lib, "en", console)
    screen = console.export_text()
    assert "The model call" in screen
    assert "You: Assistance Plateau, bonsoir, Sam à l'appareil." in screen  # the call itself is in French
    assert "Dispatched: Borinage Dépannage 4x4" in screen
    assert screen.rstrip().endswith("Call over: Car started again, a sober driver at the wheel")


SILENT = {"answered", "node", "stress", "prompt", "revealed", "event", "session_ended"}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_kind_of_event_is_drawn_in_every_language(two_calls, e411, lib, lang):
    events = []
    session = Session(two_calls, lib.directory)
    for action in [{"type": "start", "lang": "fr"}, {"type": "speak", "lang": "nl"}, {"type": "note", "text": "Anna: pneu"},
                   {"type": "silence"}, {"type": "silence"}, {"type": "silence"}, {"type": "switch", "case": "bert"},
                   {"type": "record", "field": "plate", "value": "1-QRS-111"}, {"type": "choose", "option": "b-help"}]:
        events += session.apply(action)
    for actions in ([{"type": "start", "lang": "fr"}, {"type": "choose", "option": "plate-first"}, {"type": "silence"},
                     {"type": "silence"}, {"type": "choose", "option": "where"}],
                    [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
                     {"type": "choose", "option": "behind-rail"}, {"type": "choose", "option": "send-tow"},
                     {"type": "provider", "id": "fix-wavre-depannage"}]):
        session = Session(e411, lib.directory)
        for action in actions:
            events += session.apply(action)
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(session, lib, None, lang=lang, seed=None, console=console, ask=lambda q: "")
    kinds = set()
    for event in events:
        player.scenario = two_calls if event["case"] in two_calls.cases else e411
        before = len(console.export_text(clear=False))
        player.draw_event(event)
        drawn = len(console.export_text(clear=False)) > before
        assert drawn == (event["type"] not in SILENT), event
        kinds.add(event["type"])
    assert kinds >= {"said", "chose", "silence", "recorded", "dispatched", "withheld", "hung_up", "ringing", "switched",
                     "spoke", "note", "case_ended"}


def test_brackets_typed_by_the_trainee_stay_text_and_cannot_break_the_screen(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en")
    pipe.send_text("/record plate [/b]1-ABC-234 [motorhome]\n/note caller said [red]hurry[/red]\n/file\n/quit\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert "[/b]1-ABC-234 [motorhome]" in screen
    assert "• caller said [red]hurry[/red]" in screen


def test_the_help_shows_the_search_words_between_brackets(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="fr", width=120)
    pipe.send_text("?\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert "/prestataires  [TYPE] [capacité...] [ouvert] [km] : chercher dans l'annuaire des prestataires" in console.export_text()


def test_commands_work_at_the_prompt_for_a_field_value(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en")
    pipe.send_text("1\n1\n1\n1\n/file\n1ABC234\n/quit\n")  # as far as typing the plate: then a look at the file
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.file == {"plate": "1ABC234"}
    assert "Case file DOS-2026-031201" in console.export_text()


def test_the_directory_is_searched_in_the_trainees_words_and_says_when_nothing_matches(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="fr", width=160)
    pipe.send_text("/prestataires dépanneuse pneus 5 km\n/prestataires dépanneuse 4x4 1 km\n/prestataires grue\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert "Annuaire : dépanneuse, les plus proches d'abord" in screen and "Dépannage de la Dyle" in screen and "90\u00a0€" in screen
    assert "À deux minutes de la sortie 6 de l'E411" in screen  # the provider's note, in the interface language
    assert "Aucun prestataire ne correspond à cette recherche." in screen
    assert "« grue » n'est ni un type de prestataire ni une capacité." in screen


def test_the_directory_lists_the_region_nearest_first_and_says_how_many_more(e411, lib, pipe, tmp_path):
    everyone = search(lib.directory, kind="tow", near=(50.6958, 4.6326))
    region = [h for h in everyone if h.km <= 50][:10]
    player, console = make_player(e411, lib, pipe, tmp_path, lang="en", width=160)
    pipe.send_text("/providers\n/providers all\n/quit\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert f"Directory: tow, nearest first ({len(region)} of {len(everyone)})" in screen
    assert f"… and {len(everyone) - len(region)} more, further away: add “all” to see them all." in screen
    assert screen.count(everyone[len(region)].provider.name) == 1  # only in the full list


def test_a_call_is_named_by_the_end_of_its_reference_and_a_wrong_one_is_explained(two_calls, lib, pipe, tmp_path):
    player, console = make_player(two_calls, lib, pipe, tmp_path, lang="fr")
    for action in [{"type": "start", "lang": "fr"}] + [{"type": "silence"}] * 3:  # Bert's call (DOS-B) rings meanwhile
        player.session.apply(action)
    pipe.send_text("/appel 999\n/appel b\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert "Il n'y a pas d'appel « 999 ». Appels : DOS-A, DOS-B." in console.export_text()
    assert read_transcript(tmp_path / "call.jsonl").actions == [{"type": "switch", "case": "bert"}]


def test_a_question_without_a_countdown_does_not_keep_the_previous_ones_toolbar(pipe):
    session = PromptSession(input=pipe, output=DummyOutput())
    asker = PromptAsker(session, clock=FakeClock())
    pipe.send_text("2\n")
    asker.ask(Ask("Votre choix", ["1", "2"], 2, seconds=30, status="Chrono · ? aide · /quitter"))
    pipe.send_text("o\n")
    assert asker.ask(Ask("Sauver et quitter ? [O/n]")) == "o"
    assert (session.bottom_toolbar, session.completer, session.refresh_interval) == (None, None, 0)


def test_plain_timed_questions_say_the_time_first_and_end_with_the_languages_colon(e411, lib):
    from simulator.player import PlainAsker
    out = io.StringIO()
    asker = PlainAsker(io.StringIO("1\n"), out, clock=FakeClock())
    player = Player(Session(e411, lib.directory), lib, None, lang="fr", seed=None, console=Console(file=io.StringIO()),
                    ask=asker.ask, timed=True)
    assert player.ask(Ask("Votre choix (numéro, ? pour l'aide)", seconds=30, status="Chrono · ? aide · /quitter")) == "1"
    assert out.getvalue() == "(30 s · Chrono · ? aide · /quitter)\nVotre choix (numéro, ? pour l'aide) : "


# ------------------------------------------------------------------ several calls, and the timed seat


def scripted(answers):
    """An asker that types `answers` in turn, then quits."""
    queue = list(answers)
    return lambda question: queue.pop(0) if queue else "/quit"


def bundled(name):
    from simulator.catalog import open_scenario
    return open_scenario(name)


def test_putting_a_caller_on_hold_takes_the_ringing_call_and_records_the_switch(tmp_path):
    scenario, library = bundled("brussels-ring-two-calls")
    session = Session(scenario, library.directory)
    for action in [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "c-greet"},
                   {"type": "choose", "option": "c-safety"}, {"type": "choose", "option": "c-where"}]:
        session.apply(action)
    writer = TranscriptWriter(tmp_path / "call.jsonl", {"session": "t", "scenario": scenario.id,
                                                        "content_hash": scenario.content_hash})
    hold = next(i for i, o in enumerate(session.options(), 1) if o.id == "c-hold")
    player = Player(session, library, writer, lang="fr", seed=None, console=Console(file=io.StringIO(), width=80),
                    ask=scripted([str(hold)]))
    with pytest.raises(Quit):
        player.run()
    writer.close()
    assert read_transcript(tmp_path / "call.jsonl").actions == [{"type": "choose", "option": "c-hold"},
                                                                {"type": "switch", "case": "henri"}]
    assert session.state.active == "henri"


def test_a_call_on_hold_shows_its_caller_situation_and_how_long_it_has_waited(tmp_path):
    scenario, library = bundled("brussels-ring-two-calls")
    session = Session(scenario, library.directory)
    for action in [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "c-greet"},
                   {"type": "choose", "option": "c-safety"}, {"type": "choose", "option": "c-where"},
                   {"type": "choose", "option": "c-hold"}, {"type": "switch", "case": "henri"},
                   {"type": "choose", "option": "h-secure"}, {"type": "choose", "option": "h-112"}]:
        session.apply(action)
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(session, library, None, lang="fr", seed=None, console=console, ask=scripted([]), plain=True)
    console.print(player.header())
    waited = round((session.state.clock - session.state.cases["claire"].waiting_since) / 60)
    assert (f"En attente : Claire Lemaire, DOS-2026-031007, pneu crevé, à l'abri derrière la glissière à "
            f"Groot-Bijgaarden, depuis {waited} min, calme") in " ".join(console.export_text().split())


def test_closing_one_of_several_calls_says_the_others_are_still_open(two_calls, lib):
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    player = Player(Session(two_calls, lib.directory), lib, None, lang="en", seed=None, console=console, ask=scripted([]))
    player.draw_event({"type": "case_ended", "case": "a", "ending": next(iter(two_calls.endings)), "outcome": "resolved"})
    assert "2 call(s) still open: the shift goes on." in console.export_text()


def test_the_time_to_decide_follows_what_there_is_to_read(e411, lib):
    player = Player(Session(e411, lib.directory), lib, None, lang="fr", seed=None,
                    console=Console(file=io.StringIO()), ask=scripted([]))
    player.session.apply({"type": "start", "lang": "fr"})
    options = player.session.options()
    words = sum(len(o.text.render("fr").split()) for o in options)
    assert player.decision_limit(options) == max(10, round(e411.think_seconds + words * 60 / 200))
    assert player.decision_limit(options * 5) > player.decision_limit(options)


def test_a_command_typed_before_deciding_does_not_start_the_time_again(e411, lib):
    clock = FakeClock()
    asked = []

    def ask(question):
        asked.append(question.seconds)
        clock.now += 4
        return ["/dossier", "/langue nl", "1", "/quit"][len(asked) - 1]

    player = Player(Session(e411, lib.directory), lib, None, lang="fr", seed=None, console=Console(file=io.StringIO()),
                    ask=ask, timed=True, clock=clock)
    with pytest.raises(Quit):
        player.run()
    limit = player.decisions[0]["limit"]
    assert asked[:3] == [limit, limit - 4, limit - 8]
    assert player.decisions[0] == {"decision": 1, "took": 12.0, "limit": limit}


@pytest.mark.parametrize("lang, said", [
    ("fr", "Pas maintenant : tapez d'abord la valeur demandée."),
    ("nl", "Nu niet: typ eerst de gevraagde waarde in."),
    ("en", "Not now: type the value asked for first."),
])
def test_a_field_edited_while_a_value_is_asked_is_refused_in_the_trainees_language(e411, lib, pipe, tmp_path, lang, said):
    player, console = make_player(e411, lib, pipe, tmp_path, lang=lang)
    record = {"fr": "/encoder", "nl": "/invoeren", "en": "/record"}[lang]
    quit_ = {"fr": "/quitter", "nl": "/stoppen", "en": "/quit"}[lang]
    pipe.send_text(f"1\n1\n2\n{record} position borne 23.4\n{quit_}\n")  # 2: note-plate asks for the plate
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    assert said in screen
    assert "awaiting_input" not in screen and "Possible now" not in screen


def test_a_field_is_named_by_its_label_in_the_trainees_language(e411, lib, pipe, tmp_path):
    player, console = make_player(e411, lib, pipe, tmp_path, lang="nl")
    pipe.send_text("1\n/invoeren nummerplaat 1-ABC-234\n/invoeren kenteken 1-ABC-234\n/stoppen\n")
    with pytest.raises(Quit):
        player.run()
    assert player.session.case_state.file == {"plate": "1-ABC-234"}
    assert "Onbekend veld. Velden: nummerplaat, locatie" in console.export_text()
