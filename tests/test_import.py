"""`plateau import`: a class's transcripts, collected from the trainees' machines, into the results."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from simulator.store import Store
from tests.fixtures.desk.classroom import (
    CLASS,
    DESK,
    E8,
    MONDAYS,
    PATHS,
    plateau,
    scenarios,
    write_class,
    write_transcript,
)


@pytest.fixture
def collected(tmp_path):
    """The class's transcripts as collected: one folder per trainee, scenario files named where they lay."""
    folder = tmp_path / "collected"
    write_class(folder)
    return folder


def sessions() -> list[str]:
    with Store() as store:
        return [r.session for r in store.sessions()]


def test_a_folder_is_imported_rescored_and_kept_in_the_data_directory(collected, plateau_home):
    result = plateau("import", str(collected), "--scenarios", str(DESK), "--lang", "fr")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "13 transcriptions : 13 ajoutées, 0 mises à jour, 0 déjà présentes, 0 refusées.\n"
    assert sorted(sessions()) == sorted(s for s, *_ in CLASS)
    kept = sorted(p.name for p in (plateau_home / "imported").iterdir())
    assert kept == sorted(f"{s}.jsonl" for s, *_ in CLASS)
    with Store() as store:
        assert {r.transcript for r in store.sessions()} == {str((plateau_home / "imported" / k).resolve()) for k in kept}


def test_importing_again_skips_the_duplicates(collected):
    plateau("import", str(collected), "--scenarios", str(DESK))
    result = plateau("import", str(collected), "--scenarios", str(DESK), "--lang", "en")
    assert (result.returncode, result.stdout) == (0, "13 transcripts: 0 added, 0 updated, 13 already there, 0 refused.\n")
    assert len(sessions()) == 13


def test_a_zip_of_the_class_gives_the_same_store_as_the_folder(collected, tmp_path):
    archive = tmp_path / "class-march.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(collected.rglob("*.jsonl")):
            z.write(path, f"plateau/{path.relative_to(collected)}")
        z.writestr("__MACOSX/plateau/._junk.jsonl", b"\x00\x05")
        z.writestr("plateau/README.txt", "not a transcript")
    result = plateau("import", str(archive), "--scenarios", str(DESK), "--lang", "nl")
    assert result.stdout == "13 transcripts: 13 toegevoegd, 0 bijgewerkt, 0 al aanwezig, 0 geweigerd.\n"
    result = plateau("import", str(collected), "--scenarios", str(DESK), "--lang", "nl")
    assert result.stdout == "13 transcripts: 0 toegevoegd, 0 bijgewerkt, 13 al aanwezig, 0 geweigerd.\n"


def test_what_is_refused_and_why(collected, tmp_path):
    bram = sorted((collected / "bram").glob("*.jsonl"))
    # edited by hand: a better score typed in
    text = bram[0].read_text(encoding="utf-8")
    bram[0].write_text(text.replace('"option": "stay-in-car"', '"option": "off-road"'), encoding="utf-8")
    # not a transcript at all
    (collected / "bram" / "notes.jsonl").write_text('{"note": "call Bram back"}\n', encoding="utf-8")
    # a scenario this instructor does not have
    other = tmp_path / "other" / "nowhere.yaml"
    other.parent.mkdir()
    other.write_text(E8.read_text(encoding="utf-8").replace("id: e8-flat-tyre", "id: e8-nowhere"), encoding="utf-8")
    loaded, lib = scenarios()
    from simulator.loader import load_scenario
    unknown = load_scenario(other, lib.rubrics, lib.directory)
    write_transcript(collected / "dries" / "unknown.jsonl", unknown, lib, session="u1", trainee="Dries Janssens",
                     started=MONDAYS[2], actions=PATHS["good"], scenario_file="C:\\elsewhere\\nowhere.yaml")
    # played on another version of the E8 call than the one the instructor has
    changed = tmp_path / "changed" / "e8-flat-tyre.yaml"
    changed.parent.mkdir()
    shutil.copytree(DESK / "providers", changed.parent / "providers")
    changed.write_text(E8.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8")
    newer = load_scenario(changed, lib.rubrics, lib.directory)
    write_transcript(collected / "dries" / "newer.jsonl", newer, lib, session="v2", trainee="Dries Janssens",
                     started=MONDAYS[2], actions=PATHS["good"], scenario_file="C:\\elsewhere\\e8-flat-tyre.yaml")

    result = plateau("import", str(collected), "--scenarios", str(DESK), "--lang", "en")

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bram[0]}: refused, edited after it was recorded (its checksums do not match).",
        f"{collected / 'bram' / 'notes.jsonl'}: refused, cannot be read as a transcript: this file is not a Plateau "
        "transcript (no header line).",
        f"{collected / 'dries' / 'newer.jsonl'}: refused, played on another version of the scenario (e8-flat-tyre 2); "
        "give the folder of that version with --scenarios FOLDER.",
        f"{collected / 'dries' / 'unknown.jsonl'}: refused, unknown scenario 'e8-nowhere'; give its folder with "
        "--scenarios FOLDER.",
        "16 transcripts: 12 added, 0 updated, 0 already there, 4 refused.",
    ]
    assert "b2000000001" not in sessions()

    # Given the folder of the other version, its transcript goes in.
    result = plateau("import", str(collected / "dries" / "newer.jsonl"), "--scenarios", str(changed.parent), "--lang", "en")
    assert result.stdout == "1 transcripts: 1 added, 0 updated, 0 already there, 0 refused.\n"


