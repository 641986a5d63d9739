"""xAPI 1.0.3 statements of recorded calls: their shapes, stable ids, actors, classes, export and push.

Every statement is also checked against Ralph's own pydantic models (run by Ralph's Python, in
`.ralph-venv`); the live round trip through a running Ralph is in test_lrs.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from simulator.importing import record_transcript
from simulator.roster import Entry, Roster
from simulator.store import Filters, Store
from simulator.xapi import ActorKind, Actors, class_activity, duration, install_salt, pseudonym, site_of, statements
from tests.fixtures.desk import ralph
from tests.fixtures.desk.classroom import CLASS, MONDAYS, PATHS, import_class, plateau, scenarios, write_transcript

SALT = "class-of-march"  # PLATEAU_XAPI_SALT in the tests that need a known pseudonym
AMELIE = "trainee-d36832a8f485d796"  # "Amélie Dupont" under that salt
EXT = "https://plateau.invalid/xapi/extensions/"
SITE = "https://plateau.invalid/"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "xapi.md"
XAPI_SOURCE = Path(__file__).resolve().parents[1] / "simulator" / "xapi.py"

# The class list of the test class, as the instructor's Excel saves it (cp1252, ';').
ROSTER_CSV = ("Stagiaire;E-mail;Identifiant\r\n"
              "Amélie Dupont;amelie.dupont@plateau-mons.be;adupont\r\n"
              "Bram Peeters;bram.peeters@plateau-mons.be;bpeeters\r\n"
              "Chloé Martin;chloe.martin@plateau-mons.be;cmartin\r\n"
              "Dries Janssens;dries.janssens@plateau-mons.be;djanssens\r\n")
ROSTER = Roster([Entry("Amélie Dupont", "amelie.dupont@plateau-mons.be", "adupont"),
                 Entry("Bram Peeters", "bram.peeters@plateau-mons.be", "bpeeters"),
                 Entry("Chloé Martin", "chloe.martin@plateau-mons.be", "cmartin"),
                 Entry("Dries Janssens", "dries.janssens@plateau-mons.be", "djanssens")])
BY_EMAIL = Actors(SITE, kind=ActorKind.EMAIL, roster=ROSTER)
MOODLE = "https://moodle.plateau-mons.be"
MONS = {"objectType": "Activity", "id": f"{SITE}classes/mons-2026-12",
        "definition": {"type": "http://activitystrea.ms/schema/1.0/group",
                       "name": {"fr": "Mons 2026-12", "nl": "Mons 2026-12", "en": "Mons 2026-12"}}}


@pytest.fixture
def salted(monkeypatch):
    monkeypatch.setenv("PLATEAU_XAPI_SALT", SALT)


@pytest.fixture
def three_calls(tmp_path, salted):
    """Amélie's calls on 2 March 2026: one failed, one passed, one stopped before its end."""
    loaded, lib = scenarios()
    for session, path in (("a1000000001", "curt"), ("a1000000003", "good"), ("c3000000003", "abandoned")):
        record_transcript(write_transcript(tmp_path / f"{session}.jsonl", loaded["e8"], lib, session=session,
                                           trainee="Amélie Dupont", started=MONDAYS[0], actions=PATHS[path]))
    return loaded["e8"].content_hash


@pytest.fixture
def class_store(tmp_path):
    import_class(tmp_path / "class")


@pytest.fixture
def class_roster(tmp_path):
    """The class list imported with 'plateau roster import', as the instructor does."""
    path = tmp_path / "classe-mons.csv"
    path.write_bytes(ROSTER_CSV.encode("cp1252"))
    result = plateau("roster", "import", str(path), "--lang", "en")
    assert result.returncode == 0, result.stderr


def exported(*, real_names: bool = False, site: str | None = None, actors: Actors | None = None,
             class_name: str | None = None) -> dict[str, list[dict]]:
    """{session: its statements} from the data directory's store."""
    actors = actors or Actors(site_of(site), b"" if real_names else install_salt(), real_names)
    with Store() as store:
        rows = store.sessions(Filters())
        made = statements(store, Filters(), actors, sessions=rows, class_name=class_name)
        return {row.session: batch for row, (_, batch) in zip(rows, made)}


def verb(statement: dict) -> str:
    return statement["verb"]["display"]["en"]


E8_TITLE = {"fr": "Pneu crevé sur l'E8 à Tromsø", "nl": "Lekke band op de E8 bij Tromsø", "en": "Flat tyre on the E8 near Tromsø"}
SCENARIO = {"objectType": "Activity", "id": f"{SITE}scenarios/e8-flat-tyre",
            "definition": {"type": "http://adlnet.gov/expapi/activities/simulation", "name": E8_TITLE}}
RUBRIC = {"objectType": "Activity", "id": f"{SITE}rubrics/roadside",
          "definition": {"name": {"fr": "Assistance routière", "nl": "Pechverhelping", "en": "Roadside assistance"}}}
COURSE = {"objectType": "Activity", "id": f"{SITE}course",
          "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                         "name": {"fr": "Plateau : appels d'assistance", "nl": "Plateau: assistance-oproepen",
                                  "en": "Plateau: assistance calls"}}}
ACTOR = {"objectType": "Agent", "account": {"homePage": SITE, "name": AMELIE}}


# ------------------------------------------------------------------ shapes


