"""The plateau command, driven as a user would: a subprocess, exact output and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import E411, table_headers, too_wide

GOOD_ANSWERS = """\
- {type: start, lang: fr}
- greet
- behind-rail
- where
- note-plate
- {type: input, value: 1ABC234}
- send-tow
- {type: provider, id: fix-wavre-depannage}
- give-eta
"""


def plateau(*args, cwd=None, env_home=None, timeout=30, columns=100):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns)}
    if env_home:
        env["PLATEAU_HOME"] = str(env_home)
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def test_scripted_play_reaches_the_ending_and_prints_the_final_state(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--json", "--transcript", str(tmp_path / "t.jsonl"))
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert (state["ending"], state["outcome"], state["clock"]) == ("resolved", "resolved", 4.75)
    assert state["flags"] == ["dispatched", "recorded", "safe"]
    assert state["facts"] == ["location", "plate"]
    assert state["score"] == {"overall": 94.7, "passed": True}


def test_an_illegal_answer_is_reported_at_its_line(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS.replace("- behind-rail\n", "- send-tow\n"), encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--json", "--transcript", str(tmp_path / "t.jsonl"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{answers}:3:3: A002 the option 'send-tow' is not offered now. "
                                    "Possible now: choose (one of: behind-rail, where, note-plate, stay-in-car)")
    assert "Traceback" not in result.stderr


def test_answers_that_stop_before_the_end_exit_1_with_what_comes_next(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("- {type: start, lang: fr}\n- greet\n", encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--json", "--transcript", str(tmp_path / "t.jsonl"))
    assert result.returncode == 1
    assert json.loads(result.stdout)["ending"] is None
    assert "The answers file ends before the call does." in result.stderr


def test_unknown_scenario_suggests_the_bundled_ones():
    result = plateau("play", "dour-festivl", "--json")
    assert result.returncode == 1
    assert result.stderr.startswith("plateau: there is no scenario 'dour-festivl'.")


def test_usage_errors_exit_2():
    result = plateau("play")
    assert result.returncode == 2
    assert "the following arguments are required: scenario" in result.stderr


@pytest.mark.parametrize("command", ["list", "play", "lint", "score", "report"])
def test_every_command_has_help_with_an_example(command):
    result = plateau(command, "--help")
    assert result.returncode == 0
    assert "Example:\n  plateau " + command in result.stdout


def test_score_and_report_work_on_a_saved_transcript(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    plateau("play", str(E411), "--answers", str(answers), "--json", "--transcript", str(transcript))
    score = json.loads(plateau("score", str(transcript), "--json").stdout)
    assert (score["overall"], score["passed"], score["critical_failures"]) == (94.7, True, [])
    assert set(score["criteria"]) == {"calm", "procedure", "provider", "case_file", "timing", "language"}
    assert {k: (c["score"], c["max"]) for k, c in score["criteria"].items()} == {
        "calm": (25.0, 25.0), "procedure": (24.7, 30.0), "provider": (15.0, 15.0), "case_file": (15.0, 15.0),
        "timing": (10.0, 10.0), "language": (5.0, 5.0)}
    html = tmp_path / "debrief.html"
    result = plateau("report", str(transcript), "--format", "html", "-o", str(html), "--lang", "nl")
    assert result.returncode == 0
    assert "<h2>Procedure (82\u00a0%)</h2>" in html.read_text(encoding="utf-8")


def test_a_finished_call_is_recorded_in_the_results_store(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    home = tmp_path / "home"
    played = plateau("play", str(E411), "--answers", str(answers), "--json", "--trainee", "Amélie Dupont", env_home=home)
    assert played.returncode == 0, played.stderr
    rows = json.loads(plateau("results", "--json", env_home=home).stdout)
    assert [(r["trainee"], r["scenario"], r["status"], r["ending"], r["overall"], r["passed"]) for r in rows] == [
        ("Amélie Dupont", "e411-flat-tyre", "finished", "resolved", 94.7, True)]


def test_a_call_played_from_an_answers_file_is_recorded_as_such_not_as_practice(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    home = tmp_path / "home"
    plateau("play", str(E411), "--answers", str(answers), "--json", "--trainee", "Amélie Dupont", env_home=home)
    [row] = json.loads(plateau("results", "--json", env_home=home).stdout)
    assert row["mode"] == "answers"
    csv_text = plateau("results", "--csv", "--lang", "fr", env_home=home).stdout
    assert ";fichier de réponses;" in csv_text  # the mode column an instructor filters on in Excel


def test_score_takes_the_session_id_that_sessions_shows_and_says_when_a_call_was_stopped_early(tmp_path):
    home = tmp_path / "home"
    answers = tmp_path / "answers.yaml"
    answers.write_text("\n".join(GOOD_ANSWERS.splitlines()[:4]) + "\n", encoding="utf-8")  # start, greet, behind-rail, where
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", env_home=home)
    session = json.loads(plateau("sessions", "--json", env_home=home).stdout)[0]["id"]

    result = plateau("score", session, "--lang", "en", env_home=home)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("This call was stopped before its end (4 actions): the score counts only what was "
                                    "done. Resume it with plateau resume.\n")


def test_a_report_for_a_folder_that_does_not_exist_is_refused_plainly(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    plateau("play", str(E411), "--answers", str(answers), "--json", "--transcript", str(transcript))
    target = tmp_path / "nowhere" / "debrief.html"

    result = plateau("report", str(transcript), "--format", "html", "-o", str(target))

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"plateau: cannot write {target}: No such file or directory. "
                             "Check that the folder exists and that you may write in it.\n")


def test_an_adapted_rubric_beside_a_scenario_is_the_one_it_is_scored_with(tmp_path):
    """An instructor copies roadside.yaml into a rubrics/ folder beside their scenario and raises the pass mark."""
    folder = tmp_path / "my-scenarios"
    (folder / "rubrics").mkdir(parents=True)
    rubric = (Path(__file__).parents[1] / "rubrics" / "roadside.yaml").read_text(encoding="utf-8")
    (folder / "rubrics" / "strict-roadside.yaml").write_text(
        rubric.replace("id: roadside", "id: strict-roadside").replace("pass_mark: 70", "pass_mark: 95"), encoding="utf-8")
    (folder / "providers").mkdir()
    (folder / "providers" / "wavre.yaml").write_text(
        (E411.parent / "providers" / "wavre.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    scenario = folder / "e411.yaml"
    scenario.write_text(E411.read_text(encoding="utf-8").replace("rubric: roadside", "rubric: strict-roadside"),
                        encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")

    played = plateau("play", str(scenario), "--answers", str(answers), "--json", "--transcript", str(tmp_path / "t.jsonl"))

    assert played.returncode == 0, played.stderr
    assert json.loads(played.stdout)["score"] == {"overall": 94.7, "passed": False}  # 94.7 passes roadside, not 95
    assert plateau("lint", str(scenario)).returncode == 0


def test_a_trainees_errors_speak_the_language_asked_for(tmp_path):
    result = plateau("play", "dour-festivel", "--lang", "nl", env_home=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("plateau: er is geen scenario “dour-festivel”. Bedoelde u “dour-festival”? "
                                    "Meegeleverde scenario's: antwerp-ring-jam,")
    result = plateau("resume", "--lang", "fr", env_home=tmp_path)
    assert result.stderr == ("plateau : il n'y a pas d'appel interrompu à reprendre. Commencez-en un avec : "
                             "plateau play SCÉNARIO\n")


def test_sessions_are_listed_with_headers_in_the_interface_language_and_a_local_time(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Zoë Vandenbroucke-Ngô", env_home=tmp_path)
    saved = json.loads(plateau("sessions", "--json", env_home=tmp_path).stdout)[0]
    shown = datetime.fromisoformat(saved["started"]).astimezone().strftime("%d/%m/%Y %H:%M")

    screen = plateau("sessions", "--lang", "fr", env_home=tmp_path).stdout

    assert "Scénario" in screen and "Stagiaire" in screen and "Début" in screen and "État" in screen
    assert saved["id"] in screen and shown in screen and "Zoë" in screen and "résolu" in screen and "resolved" not in screen


@pytest.mark.parametrize("lang, narrow_headers, wide_headers", [
    ("fr", ["id", "Scénario", "Stagiaire", "État"], ["id", "Scénario", "Stagiaire", "Début", "Actions", "État"]),
    ("nl", ["id", "Scenario", "Cursist", "Stand"], ["id", "Scenario", "Cursist", "Begin", "Acties", "Stand"]),
    ("en", ["id", "Scenario", "Trainee", "State"], ["id", "Scenario", "Trainee", "Started", "Actions", "State"]),
])
def test_sessions_fit_an_80_column_terminal_in_whole_words_keeping_the_id_to_resume_with(
        tmp_path, lang, narrow_headers, wide_headers):
    from tests.fixtures.desk.classroom import MONDAYS, PATHS, scenarios, write_transcript
    loaded, lib = scenarios()
    for n, (trainee, path) in enumerate([("Amélie Dupont", "abandoned"), ("Zoë Vandenbroucke-Ngô", "good")]):
        write_transcript(tmp_path / "sessions" / f"call-{n}.jsonl", loaded["e8"], lib, session=f"a100000000{n}",
                         trainee=trainee, started=MONDAYS[n], actions=PATHS[path])

    narrow = plateau("sessions", "--lang", lang, env_home=tmp_path, columns=80).stdout
    wide = plateau("sessions", "--lang", lang, env_home=tmp_path, columns=120).stdout

    assert too_wide(narrow, 80) == []
    assert table_headers(narrow) == [narrow_headers]
    assert "Vandenbroucke-Ngô" in narrow and "a1000000001" in narrow
    assert table_headers(wide) == [wide_headers]


def test_a_finished_call_leaves_its_transcript_and_no_lock_file_in_the_sessions_folder(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", env_home=tmp_path)
    assert result.returncode == 0, result.stderr
    [saved] = (tmp_path / "sessions").iterdir()
    assert saved.suffix == ".jsonl"


def test_a_trainee_name_with_brackets_is_shown_as_typed_in_the_results(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "[/b]Bram [best]", env_home=tmp_path)

    result = plateau("results", "--lang", "en", env_home=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert "[/b]Bram [best]" in result.stdout


def test_list_says_so_and_fails_when_the_install_has_no_bundled_call(tmp_path, monkeypatch, capsys):
    from simulator import catalog, cli, i18n

    monkeypatch.setattr(catalog, "SCENARIOS", tmp_path / "scenarios")
    monkeypatch.setattr(i18n, "_chosen", None)  # main() remembers --lang: put it back after this test
    code = cli.main(["list", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_PROBLEM
    assert "no bundled scenario was found" in err and "Reinstall Plateau (pip install .)" in err


def test_the_wheel_ships_every_bundled_call_rubric_and_provider(tmp_path):
    import zipfile

    root = Path(__file__).resolve().parent.parent
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(root)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    names = set(zipfile.ZipFile(next(tmp_path.glob("plateau-*.whl"))).namelist())
    wanted = {f"simulator/bundled/{p.relative_to(root).as_posix()}"
              for pattern in ("scenarios/*.yaml", "scenarios/providers/*.yaml", "rubrics/*.yaml") for p in root.glob(pattern)}
    assert len(wanted) >= 17 and wanted - names == set()


def test_a_scenario_id_typed_short_is_suggested_in_full():
    result = plateau("play", "dour", "--lang", "en")
    assert result.returncode == 1
    assert "there is no scenario 'dour'. Did you mean 'dour-festival'?" in result.stderr


def test_an_answers_file_with_no_action_is_refused_not_played_interactively(tmp_path):
    answers = tmp_path / "empty.yaml"
    answers.write_text("[]\n", encoding="utf-8")
    result = plateau("play", "dour-festival", "--answers", "empty.yaml", "--trainee", "Zoë", cwd=tmp_path,
                     env_home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "empty.yaml:1:1: A001 this answers file holds no action."
    assert not (tmp_path / "sessions").exists()  # nothing was played, nothing saved


def test_saving_the_best_call_into_a_missing_folder_is_refused_plainly(tmp_path):
    result = plateau("paths", str(Path(__file__).parent / "fixtures" / "lint" / "L013.yaml"),
                     "--save-best", str(tmp_path / "nope" / "best.yaml"))
    assert result.returncode == 1
    assert f"the folder {tmp_path / 'nope'} does not exist" in result.stderr
    assert "something went wrong" not in result.stderr


def test_an_answers_file_that_stops_early_says_what_comes_next_in_the_interface_language_only(tmp_path):
    answers = tmp_path / "short.yaml"
    answers.write_text("- {type: start, lang: fr}\n- greet\n", encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--lang", "nl", "--trainee", "Joris", env_home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("plateau: Het antwoordenbestand stopt voor het einde van de oproep. "
                                     "Mogelijke opties hierna: behind-rail, where, note-plate, stay-in-car.")


def test_play_never_overwrites_the_file_given_with_transcript(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    earlier = tmp_path / "t.jsonl"
    earlier.write_text("an earlier call\n", encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--lang", "fr", "--transcript", str(earlier),
                     env_home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr == (f"plateau : le fichier {earlier} existe déjà : Plateau n'écrase jamais un appel. Choisissez "
                             "un autre nom avec --transcript, ou laissez Plateau le nommer.\n")
    assert earlier.read_text(encoding="utf-8") == "an earlier call\n"


def test_a_finished_call_cut_back_by_hand_cannot_be_resumed_and_keeps_its_result(tmp_path):
    home = tmp_path / "home"
    answers = tmp_path / "answers.yaml"
    answers.write_text("- {type: start, lang: fr}\n- greet\n- stay-in-car\n", encoding="utf-8")  # unsafe: fails
    transcript = tmp_path / "t.jsonl"
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", "--transcript", str(transcript),
            env_home=home)
    before = json.loads(plateau("results", "--json", env_home=home).stdout)
    assert [(r["status"], r["passed"]) for r in before] == [("finished", False)]
    lines = transcript.read_text(encoding="utf-8").splitlines(keepends=True)
    transcript.write_text("".join(lines[:-1]), encoding="utf-8")  # the last action deleted

    result = plateau("resume", str(transcript), "--lang", "en", env_home=home)
    assert result.returncode == 1
    assert result.stderr.startswith(f"plateau: the call {before[0]['session']} ended on ")
    assert result.stderr.endswith("and its result is recorded: it cannot be played again. "
                                  f"Its debrief: plateau score {before[0]['session']}\n")
    assert json.loads(plateau("results", "--json", env_home=home).stdout) == before


def test_resuming_a_call_that_ended_before_it_was_recorded_records_it(tmp_path):
    home = tmp_path / "home"
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", "--transcript", str(transcript),
            env_home=home)
    (home / "results.sqlite3").unlink()  # as if killed between the last line and the results
    for leftover in home.glob("results.sqlite3-*"):
        leftover.unlink()
    result = plateau("resume", str(transcript), "--lang", "fr", env_home=home)
    assert result.returncode == 0
    session = json.loads(transcript.read_text(encoding="utf-8").splitlines()[0])["session"]
    assert result.stderr == f"plateau : L'appel {session} est déjà terminé. Son débriefing : plateau score {session}\n"
    rows = json.loads(plateau("results", "--json", env_home=home).stdout)
    assert [(r["session"], r["overall"], r["passed"]) for r in rows] == [(session, 94.7, True)]


def test_sessions_say_how_each_call_ended_in_the_trainees_language(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    home = tmp_path / "home"
    plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", env_home=home)
    result = plateau("sessions", "--lang", "nl", env_home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[3].split("│")[-2].strip() == "opgelost"


def test_a_scripted_call_with_no_name_known_belongs_to_the_computers_account(tmp_path):
    import getpass
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    home = tmp_path / "home"
    played = plateau("play", str(E411), "--answers", str(answers), env_home=home)
    assert played.returncode == 0, played.stderr
    rows = json.loads(plateau("results", "--json", env_home=home).stdout)
    assert [(r["trainee"], r["mode"]) for r in rows] == [(getpass.getuser(), "answers")]


def test_a_call_played_on_a_scenario_changed_since_is_scored_on_the_version_it_was_played_on(tmp_path):
    played, kept = tmp_path / "class", tmp_path / "march"
    for folder in (played, kept):
        shutil.copytree(E411.parent / "providers", folder / "providers")
        shutil.copy(E411, folder / E411.name)
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    transcript = tmp_path / "call.jsonl"
    assert plateau("play", str(played / E411.name), "--answers", str(answers), "--json", "--transcript", str(transcript),
                   env_home=tmp_path / "home").returncode == 0
    changed = played / E411.name  # the author edits the call after the class
    changed.write_text(changed.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8")

    refused = plateau("score", str(transcript), "--lang", "en", env_home=tmp_path / "home")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"plateau: {transcript}: played on another version of the scenario "
                                      "(e411-flat-tyre 1); give the folder of that version with --scenarios FOLDER.")
    scored = plateau("score", str(transcript), "--scenarios", str(kept), "--json", env_home=tmp_path / "home")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["passed"] is True
