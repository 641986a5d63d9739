"""`plateau handin`: a trainee packs their finished calls into one zip, the instructor imports it as it is.

Amélie Dupont trains on a classroom PC she shares with Bram Peeters; her calls are written into the
data directory as `plateau play` writes them, then `plateau handin` and `plateau import` run as she and
her instructor would run them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pytest

from simulator.sessions import remember_trainee
from tests.conftest import E411
from tests.fixtures.desk.classroom import MONDAYS, PATHS, scenarios, write_transcript

GOOD_E411 = """\
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

UNFINISHED_FR = ("2 appels non terminés ne sont pas remis : reprenez-les avec plateau resume (plateau sessions les "
                 "montre), puis relancez plateau handin.")


def plateau(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`plateau ARGS` run from the folder `cwd`, as a trainee runs it in a terminal (no colour, 100 columns)."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **env}
    full_env.pop("PLATEAU_LANG", None)
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd, env=full_env, timeout=120, stdin=subprocess.DEVNULL)


@lru_cache(maxsize=None)
def _class_scenarios():
    return scenarios()


def call(home: Path, session: str, trainee: str, week: int, path: str, *, mode: str = "practice") -> Path:
    """A call `trainee` played on this PC (PATHS[path] of the E8 calls), saved where `plateau play` saves it."""
    loaded, lib = _class_scenarios()
    scenario = loaded["two-calls" if path == "two-calls" else "e8"]
    started = MONDAYS[week] + timedelta(minutes=int(session[-2:]))
    target = home / "sessions" / f"{started:%Y%m%d-%H%M%S}-{scenario.id}-{session}.jsonl"
    return write_transcript(target, scenario, lib, session=session, trainee=trainee, started=started,
                            actions=PATHS[path], mode=mode)


def zip_name(word: str, who: str) -> str:
    return f"plateau-{word}-{who}-{date.today().isoformat()}.zip"


def members(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as z:
        return sorted(Path(name).name for name in z.namelist())


def results(home: Path) -> list[dict]:
    """`plateau results --json` of a data directory, each transcript path taken relative to that directory."""
    shown = plateau("results", "--json", cwd=home.parent, PLATEAU_HOME=str(home))
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    for row in rows:
        row["transcript"] = Path(row["transcript"]).relative_to(home.resolve()).as_posix()
    return rows


@pytest.fixture
def desktop(tmp_path) -> Path:
    """The folder the trainee's terminal opens in."""
    folder = tmp_path / "bureau"
    folder.mkdir()
    return folder


@pytest.fixture
def amelie(plateau_home) -> Path:
    """Amélie's name remembered on the PC, as her first `plateau play` left it."""
    remember_trainee("Amélie Dupont")
    return plateau_home


def test_a_handin_imported_elsewhere_gives_the_same_results_as_importing_the_sessions_folder(plateau_home, tmp_path,
                                                                                             desktop):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_E411, encoding="utf-8")
    played = plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", cwd=desktop)
    assert played.returncode == 0, played.stderr
    call(plateau_home, "a1000000001", "Amélie Dupont", 0, "good")
    call(plateau_home, "a1000000002", "Amélie Dupont", 1, "slow")
    call(plateau_home, "a1000000003", "Amélie Dupont", 2, "two-calls")

    handed = plateau("handin", "--lang", "fr", cwd=desktop)
    assert (handed.returncode, handed.stderr) == (0, "")
    archive = desktop / zip_name("remise", "amelie-dupont")
    instructor, direct = tmp_path / "formateur", tmp_path / "direct"
    imported = plateau("import", str(archive), "--lang", "en", cwd=tmp_path, PLATEAU_HOME=str(instructor))
    plateau("import", str(plateau_home / "sessions"), cwd=tmp_path, PLATEAU_HOME=str(direct))

    # The manifest beside the calls is passed over without a word.
    assert (imported.returncode, imported.stdout, imported.stderr) == (
        0, "4 transcripts: 4 added, 0 updated, 0 already there, 0 refused.\n", "")
    from_zip = results(instructor)
    assert [(r["scenario"], r["status"], r["passed"]) for r in from_zip] == [
        ("e8-flat-tyre", "finished", True), ("e8-flat-tyre", "finished", False), ("e8-two-calls", "finished", True),
        ("e411-flat-tyre", "finished", True)]
    assert from_zip == results(direct)