def test_a_decision_is_one_answered_statement_with_the_option_and_its_step(three_calls):
    curt = exported()["a1000000001"]
    assert [verb(s) for s in curt] == ["answered"] * 5 + ["completed", "failed"]
    # Asking for the plate before the safety check is the wrong choice (curt, and before the step the protocol wants first).
    assert (curt[0]["result"]["response"], curt[0]["result"]["success"], curt[0]["result"]["extensions"][EXT + "points"]) == (
        "plate-first", False, -3.9)
    assert curt[1] == {
        "id": "d8a5eaf1-d937-5f6d-90d6-cbb4474c4709",
        "actor": ACTOR,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
                 "display": {"en": "answered", "fr": "a répondu", "nl": "antwoordde"}},
        "object": {
            "objectType": "Activity", "id": f"{SITE}scenarios/e8-flat-tyre/lies/safety",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice",
                "name": {"fr": "Pneu crevé sur l'E8 à Tromsø · safety", "nl": "Lekke band op de E8 bij Tromsø · safety",
                         "en": "Flat tyre on the E8 near Tromsø · safety"},
                "choices": [
                    {"id": "off-road", "description": {"fr": "Gilet, puis loin de la route, derrière le rail.",
                                                       "nl": "Fluohesje aan en weg van de weg, achter de vangrail.",
                                                       "en": "Vest on, then away from the road, behind the rail."}},
                    {"id": "where", "description": {"fr": "Où êtes-vous exactement ?", "nl": "Waar staat u precies?",
                                                    "en": "Where are you exactly?"}},
                    {"id": "note-plate", "description": {"fr": "J'encode votre plaque.", "nl": "Ik noteer uw nummerplaat.",
                                                         "en": "I'll take down your plate."}},
                    {"id": "stay-in-car", "description": {"fr": "Restez dans la voiture.", "nl": "Blijf in de wagen.",
                                                          "en": "Stay in the car."}}]}},
        # The safety check itself, even after asking for the plate: the order deviation is the plate question (turn 2),
        # so this choice loses nothing and is a success.
        "result": {"response": "off-road", "success": True,
                   "extensions": {EXT + "option": "off-road", EXT + "kind": "option", EXT + "points": 0.0,
                                  EXT + "step": "safety_check", EXT + "tone": "reassuring"}},
        "context": {"registration": "d550a706-e051-5b08-b65e-421fdaaf7c62", "platform": "Plateau 0.1.0", "revision": "1",
                    "contextActivities": {"parent": [SCENARIO], "grouping": [COURSE, RUBRIC]},
                    "language": "fr",
                    "extensions": {EXT + "session": "a1000000001", EXT + "content-hash": three_calls,
                                   EXT + "mode": "practice", EXT + "turn": 3, EXT + "case": "lies",
                                   EXT + "simulated-minutes": 0.5}},
        "timestamp": "2026-03-02T08:31:00+00:00",
        "version": "1.0.3",
    }


def test_a_provider_picked_is_answered_with_the_dispatch_step(three_calls):
    good = exported()["a1000000003"]
    picked = good[5]
    assert (picked["object"]["id"], picked["result"]) == (
        f"{SITE}scenarios/e8-flat-tyre/lies/safety/provider",
        {"response": "desk-ramfjord-berging", "success": True,
         "extensions": {EXT + "option": "desk-ramfjord-berging", EXT + "kind": "provider", EXT + "points": 0.0,
                        EXT + "step": "dispatch"}})
    assert picked["object"]["definition"]["name"]["en"] == "Flat tyre on the E8 near Tromsø · dispatch"


def test_a_finished_call_is_completed_then_failed_with_its_score_pass_mark_and_missed_steps(three_calls):
    completed, failed = exported()["a1000000001"][-2:]
    context = {"registration": "d550a706-e051-5b08-b65e-421fdaaf7c62", "platform": "Plateau 0.1.0", "revision": "1",
               "contextActivities": {"grouping": [COURSE, RUBRIC]}, "language": "fr",
               "extensions": {EXT + "session": "a1000000001", EXT + "content-hash": three_calls, EXT + "mode": "practice"}}
    assert completed == {
        "id": "87948f7b-bf58-5a15-afcd-63cc7dc6af3a", "actor": ACTOR,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed",
                 "display": {"en": "completed", "fr": "a terminé", "nl": "voltooide"}},
        "object": SCENARIO,
        "result": {"completion": True, "duration": "PT2M"},
        "context": context, "timestamp": "2026-03-02T08:32:00+00:00", "version": "1.0.3"}
    assert failed == {
        "id": "8e35b3c8-bf90-5e60-9bbb-a56ef49d84ad", "actor": ACTOR,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/failed",
                 "display": {"en": "failed", "fr": "a échoué", "nl": "zakte voor"}},
        "object": SCENARIO,
        "result": {"score": {"scaled": 0.49, "raw": 49.0, "min": 0, "max": 100}, "success": False, "duration": "PT2M",
                   "extensions": {EXT + "ending": "resolved", EXT + "outcome": "resolved", EXT + "compliance": "non_compliant",
                                  EXT + "critical-failures": ["locate", "safety_check"],
                                  EXT + "criteria": {"calm": 70.0, "case_file": 0.0, "language": 100.0, "procedure": 49.0,
                                                     "provider": 100.0, "timing": 80.0},
                                  EXT + "simulated-minutes": 3.5,
                                  EXT + "pass-mark": 70.0,
                                  EXT + "missed-steps": [
                                      {"case": "lies", "step": "greet", "critical": False},
                                      {"case": "lies", "step": "locate", "critical": True},
                                      {"case": "lies", "step": "record", "critical": False},
                                      {"case": "lies", "step": "safety_advice", "critical": False}]}},
        "context": context, "timestamp": "2026-03-02T08:32:00+00:00", "version": "1.0.3"}


def test_only_completed_carries_completion_and_only_the_verdict_carries_success_and_score_as_cmi5_requires(class_store):
    seen = set()
    for batch in exported().values():
        for s in batch:
            name = verb(s)
            if name == "answered":
                continue
            seen.add((name, "completion" in s["result"], "success" in s["result"], "score" in s["result"],
                      "duration" in s["result"]))
    assert seen == {("completed", True, False, False, True), ("passed", False, True, True, True),
                    ("failed", False, True, True, True), ("suspended", False, False, False, True)}