def test_a_call_played_on_an_older_version_is_refused_as_such_when_the_new_file_has_another_name(tmp_path):
    """The instructor's folder holds the scenario's next version under a name of their own."""
    loaded, lib = scenarios()
    played = write_transcript(tmp_path / "collected" / "call.jsonl", loaded["e8"], lib, session="v1", trainee="Dries Janssens",
                              started=MONDAYS[0], actions=PATHS["good"], scenario_file="C:\\Users\\dries\\e8.yaml")
    mine = tmp_path / "my-scenarios"
    shutil.copytree(DESK / "providers", mine / "providers")
    (mine / "e8-version-2.yaml").write_text(E8.read_text(encoding="utf-8").replace("version: 1", "version: 2"),
                                            encoding="utf-8")

    result = plateau("import", str(played), "--scenarios", str(mine), "--lang", "en")

    assert result.stdout.splitlines() == [
        f"{played}: refused, played on another version of the scenario (e8-flat-tyre 1); give the folder of that "
        "version with --scenarios FOLDER.",
        "1 transcripts: 0 added, 0 updated, 0 already there, 1 refused."]


def test_a_trainee_name_edited_in_a_transcript_is_refused(collected):
    call = sorted((collected / "bram").glob("*.jsonl"))[0]
    header, rest = call.read_text(encoding="utf-8").split("\n", 1)
    assert '"trainee": "Bram Peeters"' in header
    call.write_text(header.replace("Bram Peeters", "Bram Peeters (best)") + "\n" + rest, encoding="utf-8")

    result = plateau("import", str(call), "--scenarios", str(DESK), "--lang", "en")

    assert result.stdout.splitlines() == [f"{call}: refused, edited after it was recorded (its checksums do not match).",
                                          "1 transcripts: 0 added, 0 updated, 0 already there, 1 refused."]


def test_json_says_what_became_of_each_transcript(collected):
    result = plateau("import", str(collected / "amélie"), "--scenarios", str(DESK), "--json")
    assert [(i["outcome"], i["reason"]) for i in json.loads(result.stdout)] == [("added", None)] * 3
    result = plateau("import", str(collected / "amélie"), "--json")
    assert [(i["outcome"], i["reason"]) for i in json.loads(result.stdout)] == [("duplicate", None)] * 3


