"""The plateau command speaks the interface language everywhere: its --help (argparse's own words included),
its usage errors, and the words it counts ("1 action", "2 actions").

The language is chosen as for the rest of the interface: --lang on the command line, else PLATEAU_LANG or the
system's locale, else English.
"""

from __future__ import annotations

import argparse
import json

import pytest

from simulator.cli import build_parser
from simulator.cli_parser import argparse_message, early_lang
from tests.conftest import E411
from tests.test_cli import plateau

# argparse's English words: none of them may show in French or Dutch.
ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message and exit",
                    "show program's version number and exit", "Example:", "the following arguments are required")


def english_left(text: str) -> list[str]:
    return [words for words in ARGPARSE_ENGLISH if words in text]


@pytest.fixture(autouse=True)
def no_language_from_the_system(monkeypatch):
    """The language comes from what each test gives, not from the computer running the tests."""
    for name in ("PLATEAU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ --help


def test_plateau_help_in_french_shows_plateau_and_its_commands_in_french_and_no_english_word_of_argparse():
    result = plateau("--help", "--lang", "fr")
    assert (result.returncode, result.stderr) == (0, "")
    assert english_left(result.stdout) == []
    assert result.stdout.startswith("utilisation : plateau [-h] [--version] COMMANDE ...\n")
    assert "Plateau : entraînez-vous aux appels d'assistance et recevez un débriefing commenté." in result.stdout
    assert "Prendre un appel : jouer un scénario en direct ou à partir d'un" in result.stdout  # plateau play
    assert "Rassembler vos appels terminés dans un fichier zip" in result.stdout  # plateau handin, an extension
    assert "\noptions :\n  -h, --help  afficher cette aide et quitter\n" in result.stdout
    assert "Exemple :\n  plateau play dour-festival --lang fr" in result.stdout


def test_plateau_play_help_in_dutch_shows_every_option_in_dutch_and_no_english_word_of_argparse():
    result = plateau("play", "--help", "--lang", "nl")
    assert (result.returncode, result.stderr) == (0, "")
    assert english_left(result.stdout) == []
    assert result.stdout.startswith("gebruik: plateau play [-h] [--lang {fr,nl,en}] [--answers BESTAND]")
    assert "Een oproep aannemen: een scenario interactief spelen of vanuit een antwoordenbestand." in result.stdout
    assert "\nargumenten:\n  scenario " in result.stdout
    assert "\nopties:\n  -h, --help " in result.stdout
    for words in ("deze hulp tonen en stoppen", "--answers BESTAND", "--trainee NAAM", "met tijdslimiet",
                  "platte tekst, zonder kleuren"):
        assert words in result.stdout
    assert "Voorbeeld:\n  plateau play dour-festival --lang fr" in result.stdout


def test_help_follows_plateau_lang_when_no_lang_is_given(monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "fr")
    result = plateau("results", "--help")
    assert result.returncode == 0
    assert english_left(result.stdout) == []
    assert "Lister les appels enregistrés, filtrés" in result.stdout
    assert "--since DATE" in result.stdout and "seulement ce stagiaire" in result.stdout


def test_the_lang_given_on_the_command_line_wins_over_plateau_lang(monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "fr")
    result = plateau("sessions", "--lang", "nl", "--help")
    assert "De bewaarde oproepen in de gegevensmap tonen." in result.stdout
    assert "gebruik: plateau sessions" in result.stdout


def test_the_english_help_is_still_argparse_s_english_with_the_examples():
    result = plateau("play", "--help", "--lang", "en")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: plateau play [-h] [--lang {fr,nl,en}] [--answers FILE]")
    assert "Take a call: play a scenario interactively or from an answers file." in result.stdout
    assert "\npositional arguments:\n  scenario " in result.stdout
    assert "\noptions:\n  -h, --help " in result.stdout and "show this help message and exit" in result.stdout
    assert "Example:\n  plateau play dour-festival --lang fr" in result.stdout


def test_without_any_language_the_help_is_in_english():
    result = plateau("--help")
    assert result.stdout.startswith("usage: plateau [-h] [--version] COMMAND ...\n")
    assert "Plateau: practise assistance calls and get an explained debrief." in result.stdout


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command's parser, by its name ("play", "roster import")."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[prefix + name] = sub
                found.update(_commands(sub, prefix + name + " "))
    return found


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_command_and_every_option_with_a_help_has_it_translated(lang):
    english, translated = _commands(build_parser("en")), _commands(build_parser(lang))
    assert list(translated) == list(english) and len(english) > 20
    untranslated = []
    for name, parser in english.items():
        other = translated[name]
        if parser.description == other.description:
            untranslated.append(f"{name}: {parser.description}")
        for mine, theirs in zip(parser._actions, other._actions):
            assert mine.dest == theirs.dest
            if mine.help and mine.help != argparse.SUPPRESS and mine.help == theirs.help:
                untranslated.append(f"{name} {'/'.join(mine.option_strings) or mine.dest}: {mine.help}")
        assert english_left(other.format_help()) == [], name
    assert untranslated == []


# ------------------------------------------------------------------ usage errors


def test_plateau_play_without_a_scenario_says_so_in_french_and_exits_2():
    result = plateau("play", "--lang", "fr")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("utilisation : plateau play [-h]")
    assert result.stderr.endswith("\nplateau : arguments obligatoires manquants : scénario\n")
    assert english_left(result.stderr) == []


def test_a_usage_error_follows_plateau_lang_too(monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "nl")
    result = plateau("play")
    assert result.returncode == 2
    assert result.stderr.endswith("\nplateau: deze argumenten zijn verplicht: scenario\n")


def test_a_wrong_value_is_explained_in_the_interface_language():
    result = plateau("play", str(E411), "--lang", "fr", "--seed", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "plateau : argument --seed : un nombre entier de 1 à 2147483647 est attendu, pas « 0 »"
    result = plateau("results", "--lang", "nl", "--since", "gisteren")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("plateau: argument --since: “gisteren” is geen datum "
                                              "(schrijf 2026-03-01 of 01/03/2026)")


def test_an_unknown_language_is_refused_in_the_system_s_language(monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "fr")
    result = plateau("list", "--lang", "de")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "plateau : argument --lang : choix non valable : « de » (au choix : 'fr', 'nl', 'en')"


def test_the_english_usage_error_is_unchanged():
    result = plateau("play", "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.endswith("\nplateau: the following arguments are required: scenario\n")


@pytest.mark.parametrize("message, french", [
    ("expected one argument", "une valeur est attendue"),
    ("argument --csv: not allowed with argument --json", "argument --csv : incompatible avec l'argument --json"),
    ("argument --limit: invalid int value: 'x'", "argument --limit : « x » n'est pas un nombre entier"),
    ("argument --json: ignored explicit argument 'yes'", "argument --json : cette option ne prend pas de valeur (« yes » ignoré)"),
    ("ambiguous option: --t could match --trainee, --timed", "option ambiguë : --t peut désigner --trainee, --timed"),
    ("unrecognized arguments: extra words", "arguments non reconnus : extra words"),
    ("expected 2 arguments", "2 valeurs sont attendues"),
    ("argument --seed: un nombre entier de 1 à 9 est attendu, pas « 0 »",  # ours: already in the language
     "argument --seed : un nombre entier de 1 à 9 est attendu, pas « 0 »"),
])
def test_argparse_s_own_messages_are_given_in_the_language(message, french):
    assert argparse_message(message, "fr") == french
    assert argparse_message(message, "en") == message


@pytest.mark.parametrize("argv, lang", [
    (["play", "x", "--lang", "nl"], "nl"),
    (["--lang=fr", "--help"], "fr"),
    (["play", "--lang", "de"], None),              # not a language of Plateau: the parser says so
    (["play", "--lang", "fr", "--lang", "en"], "en"),  # the last one, as argparse reads it
    (["understand", "s", "--", "--lang", "fr"], None),  # after --: typed words, not options
    (["play", "--lang"], None),
])
def test_the_language_is_read_from_the_command_line_before_it_is_parsed(argv, lang):
    assert early_lang(argv) == lang


# ------------------------------------------------------------------ counted words


def test_a_call_stopped_after_one_action_says_1_action_not_1_actions(tmp_path):
    home = tmp_path / "home"
    answers = tmp_path / "answers.yaml"
    answers.write_text("- {type: start, lang: fr}\n", encoding="utf-8")
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", env_home=home)
    session = json.loads(plateau("sessions", "--json", env_home=home).stdout)[0]["id"]
    for lang, words in (("fr", "Cet appel a été interrompu avant sa fin (1 action) : "),
                        ("nl", "Deze oproep werd onderbroken voor het einde (1 actie): "),
                        ("en", "This call was stopped before its end (1 action): ")):
        result = plateau("score", session, "--lang", lang, env_home=home)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(words)


@pytest.mark.parametrize("lang, summary", [
    ("fr", "1 stagiaire lu : 1 ajouté, 0 mis à jour, 0 ligne refusée. La liste de la classe compte 1 stagiaire"),
    ("nl", "1 cursist gelezen: 1 toegevoegd, 0 bijgewerkt, 0 regels geweigerd. De klaslijst telt 1 cursist"),
    ("en", "1 trainee read: 1 added, 0 updated, 0 lines refused. The class list has 1 trainee"),
])
def test_importing_a_class_list_of_one_trainee_counts_in_the_singular(tmp_path, lang, summary):
    home = tmp_path / "home"
    csv = tmp_path / "classe.csv"
    csv.write_bytes("Stagiaire;E-mail\r\nAmélie Dupont;amelie.dupont@plateau-mons.be\r\n".encode("cp1252"))
    result = plateau("roster", "import", str(csv), "--lang", lang, env_home=home)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{summary} ({home / 'roster.json'}).\n"