def test_a_passed_call_has_a_decimal_scaled_score_success_and_no_step_missed(three_calls):
    passed = exported()["a1000000003"][-1]
    assert (verb(passed), passed["verb"]["id"]) == ("passed", "http://adlnet.gov/expapi/verbs/passed")
    assert {k: v for k, v in passed["result"].items() if k != "extensions"} == {
        "score": {"scaled": 0.947, "raw": 94.7, "min": 0, "max": 100}, "success": True, "duration": "PT3M"}
    extensions = passed["result"]["extensions"]
    assert (extensions[EXT + "critical-failures"], extensions[EXT + "pass-mark"], extensions[EXT + "missed-steps"]) == (
        [], 70.0, [{"case": "lies", "step": "identify", "critical": False},
                   {"case": "lies", "step": "safety_advice", "critical": False}])


def test_a_call_stopped_before_its_end_is_one_suspended_statement_without_decisions_or_verdict(three_calls):
    suspended = exported()["c3000000003"]
    assert [verb(s) for s in suspended] == ["suspended"]
    assert suspended[0]["verb"] == {"id": "https://w3id.org/xapi/adl/verbs/suspended",
                                    "display": {"en": "suspended", "fr": "a suspendu", "nl": "onderbrak"}}
    assert suspended[0]["result"] == {
        "duration": "PT1M",
        "extensions": {EXT + "compliance": "non_compliant", EXT + "critical-failures": ["locate", "dispatch"],
                       EXT + "criteria": {"calm": 94.0, "case_file": 0.0, "language": 100.0, "procedure": 23.5,
                                          "provider": 0.0, "timing": 20.0},
                       EXT + "simulated-minutes": 1.5}}


@pytest.mark.parametrize("seconds, text", [
    (0, "PT0S"), (0.4, "PT0S"), (59, "PT59S"), (60, "PT1M"), (100, "PT1M40S"), (3600, "PT1H"), (3725, "PT1H2M5S"),
    (-5, "PT0S"),
])
def test_durations_are_iso_8601(seconds, text):
    assert duration(seconds) == text


# ------------------------------------------------------------------ the course and the class


def test_every_statement_is_grouped_under_the_course_the_class_and_the_rubric(three_calls):
    batch = exported(class_name="Mons 2026-12")["a1000000001"]
    assert {json.dumps(s["context"]["contextActivities"]["grouping"], sort_keys=True) for s in batch} == {
        json.dumps([COURSE, MONS, RUBRIC], sort_keys=True)}
    assert [s["context"]["contextActivities"].get("parent") for s in batch] == [[SCENARIO]] * 5 + [None, None]


def test_without_a_class_statements_are_grouped_under_the_course_and_the_rubric(three_calls):
    batch = exported()["a1000000003"]
    assert all(s["context"]["contextActivities"]["grouping"] == [COURSE, RUBRIC] for s in batch)


@pytest.mark.parametrize("typed", ["Mons 2026-12", "  MONS   2026-12 ", "mons 2026-12"])
def test_a_class_is_one_activity_however_its_name_is_typed(typed):
    assert class_activity(SITE, typed)["id"] == f"{SITE}classes/mons-2026-12"


def test_a_class_name_with_accents_and_slashes_makes_a_valid_iri():
    assert class_activity(SITE, "Liège – soir 3/4")["id"] == f"{SITE}classes/liege-%E2%80%93-soir-3%2F4"
    assert class_activity(SITE, "Liège – soir 3/4")["definition"]["name"]["fr"] == "Liège – soir 3/4"


def test_the_class_is_not_part_of_statement_ids(three_calls):
    ids = lambda batches: [s["id"] for batch in batches.values() for s in batch]  # noqa: E731
    assert ids(exported(class_name="Mons 2026-12")) == ids(exported())


def test_an_empty_class_name_is_a_plain_error(three_calls):
    result = plateau("export", "--xapi", "-", "--class", "  ", "--lang", "nl")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == 'plateau: --class verwacht de naam van de klas, bijvoorbeeld --class "Gent 2026-12".\n'


# ------------------------------------------------------------------ ids