def test_an_edited_transcript_is_left_out_and_named_with_why(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    slow = call(amelie, "a1000000002", "Amélie Dupont", 1, "slow")
    # The wrong plate typed during the call, put right in a text editor afterwards.
    slow.write_text(slow.read_text(encoding="utf-8").replace('"value": "1KLM465"', '"value": "1KLM456"'),
                    encoding="utf-8")

    handed = plateau("handin", "--lang", "fr", cwd=desktop)

    archive = desktop / zip_name("remise", "amelie-dupont")
    assert (handed.returncode, handed.stderr) == (0, "")
    assert handed.stdout.splitlines() == [
        f"{slow.name} : non remis, modifié après l'enregistrement (les sommes de contrôle ne correspondent pas).",
        "Stagiaire : Amélie Dupont",
        "Remis : 1 appel, 1 scénario (e8-flat-tyre)",
        f"Fichier : {archive.resolve()}",
        "Envoyez ce fichier à votre formateur, par exemple en pièce jointe d'un e-mail."]
    assert members(archive) == ["20260302-083100-e8-flat-tyre-a1000000001.jsonl", "plateau-handin.json"]


def test_a_transcript_damaged_by_a_crash_is_left_out_as_unreadable(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    damaged = call(amelie, "a1000000002", "Amélie Dupont", 1, "good")
    lines = damaged.read_text(encoding="utf-8").split("\n")
    lines[3] = "\x00" * len(lines[3])  # a block of the file zeroed when the PC lost power
    damaged.write_text("\n".join(lines), encoding="utf-8")

    handed = plateau("handin", "--lang", "nl", cwd=desktop)

    assert handed.returncode == 0
    assert handed.stdout.splitlines()[0] == (
        f"{damaged.name}: niet ingeleverd, onleesbaar: dit is geen (of niet langer een) transcript van Plateau.")
    assert members(desktop / zip_name("inlevering", "amelie-dupont")) == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "plateau-handin.json"]


def test_unfinished_calls_are_counted_and_left_out(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    call(amelie, "a1000000002", "Amélie Dupont", 1, "abandoned")
    call(amelie, "a1000000003", "Amélie Dupont", 2, "abandoned")

    handed = plateau("handin", "--lang", "fr", cwd=desktop)

    assert (handed.returncode, handed.stdout.splitlines()[:3]) == (
        0, [UNFINISHED_FR, "Stagiaire : Amélie Dupont", "Remis : 1 appel, 1 scénario (e8-flat-tyre)"])
    assert members(desktop / zip_name("remise", "amelie-dupont")) == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "plateau-handin.json"]


def test_with_only_unfinished_calls_no_file_is_written_and_it_says_why(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "abandoned")
    call(amelie, "a1000000002", "Amélie Dupont", 1, "abandoned")

    handed = plateau("handin", "--lang", "fr", cwd=desktop)

    assert (handed.returncode, handed.stdout, handed.stderr) == (
        1, UNFINISHED_FR + "\n",
        "plateau : aucun appel terminé à remettre pour Amélie Dupont ; aucun fichier n'a été écrit.\n")
    assert list(desktop.iterdir()) == []


def test_self_assessment_calls_are_left_out_unless_asked_for(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    call(amelie, "a1000000002", "Amélie Dupont", 1, "slow")
    call(amelie, "a1000000003", "Amélie Dupont", 2, "good", mode="assess")

    without = plateau("handin", "--lang", "en", "-o", "without.zip", cwd=desktop)
    asked = plateau("handin", "--lang", "en", "--assessments", "-o", "with.zip", cwd=desktop)

    assert without.stdout.splitlines()[:3] == [
        "1 self-assessment call is not handed in (add --assessments to include it).",
        "Trainee: Amélie Dupont", "Handed in: 2 calls, 1 scenario (e8-flat-tyre ×2)"]
    assert [n for n in members(desktop / "without.zip") if n.endswith(".jsonl")] == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "20260309-083200-e8-flat-tyre-a1000000002.jsonl"]
    assert asked.stdout.splitlines()[:2] == ["Trainee: Amélie Dupont", "Handed in: 3 calls, 1 scenario (e8-flat-tyre ×3)"]
    assert [n for n in members(desktop / "with.zip") if n.endswith(".jsonl")] == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "20260309-083200-e8-flat-tyre-a1000000002.jsonl",
        "20260316-083300-e8-flat-tyre-a1000000003.jsonl"]