def test_a_path_that_does_not_exist_is_a_clean_error(tmp_path):
    result = plateau("import", str(tmp_path / "usb-stick"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"plateau: there is no file or folder '{tmp_path / 'usb-stick'}'.\n"


def test_a_folder_without_transcripts_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    result = plateau("import", str(tmp_path / "empty"), "--lang", "fr")
    assert (result.returncode, result.stdout) == (0, "Aucune transcription (.jsonl) dans ces chemins.\n")


def _locked(zip_bytes: bytes) -> bytes:
    """The archive with its members marked as encrypted (bit 0 of each header's flags), as a password makes them."""
    data = bytearray(zip_bytes)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    return bytes(data)


def test_each_bad_file_or_archive_is_refused_on_its_own_and_the_rest_is_imported(collected, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a-nested.jsonl").write_text('{"type": "header", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                                        encoding="utf-8")
    (bad / "b-empty.zip").write_bytes(b"")
    (bad / "c-fake.zip").write_bytes(b"PK\x03\x04 not a zip at all")
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w") as z:
        z.write(sorted((collected / "bram").glob("*.jsonl"))[0], "bram.jsonl")
    (bad / "d-cut.zip").write_bytes(whole.read_bytes()[:-30])
    (bad / "e-locked.zip").write_bytes(_locked(whole.read_bytes()))
    good = sorted((collected / "amélie").glob("*.jsonl"))

    result = plateau("import", str(bad), *map(str, good), "--scenarios", str(DESK), "--lang", "fr")

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad / 'a-nested.jsonl'} : refusé, illisible comme transcription : this line of the transcript is not valid JSON.",
        f"{bad / 'b-empty.zip'} : refusé, ce n'est pas une archive zip lisible (vide, incomplète ou abîmée) ; refaites l'archive.",
        f"{bad / 'c-fake.zip'} : refusé, ce n'est pas une archive zip lisible (vide, incomplète ou abîmée) ; refaites l'archive.",
        f"{bad / 'd-cut.zip'} : refusé, ce n'est pas une archive zip lisible (vide, incomplète ou abîmée) ; refaites l'archive.",
        f"{bad / 'e-locked.zip'}:bram.jsonl : refusé, protégé par un mot de passe dans l'archive zip ; refaites "
        "l'archive sans mot de passe.",
        f"{len(good) + 5} transcriptions : {len(good)} ajoutées, 0 mises à jour, 0 déjà présentes, 5 refusées."]
    assert len(sessions()) == len(good)


def test_a_call_dated_in_year_one_is_imported_without_stopping_the_import(tmp_path):
    loaded, lib = scenarios()
    from datetime import datetime, timedelta, timezone
    odd = write_transcript(tmp_path / "odd.jsonl", loaded["e8"], lib, session="y0001", trainee="Dries Janssens",
                           started=datetime(1, 1, 1, 0, 10, tzinfo=timezone(timedelta(hours=1))), actions=PATHS["good"])
    result = plateau("import", str(odd), "--lang", "en")
    assert (result.returncode, result.stdout) == (0, "1 transcripts: 1 added, 0 updated, 0 already there, 0 refused.\n")
    assert sessions() == ["y0001"]


def test_a_transcript_reusing_a_recorded_session_id_is_refused_not_updated(collected, tmp_path):
    plateau("import", str(collected), "--scenarios", str(DESK))
    loaded, lib = scenarios()
    session, trainee, *_ = CLASS[0]
    copy = write_transcript(tmp_path / "copy.jsonl", loaded["e8"], lib, session=session, trainee="Zoë Claes",
                            started=MONDAYS[2], actions=PATHS["good"])
    result = plateau("import", str(copy), "--lang", "en")
    assert result.stdout.splitlines() == [
        f"{copy}: refused, another call is already recorded under the same id ({session}); this file does not continue "
        "it, so it does not replace it. Check that it was not copied or edited.",
        "1 transcripts: 0 added, 0 updated, 0 already there, 1 refused."]
    with Store() as store:
        assert [r.trainee for r in store.sessions() if r.session == session] == [trainee]


def test_a_file_far_too_large_to_be_a_transcript_is_refused_before_it_is_read(collected, tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as f:  # 65 MB that take no room on disk: only its size is looked at
        f.truncate(65 * 1024 * 1024)
    good = sorted((collected / "amélie").glob("*.jsonl"))

    result = plateau("import", str(huge), *map(str, good), "--lang", "en", "--scenarios", str(DESK))

    assert result.stdout.splitlines()[0] == f"{huge}: refused, far too large to be a transcript (over 64 MB)."
    assert len(sessions()) == len(good)