def test_the_same_session_exported_twice_has_the_same_statement_ids(class_store, salted, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert plateau("export", "--xapi", str(first), "--lang", "en", PLATEAU_XAPI_SALT=SALT).returncode == 0
    assert plateau("export", "--xapi", str(second), "--lang", "en", PLATEAU_XAPI_SALT=SALT).returncode == 0
    ids = [s["id"] for s in json.loads(first.read_text(encoding="utf-8"))]
    assert ids == [s["id"] for s in json.loads(second.read_text(encoding="utf-8"))]
    assert len(ids) == len(set(ids)) == 90


def test_ids_survive_a_new_store_built_from_the_same_transcripts(tmp_path, salted, monkeypatch):
    import_class(tmp_path / "class")
    before = {session: [s["id"] for s in batch] for session, batch in exported().items()}
    monkeypatch.setenv("PLATEAU_HOME", str(tmp_path / "another-machine"))
    import_class(tmp_path / "class-again")
    assert {session: [s["id"] for s in batch] for session, batch in exported().items()} == before


def test_ids_differ_by_site_and_by_how_trainees_are_named(three_calls):
    ids = lambda batches: {s["id"] for batch in batches.values() for s in batch}  # noqa: E731
    default = ids(exported())
    assert not default & ids(exported(site="https://forem.example/plateau"))
    assert not default & ids(exported(real_names=True))


# ------------------------------------------------------------------ actors


def test_actors_are_pseudonyms_from_a_salt_kept_in_the_data_directory(class_store, plateau_home, tmp_path):
    out = tmp_path / "statements.json"
    result = plateau("export", "--xapi", str(out), "--lang", "en")
    assert (result.returncode, result.stdout) == (0, f"90 xAPI statements for 13 calls: {out}\n")
    salt_file = plateau_home / "xapi-salt"
    salt = bytes.fromhex(salt_file.read_text(encoding="ascii"))
    assert len(salt) == 32
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    for name in ("Amélie", "Dupont", "Bram", "Peeters", "Chloé", "Martin", "Dries", "Janssens"):
        assert name not in text
    actors = {(s["actor"]["account"]["homePage"], s["actor"]["account"]["name"]) for s in json.loads(text)}
    expected = {(SITE, "trainee-" + hmac.new(salt, key.encode(), hashlib.sha256).hexdigest()[:16])
                for key in ("amelie dupont", "bram peeters", "chloe martin", "dries janssens")}
    assert actors == expected
    assert all("name" not in s["actor"] and "mbox" not in s["actor"] for s in json.loads(text))


def test_a_pseudonym_is_stable_for_a_name_however_it_is_typed_and_differs_between_installs():
    assert pseudonym("Amélie Dupont", SALT.encode()) == pseudonym("  AMELIE   dupont", SALT.encode()) == AMELIE
    assert pseudonym("Amélie Dupont", b"another install") != AMELIE
    assert pseudonym("Bram Peeters", SALT.encode()) != AMELIE


def test_the_salt_is_made_once_and_kept(plateau_home):
    first = install_salt()
    assert install_salt() == first
    assert (plateau_home / "xapi-salt").read_text(encoding="ascii") == first.hex() + "\n"


def test_real_names_are_an_explicit_choice(three_calls, tmp_path):
    out = tmp_path / "named.json"
    result = plateau("export", "--xapi", str(out), "--real-names", "--site", "https://forem.example/plateau",
                     "--lang", "fr")
    assert result.stdout == f"17 déclarations xAPI pour 3 appels : {out}\n"
    actors = {json.dumps(s["actor"], ensure_ascii=False) for s in json.loads(out.read_text(encoding="utf-8"))}
    assert actors == {json.dumps({"objectType": "Agent", "account": {"homePage": "https://forem.example/plateau/",
                                                                     "name": "Amélie Dupont"},
                                  "name": "Amélie Dupont"}, ensure_ascii=False)}


def test_actor_email_names_each_trainee_by_the_address_of_the_class_list(class_store, class_roster):
    result = plateau("export", "--xapi", "-", "--actor", "email")
    assert result.returncode == 0, result.stderr
    actors = {json.dumps(s["actor"], ensure_ascii=False, sort_keys=True) for s in json.loads(result.stdout)}
    assert actors == {json.dumps({"objectType": "Agent", "name": name, "mbox": f"mailto:{address}"},
                                 ensure_ascii=False, sort_keys=True)
                      for name, address in (("Amélie Dupont", "amelie.dupont@plateau-mons.be"),
                                            ("Bram Peeters", "bram.peeters@plateau-mons.be"),
                                            ("Chloé Martin", "chloe.martin@plateau-mons.be"),
                                            ("Dries Janssens", "dries.janssens@plateau-mons.be"))}


def test_actor_account_names_each_trainee_by_their_lms_username_on_the_homepage(class_store, class_roster):
    result = plateau("export", "--xapi", "-", "--actor", "account", "--homepage", MOODLE, "--trainee", "chloe martin")
    assert result.returncode == 0, result.stderr
    assert {json.dumps(s["actor"], ensure_ascii=False) for s in json.loads(result.stdout)} == {json.dumps(
        {"objectType": "Agent", "name": "Chloé Martin", "account": {"homePage": MOODLE, "name": "cmartin"}},
        ensure_ascii=False)}


def test_ids_differ_between_pseudonyms_addresses_and_accounts(three_calls):
    ids = lambda batches: {s["id"] for batch in batches.values() for s in batch}  # noqa: E731
    by_account = Actors(SITE, kind=ActorKind.ACCOUNT, homepage=MOODLE, roster=ROSTER)
    pseudonyms, addresses, accounts = ids(exported()), ids(exported(actors=BY_EMAIL)), ids(exported(actors=by_account))
    assert not pseudonyms & addresses and not pseudonyms & accounts and not addresses & accounts


def test_a_trainee_missing_from_the_class_list_stops_the_export_naming_them_and_how_to_fix_it(class_store, tmp_path):
    partial = tmp_path / "partiel.csv"
    partial.write_bytes("Stagiaire;E-mail\r\nAmélie Dupont;amelie.dupont@plateau-mons.be\r\n"
                        "Chloé Martin;chloe.martin@plateau-mons.be\r\n".encode("cp1252"))
    assert plateau("roster", "import", str(partial), "--lang", "fr").returncode == 0
    out = tmp_path / "declarations.json"
    result = plateau("export", "--xapi", str(out), "--actor", "email", "--lang", "fr")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "plateau : la liste de la classe n'a pas d'adresse e-mail pour Bram Peeters, Dries Janssens. Ajoutez-les à "
        "votre liste (colonnes stagiaire;email), lancez plateau roster import FICHIER.csv, puis recommencez ; ou ne "
        "prenez que les appels des autres avec --trainee NOM.\n")
    assert not out.exists()


def test_a_class_list_with_addresses_only_cannot_name_lms_accounts(class_store, tmp_path):
    addresses = tmp_path / "adressen.csv"
    addresses.write_text("cursist,e-mailadres\nBram Peeters,bram.peeters@plateau-mons.be\n", encoding="utf-8")
    assert plateau("roster", "import", str(addresses), "--lang", "nl").returncode == 0
    result = plateau("export", "--xapi", "-", "--actor", "account", "--homepage", MOODLE, "--trainee", "bram peeters",
                     "--lang", "en")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "plateau: the class list has no username for Bram Peeters. Add them to your list (columns trainee;username), "
        "run plateau roster import FILE.csv, then try again; or take only the others' calls with --trainee NAME.\n")