def test_the_calls_of_another_trainee_on_the_same_pc_stay_out_unless_all(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    call(amelie, "b2000000002", "Bram Peeters", 0, "far-tow")

    mine = plateau("handin", "--lang", "nl", cwd=desktop)
    everyone = plateau("handin", "--lang", "nl", "--all", cwd=desktop)

    assert mine.stdout.splitlines()[:2] == ["Cursist: Amélie Dupont", "Ingeleverd: 1 oproep, 1 scenario (e8-flat-tyre)"]
    assert members(desktop / zip_name("inlevering", "amelie-dupont")) == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "plateau-handin.json"]
    assert everyone.stdout.splitlines()[:2] == ["Cursisten: Amélie Dupont, Bram Peeters",
                                                "Ingeleverd: 2 oproepen, 1 scenario (e8-flat-tyre ×2)"]
    assert members(desktop / zip_name("inlevering", "alle")) == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "20260302-083200-e8-flat-tyre-b2000000002.jsonl",
        "plateau-handin.json"]


@pytest.mark.parametrize("lang, expected", [
    ("fr", ["Stagiaire : Amélie Dupont", "Remis : 3 appels, 2 scénarios (e8-flat-tyre ×2, e8-two-calls)",
            "Fichier : {path}", "Envoyez ce fichier à votre formateur, par exemple en pièce jointe d'un e-mail."]),
    ("nl", ["Cursist: Amélie Dupont", "Ingeleverd: 3 oproepen, 2 scenario's (e8-flat-tyre ×2, e8-two-calls)",
            "Bestand: {path}", "Stuur dit bestand naar uw opleider, bijvoorbeeld als bijlage bij een e-mail."]),
    ("en", ["Trainee: Amélie Dupont", "Handed in: 3 calls, 2 scenarios (e8-flat-tyre ×2, e8-two-calls)",
            "File: {path}", "Send this file to your instructor, for example as an e-mail attachment."]),
])
def test_what_was_handed_in_is_said_in_the_interface_language_with_a_file_named_in_it(amelie, desktop, lang, expected):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    call(amelie, "a1000000002", "Amélie Dupont", 1, "slow")
    call(amelie, "a1000000003", "Amélie Dupont", 2, "two-calls")

    handed = plateau("handin", "--lang", lang, cwd=desktop)

    archive = desktop / zip_name({"fr": "remise", "nl": "inlevering", "en": "handin"}[lang], "amelie-dupont")
    assert (handed.returncode, handed.stderr) == (0, "")
    assert handed.stdout.splitlines() == [line.format(path=archive.resolve()) for line in expected]