@pytest.mark.parametrize("args, message", [
    (["--actor", "account"], "plateau: with --actor account, give the platform's address with --homepage URL, as the "
                             "platform writes it (for example https://moodle.centre.be), or the PLATEAU_XAPI_HOMEPAGE "
                             "variable.\n"),
    (["--actor", "account", "--homepage", "moodle.plateau-mons.be"],
     "plateau: 'moodle.plateau-mons.be' is not an http(s) address; give the platform's, for example "
     "https://moodle.centre.be.\n"),
    (["--actor", "email", "--homepage", MOODLE],
     "plateau: --homepage goes with --actor account (the address of the platform the accounts are on).\n"),
    (["--actor", "email", "--real-names"],
     "plateau: --real-names goes with --actor pseudonym; with --actor email the name already comes from the class list.\n"),
])
def test_actor_flags_that_do_not_go_together_are_plain_errors(class_store, class_roster, args, message):
    result = plateau("export", "--xapi", "-", *args, "--lang", "en", PLATEAU_XAPI_HOMEPAGE="")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


# ------------------------------------------------------------------ export


def test_export_follows_the_results_filters_and_can_write_to_the_screen(class_store, salted):
    result = plateau("export", "--xapi", "-", "--trainee", "bram peeters", "--since", "2026-03-16", "--failed")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    result = plateau("export", "--xapi", "-", "--trainee", "bram peeters", "--since", "2026-03-16")
    sessions = [s["context"]["extensions"][EXT + "session"] for s in json.loads(result.stdout)]
    assert sorted(set(sessions)) == ["b2000000003", "b2000000004"]
    assert [verb(s) for s in json.loads(result.stdout) if s["context"]["extensions"][EXT + "session"] == "b2000000004"] == [
        "answered", "answered", "completed", "passed"]


def test_every_call_of_the_class_gives_its_decisions_then_its_verdict(class_store):
    batches = exported()
    assert sorted(batches) == sorted(session for session, *_ in CLASS)
    for session, batch in batches.items():
        verbs = [verb(s) for s in batch]
        ending = ["suspended"] if session == "c3000000003" else ["completed", verbs[-1]]
        assert verbs == ["answered"] * (len(verbs) - len(ending)) + ending
        assert verbs[-1] in ("passed", "failed", "suspended")
        assert len({s["context"]["registration"] for s in batch}) == 1


# ------------------------------------------------------------------ Ralph's own models

VALIDATE = r"""
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement
from ralph.models.xapi.concepts.verbs.adl_vocabulary import AnsweredVerb
from ralph.models.xapi.concepts.verbs.scorm_profile import CompletedVerb
from ralph.models.xapi.concepts.activity_types.scorm_profile import CMIInteractionActivityDefinition

known = {"answered": AnsweredVerb, "completed": CompletedVerb}
report = []
for s in json.load(sys.stdin):
    try:
        model = BaseXapiStatement(**s)
        name = s["verb"]["display"]["en"]
        if name in known:  # the verb's IRI is the one Ralph's vocabulary knows (its display there is en-US only)
            known[name](id=s["verb"]["id"])
        if name == "answered":
            CMIInteractionActivityDefinition(**{k: v for k, v in s["object"]["definition"].items()
                                          if k in ("type", "name", "description")})
        report.append([s["id"], "valid", type(model.object.definition).__name__])
    except ValidationError as exc:
        report.append([s["id"], "invalid", exc.errors()[0]["msg"]])
print(json.dumps(report))
"""


def validate_with_ralph(statements_: list[dict]) -> list[list[str]]:
    result = ralph.run_python(VALIDATE, json.dumps(statements_, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def ralph_models():
    reason = ralph.missing()
    if reason:
        pytest.skip(reason)


@pytest.mark.parametrize("real_names", [False, True], ids=["pseudonyms", "real-names"])
def test_every_statement_of_the_class_is_valid_for_ralphs_models(class_store, ralph_models, real_names):
    flat = [s for batch in exported(real_names=real_names).values() for s in batch]
    report = validate_with_ralph(flat)
    assert [verdict for _, verdict, _ in report] == ["valid"] * 90
    kinds = {s["verb"]["display"]["en"]: kind for s, (_, _, kind) in zip(flat, report)}
    assert kinds == {"answered": "BaseXapiActivityInteractionDefinition", "completed": "BaseXapiActivityDefinition",
                     "passed": "BaseXapiActivityDefinition", "failed": "BaseXapiActivityDefinition",
                     "suspended": "BaseXapiActivityDefinition"}


def test_statements_naming_trainees_by_address_in_a_class_are_valid_for_ralphs_models(class_store, ralph_models):
    flat = [s for batch in exported(actors=BY_EMAIL, class_name="Mons 2026-12").values() for s in batch]
    assert [verdict for _, verdict, _ in validate_with_ralph(flat)] == ["valid"] * 90


def test_ralphs_models_do_refuse_a_broken_statement(three_calls, ralph_models):
    failed = exported()["a1000000001"][-1]
    broken = [json.loads(json.dumps(failed)) for _ in range(3)]
    broken[0]["result"]["score"]["scaled"] = 4.9  # above 1
    broken[1]["result"]["duration"] = "two minutes"
    broken[2]["context"]["platform"] = ""
    assert [verdict for _, verdict, _ in validate_with_ralph(broken)] == ["invalid"] * 3


# ------------------------------------------------------------------ sending, to a stand-in LRS on this machine


class StubLRS:
    """A minimal xAPI statements resource on 127.0.0.1: keeps one copy per id, as an LRS does, answers a POST with
    the ids it stored now (none for those it held), and a GET ?statementId=ID with that statement (404 if it has
    none), as xAPI 1.0.3 asks.

    `failures` are the statuses to answer to the next POSTs instead of storing (None: store).
    """

    def __init__(self):
        self.stored: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.reads: list[str] = []  # the ids asked for with GET
        self.failures: list[int | None] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                [wanted] = query["statementId"]
                stub.reads.append(wanted)
                if self.headers["Authorization"] != "Basic " + base64.b64encode(b"centre:s3cret").decode():
                    return self.answer(401, {"detail": "Invalid authentication credentials"})
                if wanted not in stub.stored:
                    return self.answer(404, {"detail": "No statement with this id"})
                return self.answer(200, stub.stored[wanted])

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"auth": self.headers["Authorization"], "version": self.headers["X-Experience-API-Version"],
                                      "ids": [s["id"] for s in body]})
                failure = stub.failures.pop(0) if stub.failures else None
                if failure:
                    return self.answer(failure, {"detail": "try again later"})
                if self.headers["Authorization"] != "Basic " + base64.b64encode(b"centre:s3cret").decode():
                    return self.answer(401, {"detail": "Invalid authentication credentials"})
                if any(s["id"] in stub.stored and stub.stored[s["id"]] != s for s in body):
                    return self.answer(409, {"detail": "Differing statements already exist with the same ID"})
                new = [s for s in body if s["id"] not in stub.stored]
                stub.stored.update((s["id"], s) for s in new)
                return self.answer(200, [s["id"] for s in new])

            def answer(self, status: int, payload) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lrs():
    stub = StubLRS()
    yield stub
    stub.close()


def push(lrs: StubLRS, *args: str, password: str = "s3cret"):
    return plateau("push", "--lrs", lrs.url, "--user", "centre", "--wait", "0", "--lang", "en", *args,
                   PLATEAU_LRS_PASSWORD=password, PLATEAU_XAPI_SALT=SALT)


def test_push_sends_batches_with_basic_auth_and_the_xapi_version(class_store, lrs):
    result = push(lrs, "--batch", "40")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"90 statements of 13 calls sent to {lrs.url}statements in 3 requests: "
                             "90 stored, 0 already there.\n")
    assert [len(r["ids"]) for r in lrs.requests] == [40, 40, 10]
    assert {(r["auth"], r["version"]) for r in lrs.requests} == {("Basic Y2VudHJlOnMzY3JldA==", "1.0.3")}
    assert len(lrs.stored) == 90


def test_a_second_push_sends_only_what_the_lrs_has_not_had(class_store, lrs, tmp_path):
    push(lrs)
    assert push(lrs).stdout == "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "e1.jsonl", loaded["e8"], lib, session="e1000000001",
                                       trainee="Emma Claes", started=MONDAYS[2], actions=PATHS["good"]))
    assert push(lrs).stdout == (f"9 statements of 1 calls sent to {lrs.url}statements in 1 requests: "
                                "9 stored, 0 already there.\n")
    assert push(lrs, "--all").stdout == (f"99 statements of 14 calls sent to {lrs.url}statements in 2 requests: "
                                         "0 stored, 99 already there.\n")
    assert len(lrs.stored) == 99


def test_a_passing_failure_is_retried_and_nothing_is_duplicated(class_store, lrs):
    lrs.failures = [None, 503, 502]
    result = push(lrs, "--batch", "50")
    assert result.returncode == 0
    assert result.stdout == (f"90 statements of 13 calls sent to {lrs.url}statements in 4 requests: "
                             "90 stored, 0 already there.\n"
                             "2 retries after a passing error.\n")
    assert [len(r["ids"]) for r in lrs.requests] == [50, 40, 40, 40]
    assert len(lrs.stored) == 90


def test_an_lrs_that_stays_down_stops_the_push_and_the_calls_it_stored_whole_are_not_sent_again(class_store, salted, lrs):
    lrs.failures = [None, 503, 503]
    result = push(lrs, "--batch", "50", "--retries", "1")
    assert result.returncode == 1
    assert result.stdout == (f"50 statements of 13 calls sent to {lrs.url}statements in 3 requests: "
                             "50 stored, 0 already there.\n"
                             "1 retry after a passing error.\n")
    assert result.stderr == (f"plateau: the LRS at {lrs.url}statements did not take the statements after 2 tries (503). "
                             "Nothing is lost: run the same push again later; statements already sent are not duplicated.\n")

    first = set(lrs.requests[0]["ids"])
    rest = [s["id"] for batch in exported().values() if not {s["id"] for s in batch} <= first for s in batch]
    again = len(set(rest) & first)  # the call cut in two by the failure is sent whole
    assert again > 0
    result = push(lrs, "--batch", "50")
    assert [i for r in lrs.requests[3:] for i in r["ids"]] == rest
    assert result.stdout.endswith(f"{len(rest) - again} stored, {again} already there.\n")
    assert len(lrs.stored) == 90