def test_the_language_of_the_computer_is_the_default(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")

    handed = plateau("handin", cwd=desktop, LANG="nl_BE.UTF-8", LC_ALL="", LC_MESSAGES="")

    assert handed.stdout.splitlines()[0] == "Cursist: Amélie Dupont"
    assert (desktop / zip_name("inlevering", "amelie-dupont")).is_file()


def test_handing_in_again_the_same_day_keeps_the_first_zip_and_numbers_the_next(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    plateau("handin", "--lang", "fr", cwd=desktop)
    first = desktop / zip_name("remise", "amelie-dupont")
    before = first.read_bytes()
    call(amelie, "a1000000002", "Amélie Dupont", 1, "slow")

    again = plateau("handin", "--lang", "fr", cwd=desktop)

    second = first.with_name(first.stem + "-2.zip")
    assert again.stdout.splitlines()[2] == f"Fichier : {second.resolve()}"
    assert first.read_bytes() == before
    assert [n for n in members(second) if n.endswith(".jsonl")] == [
        "20260302-083100-e8-flat-tyre-a1000000001.jsonl", "20260309-083200-e8-flat-tyre-a1000000002.jsonl"]


def test_a_file_name_given_with_o_that_exists_is_refused_not_replaced(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    taken = desktop / "remise.zip"
    taken.write_bytes(b"the zip handed in last week")

    handed = plateau("handin", "--lang", "fr", "-o", "remise.zip", cwd=desktop)

    assert (handed.returncode, handed.stdout) == (1, "")
    assert handed.stderr == (f"plateau : {Path('remise.zip')} existe déjà et n'est pas remplacé : choisissez un autre "
                             "nom avec -o, ou supprimez d'abord l'ancien fichier.\n")
    assert taken.read_bytes() == b"the zip handed in last week"
    assert sorted(p.name for p in desktop.iterdir()) == ["remise.zip"]  # no temporary file left behind


def test_o_with_a_folder_writes_the_zip_there_under_its_usual_name(amelie, desktop, tmp_path):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    stick = tmp_path / "usb"
    stick.mkdir()

    handed = plateau("handin", "--lang", "en", "-o", str(stick), cwd=desktop)

    archive = stick / zip_name("handin", "amelie-dupont")
    assert handed.stdout.splitlines()[2] == f"File: {archive.resolve()}"
    assert archive.is_file() and list(desktop.iterdir()) == []


def test_a_folder_that_does_not_exist_is_refused_plainly(amelie, desktop):
    call(amelie, "a1000000001", "Amélie Dupont", 0, "good")

    handed = plateau("handin", "--lang", "en", "-o", str(Path("usb") / "remise.zip"), cwd=desktop)

    assert (handed.returncode, handed.stdout) == (1, "")
    assert handed.stderr == (f"plateau: cannot write {Path('usb') / 'remise.zip'}: No such file or directory. Check that "
                             "the folder exists and that you may write in it.\n")


def test_the_manifest_names_the_trainee_the_version_and_each_call_with_its_sha256(amelie, desktop):
    good = call(amelie, "a1000000001", "Amélie Dupont", 0, "good")
    call(amelie, "a1000000002", "Amélie Dupont", 1, "abandoned")

    plateau("handin", "--lang", "fr", cwd=desktop)

    archive = desktop / zip_name("remise", "amelie-dupont")
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read(f"{archive.stem}/plateau-handin.json").decode("utf-8"))
        packed = z.read(f"{archive.stem}/{good.name}")
    assert packed == good.read_bytes()
    assert manifest["created"].startswith(date.today().isoformat())
    del manifest["created"]
    assert manifest == {
        "plateau_handin": 1, "trainee": "Amélie Dupont", "plateau": "0.1.0",
        "files": [{"file": good.name, "session": "a1000000001", "scenario": "e8-flat-tyre", "trainee": "Amélie Dupont",
                   "mode": "practice", "ending": "resolved", "sha256": hashlib.sha256(packed).hexdigest()}],
        "left_out": {"unfinished": 1, "assessments": 0, "damaged": []}}


def test_without_a_remembered_name_it_asks_for_one(plateau_home, desktop):
    call(plateau_home, "a1000000001", "Amélie Dupont", 0, "good")

    handed = plateau("handin", "--lang", "fr", cwd=desktop)

    assert (handed.returncode, handed.stdout) == (1, "")
    assert handed.stderr == ("plateau : aucun nom de stagiaire n'est retenu sur cet ordinateur : donnez le vôtre avec "
                             "--trainee NOM (ou --all pour les appels de tout le monde).\n")
    assert list(desktop.iterdir()) == []


def test_a_name_typed_without_accents_finds_the_calls_and_others_are_named_when_none_match(plateau_home, desktop):
    call(plateau_home, "a1000000001", "Amélie Dupont", 0, "good")
    call(plateau_home, "b2000000002", "Bram Peeters", 0, "good")

    found = plateau("handin", "--lang", "en", "--trainee", "amelie dupont", cwd=desktop)
    missed = plateau("handin", "--lang", "en", "--trainee", "Amelia Dupont", cwd=desktop)

    assert found.stdout.splitlines()[:2] == ["Trainee: Amélie Dupont", "Handed in: 1 call, 1 scenario (e8-flat-tyre)"]
    assert (missed.returncode, missed.stderr) == (
        1, "plateau: no finished call to hand in for Amelia Dupont; no file was written. This computer also keeps calls "
           "under the names: Amélie Dupont, Bram Peeters (--trainee NAME to hand them in).\n")