def test_a_call_resumed_after_a_push_keeps_one_registration_with_one_verdict(tmp_path, salted, lrs):
    loaded, lib = scenarios()
    stopped = PATHS["curt"][:3]  # Amélie quits after two choices, the statements go, then she resumes and finishes
    record_transcript(write_transcript(tmp_path / "stopped.jsonl", loaded["e8"], lib, session="a1000000009",
                                       trainee="Amélie Dupont", started=MONDAYS[1], actions=stopped))
    assert push(lrs).stdout == (f"1 statements of 1 calls sent to {lrs.url}statements in 1 requests: "
                                "1 stored, 0 already there.\n")
    record_transcript(write_transcript(tmp_path / "resumed.jsonl", loaded["e8"], lib, session="a1000000009",
                                       trainee="Amélie Dupont", started=MONDAYS[1], actions=PATHS["curt"]))
    result = push(lrs)
    assert (result.returncode, result.stdout) == (0, f"7 statements of 1 calls sent to {lrs.url}statements in 1 requests: "
                                                     "7 stored, 0 already there.\n")
    held = list(lrs.stored.values())
    assert len({s["context"]["registration"] for s in held}) == 1
    assert Counter(verb(s) for s in held) == {"suspended": 1, "answered": 5, "completed": 1, "failed": 1}


def test_push_with_actor_email_sends_nothing_when_a_trainee_is_not_in_the_class_list(class_store, lrs):
    result = push(lrs, "--actor", "email")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("plateau: the class list has no e-mail address for Amélie Dupont, Bram Peeters, "
                                    "Chloé Martin, Dries Janssens. ")
    assert lrs.requests == []


def test_a_call_keeps_the_class_it_was_first_sent_with(class_store, lrs):
    push(lrs, "--batch", "100")
    assert push(lrs, "--class", "Mons 2026-12").stdout == (
        "Nothing to send: these calls are already in this LRS (--all sends them all again).\n")
    result = push(lrs, "--class", "Mons 2026-12", "--all", "--trainee", "Chloé Martin")
    assert (result.returncode, result.stdout) == (1, (
        f"0 statements of 3 calls sent to {lrs.url}statements in 37 requests: 0 stored, 0 already there.\n"
        "19 in conflict: the LRS holds these ids with other content (did the rubric or the class change since they "
        "were sent?).\n"))
    assert all("grouping" in s["context"]["contextActivities"] and MONS not in s["context"]["contextActivities"]["grouping"]
               for s in lrs.stored.values())


def test_wrong_credentials_are_a_clean_error(class_store, lrs):
    result = push(lrs, password="wrong")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "plateau: the LRS refused the credentials (401); check --user and the password.\n"
    assert lrs.stored == {}


def test_a_statement_the_lrs_holds_with_other_content_is_set_aside_and_the_others_go(class_store, lrs):
    first = json.loads(plateau("export", "--xapi", "-", PLATEAU_XAPI_SALT=SALT).stdout)
    changed = json.loads(json.dumps(first[10]))
    changed["result"]["extensions"][EXT + "points"] = -99
    lrs.stored[changed["id"]] = changed
    result = push(lrs, "--batch", "50")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"89 statements of 13 calls sent to {lrs.url}statements in 14 requests: 89 stored, 0 already there.",
        "1 in conflict: the LRS holds these ids with other content (did the rubric or the class change since they were sent?)."]
    assert lrs.stored[changed["id"]] == changed


# ------------------------------------------------------------------ a call sent to the LRS as it ends

CALL_ANSWERS = """\
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


def play(tmp_path, *args: str, answers: str = CALL_ANSWERS, **env: str):
    """`plateau play` of the E411 call, scripted, as Amélie; `env` configures the LRS."""
    from tests.conftest import E411
    path = tmp_path / "answers.yaml"
    path.write_text(answers, encoding="utf-8")
    return plateau("play", str(E411), "--answers", str(path), "--json", "--trainee", "Amélie Dupont", *args,
                   PLATEAU_XAPI_SALT=SALT, **env)


LIVE = {"PLATEAU_LRS_USER": "centre", "PLATEAU_LRS_PASSWORD": "s3cret"}


def test_a_call_is_sent_to_the_lrs_as_it_ends_and_the_next_push_has_nothing_to_send(tmp_path, lrs):
    result = play(tmp_path, "--lrs", lrs.url, **LIVE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] == {"overall": 94.7, "passed": True}  # the JSON stays whole
    held = list(lrs.stored.values())
    assert Counter(verb(s) for s in held) == {"answered": 7, "completed": 1, "passed": 1}
    assert result.stderr == f"Sent to the LRS ({lrs.url}statements): 9 statements.\n"
    assert push(lrs).stdout == "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"


def test_a_call_is_sent_to_the_lrs_the_environment_names(tmp_path, lrs):
    result = play(tmp_path, PLATEAU_LRS=lrs.url, **LIVE)
    assert result.returncode == 0, result.stderr
    assert len(lrs.stored) == 9


def test_a_call_stopped_before_its_end_is_sent_as_suspended(tmp_path, lrs):
    import subprocess
    import sys

    from tests.conftest import E411
    env = {**os.environ, "NO_COLOR": "1", "PLATEAU_LRS": lrs.url, "PLATEAU_XAPI_SALT": SALT, **LIVE}
    result = subprocess.run([sys.executable, "-m", "simulator", "play", str(E411), "--plain", "--trainee", "Amélie Dupont",
                             "--lang", "en"], input="1\n", capture_output=True, text=True, encoding="utf-8", env=env,
                            timeout=60)  # one answer, then the input ends: the call is stopped and saved
    assert result.returncode == 130, result.stderr
    assert [verb(s) for s in lrs.stored.values()] == ["suspended"]
    assert "Sent to the LRS" in result.stderr


def test_an_lrs_that_cannot_be_reached_loses_nothing_and_the_call_goes_with_the_next_push(tmp_path, lrs):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/xAPI/"  # nothing listens there once the socket is closed
    result = play(tmp_path, "--lrs", closed, **LIVE)
    assert result.returncode == 0
    assert json.loads(result.stdout)["score"]["passed"] is True
    assert result.stderr == (f"plateau: call not sent to the LRS yet: the LRS at {closed}statements did not take the "
                             "statements after 2 tries ([Errno 111] Connection refused). It is saved, and goes with the "
                             "next plateau push.\n")
    assert json.loads(plateau("results", "--json").stdout)[0]["passed"] is True  # recorded all the same
    assert push(lrs).stdout == f"9 statements of 1 calls sent to {lrs.url}statements in 1 requests: 9 stored, 0 already there.\n"


@pytest.mark.parametrize("missing, why", [
    ("PLATEAU_LRS_PASSWORD", "no password is configured (PLATEAU_LRS_PASSWORD)."),
    ("PLATEAU_LRS_USER", "no user is configured (PLATEAU_LRS_USER)."),
])
def test_without_credentials_configured_play_asks_nothing_and_says_the_call_waits(tmp_path, lrs, missing, why):
    env = {k: v for k, v in LIVE.items() if k != missing}
    result = play(tmp_path, "--lrs", lrs.url, **env)
    assert result.returncode == 0
    assert result.stderr == f"plateau: call not sent to the LRS yet: {why} It is saved, and goes with the next plateau push.\n"
    assert lrs.requests == []


def test_an_lrs_that_does_not_confirm_leaves_the_call_for_the_next_push(tmp_path, lrs):
    lrs.server.RequestHandlerClass.do_POST = lambda handler: handler.answer(200, "<html>ok</html>")  # stores nothing
    result = play(tmp_path, "--lrs", lrs.url, **LIVE)
    assert result.returncode == 0
    assert result.stderr == ("plateau: call not sent to the LRS yet: the LRS did not confirm 9 statements. It is saved, "
                             "and goes with the next plateau push.\n")
    with Store() as store:
        assert store.pushed(f"{lrs.url}statements", "pseudonyms") == set()


def test_a_password_in_the_lrs_address_is_never_shown_at_the_end_of_a_call(tmp_path, lrs):
    address = lrs.url.replace("http://", "http://centre:pa55-in-url@")
    result = play(tmp_path, "--lrs", address, **LIVE)
    assert result.returncode == 0
    assert "pa55" not in result.stderr + result.stdout
    assert result.stderr.startswith("plateau: call not sent to the LRS yet: the LRS address holds a user name or "
                                    "password (…@);")
    assert lrs.requests == []


def test_push_needs_an_lrs_a_user_and_a_password(class_store):
    result = plateau("push", "--lang", "en")
    assert (result.returncode, result.stderr) == (1, "plateau: name the LRS with --lrs URL (or the PLATEAU_LRS variable).\n")
    result = plateau("push", "--lrs", "http://127.0.0.1:9/xAPI/", "--lang", "en")
    assert result.stderr == "plateau: name the LRS user with --user (or the PLATEAU_LRS_USER variable).\n"
    result = plateau("push", "--lrs", "http://127.0.0.1:9/xAPI/", "--user", "centre", "--lang", "en")
    assert result.stderr == "plateau: give the LRS password in the PLATEAU_LRS_PASSWORD variable (or --password).\n"
    result = plateau("push", "--lrs", "lrs.example.org", "--user", "centre", "--password", "x", "--lang", "en")
    assert result.stderr == ("plateau: 'lrs.example.org' is not an http(s) address of an LRS "
                             "(for example https://lrs.example.org/xAPI/).\n")


# ------------------------------------------------------------------ docs/xapi.md

EXAMPLE = re.compile(r"(<!-- example: ([a-z]+) -->\n```json\n)(.*?)(```)", re.S)


def test_the_example_statements_in_the_docs_are_what_plateau_sends(three_calls):
    """docs/xapi.md shows statements made by this code; PLATEAU_WRITE_DOCS=1 writes them again after a change."""
    made = exported(actors=BY_EMAIL, class_name="Mons 2026-12")
    examples = {"answered": made["a1000000001"][1], "completed": made["a1000000001"][-2],
                "failed": made["a1000000001"][-1], "suspended": made["c3000000003"][0]}
    text = DOCS.read_text(encoding="utf-8")
    written = EXAMPLE.sub(lambda m: m.group(1) + json.dumps(examples[m.group(2)], ensure_ascii=False, indent=2) + "\n"
                          + m.group(4), text)
    if os.environ.get("PLATEAU_WRITE_DOCS"):
        DOCS.write_text(written, encoding="utf-8")
        text = written
    assert sorted(m.group(2) for m in EXAMPLE.finditer(text)) == sorted(examples)
    assert text == written, "docs/xapi.md: run PLATEAU_WRITE_DOCS=1 pytest tests/test_xapi.py -k docs"


def test_the_docs_list_exactly_the_extension_iris_the_code_can_emit():
    can_emit = {EXT + name for name in re.findall(r'\bext\("([a-z-]+)"\)', XAPI_SOURCE.read_text(encoding="utf-8"))}
    listed = set(re.findall(r"^\| `(https://plateau\.invalid/xapi/extensions/[a-z-]+)` \|",
                            DOCS.read_text(encoding="utf-8"), re.M))
    assert len(can_emit) == 19
    assert listed == can_emit


def test_every_iri_in_the_statements_of_a_class_is_documented(class_store):
    text = DOCS.read_text(encoding="utf-8")
    iris = set()
    for batch in exported(actors=BY_EMAIL, class_name="Mons 2026-12").values():
        for s in batch:
            iris.add(s["verb"]["id"])
            activities = [s["object"], *s["context"]["contextActivities"].get("parent", []),
                          *s["context"]["contextActivities"]["grouping"]]
            iris.update(a["definition"]["type"] for a in activities if "type" in a["definition"])
            iris.update(s["result"].get("extensions", {}))
            iris.update(s["context"].get("extensions", {}))
    assert len(iris) == 5 + 4 + 18  # verbs, activity types, extensions (a class without 'breaks')
    assert sorted(i for i in iris if f"`{i}`" not in text) == []
