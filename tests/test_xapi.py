"""xAPI 1.0.3 statements of recorded calls: their shapes, stable ids, pseudonymous actors, export and push.

Every statement is also checked against Ralph's own pydantic models (run by Ralph's Python, in
`.ralph-venv`); the live round trip through a running Ralph is in test_lrs.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from simulator.store import Filters, Store, record_transcript
from simulator.xapi import Actors, duration, install_salt, pseudonym, site_of, statements
from tests.fixtures.desk import ralph
from tests.fixtures.desk.classroom import CLASS, MONDAYS, PATHS, import_class, plateau, scenarios, write_transcript

SALT = "class-of-march"  # PLATEAU_XAPI_SALT in the tests that need a known pseudonym
AMELIE = "trainee-d36832a8f485d796"  # "Amélie Dupont" under that salt
EXT = "https://plateau.invalid/xapi/extensions/"
SITE = "https://plateau.invalid/"


@pytest.fixture
def salted(monkeypatch):
    monkeypatch.setenv("PLATEAU_XAPI_SALT", SALT)


@pytest.fixture
def three_calls(tmp_path, salted):
    """Amélie's calls on 2 March 2026: one failed, one passed, one abandoned."""
    loaded, lib = scenarios()
    for session, path in (("a1000000001", "curt"), ("a1000000003", "good"), ("c3000000003", "abandoned")):
        record_transcript(write_transcript(tmp_path / f"{session}.jsonl", loaded["e8"], lib, session=session,
                                           trainee="Amélie Dupont", started=MONDAYS[0], actions=PATHS[path]))
    return loaded["e8"].content_hash


@pytest.fixture
def class_store(tmp_path):
    import_class(tmp_path / "class")


def exported(*, real_names: bool = False, site: str | None = None) -> dict[str, list[dict]]:
    """{session: its statements} from the data directory's store."""
    actors = Actors(site_of(site), b"" if real_names else install_salt(), real_names)
    with Store() as store:
        rows = store.sessions(Filters())
        return {row.session: batch for row, (_, batch) in zip(rows, statements(store, Filters(), actors, sessions=rows))}


def verb(statement: dict) -> str:
    return statement["verb"]["display"]["en"]


E8_TITLE = {"fr": "Pneu crevé sur l'E8 à Tromsø", "nl": "Lekke band op de E8 bij Tromsø", "en": "Flat tyre on the E8 near Tromsø"}
SCENARIO = {"objectType": "Activity", "id": f"{SITE}scenarios/e8-flat-tyre",
            "definition": {"type": "http://adlnet.gov/expapi/activities/simulation", "name": E8_TITLE}}
RUBRIC = {"objectType": "Activity", "id": f"{SITE}rubrics/roadside",
          "definition": {"name": {"fr": "Assistance routière", "nl": "Pechverhelping", "en": "Roadside assistance"}}}
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
                    "contextActivities": {"parent": [SCENARIO], "grouping": [RUBRIC]},
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


def test_a_finished_call_is_completed_then_failed_with_its_score_success_and_duration(three_calls):
    completed, failed = exported()["a1000000001"][-2:]
    context = {"registration": "d550a706-e051-5b08-b65e-421fdaaf7c62", "platform": "Plateau 0.1.0", "revision": "1",
               "contextActivities": {"grouping": [RUBRIC]}, "language": "fr",
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
        "result": {"score": {"scaled": 0.49, "raw": 49.0, "min": 0, "max": 100}, "success": False, "completion": True,
                   "duration": "PT2M",
                   "extensions": {EXT + "ending": "resolved", EXT + "outcome": "resolved", EXT + "compliance": "non_compliant",
                                  EXT + "critical-failures": ["locate", "safety_check"],
                                  EXT + "criteria": {"calm": 70.0, "case_file": 0.0, "language": 100.0, "procedure": 49.0,
                                                     "provider": 100.0, "timing": 80.0},
                                  EXT + "simulated-minutes": 3.5}},
        "context": context, "timestamp": "2026-03-02T08:32:00+00:00", "version": "1.0.3"}


def test_a_passed_call_has_a_decimal_scaled_score_and_success(three_calls):
    passed = exported()["a1000000003"][-1]
    assert (verb(passed), passed["verb"]["id"]) == ("passed", "http://adlnet.gov/expapi/verbs/passed")
    assert {k: passed["result"][k] for k in ("score", "success", "completion", "duration")} == {
        "score": {"scaled": 0.947, "raw": 94.7, "min": 0, "max": 100}, "success": True, "completion": True,
        "duration": "PT3M"}
    assert passed["result"]["extensions"][EXT + "critical-failures"] == []


def test_an_abandoned_call_is_one_abandoned_statement_without_a_score(three_calls):
    abandoned = exported()["c3000000003"]
    assert [verb(s) for s in abandoned] == ["answered", "answered", "abandoned"]
    assert abandoned[-1]["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/abandoned"
    assert abandoned[-1]["result"] == {
        "completion": False, "duration": "PT1M",
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


# ------------------------------------------------------------------ ids


def test_the_same_session_exported_twice_has_the_same_statement_ids(class_store, salted, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert plateau("export", "--xapi", str(first), "--lang", "en", PLATEAU_XAPI_SALT=SALT).returncode == 0
    assert plateau("export", "--xapi", str(second), "--lang", "en", PLATEAU_XAPI_SALT=SALT).returncode == 0
    ids = [s["id"] for s in json.loads(first.read_text(encoding="utf-8"))]
    assert ids == [s["id"] for s in json.loads(second.read_text(encoding="utf-8"))]
    assert len(ids) == len(set(ids)) == 92


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
    assert (result.returncode, result.stdout) == (0, f"92 xAPI statements for 13 calls: {out}\n")
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
    assert result.stdout == f"19 déclarations xAPI pour 3 appels : {out}\n"
    actors = {json.dumps(s["actor"], ensure_ascii=False) for s in json.loads(out.read_text(encoding="utf-8"))}
    assert actors == {json.dumps({"objectType": "Agent", "account": {"homePage": "https://forem.example/plateau/",
                                                                     "name": "Amélie Dupont"},
                                  "name": "Amélie Dupont"}, ensure_ascii=False)}


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
        ending = ["abandoned"] if session == "c3000000003" else ["completed", verbs[-1]]
        assert verbs == ["answered"] * (len(verbs) - len(ending)) + ending
        assert verbs[-1] in ("passed", "failed", "abandoned")
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
    assert [verdict for _, verdict, _ in report] == ["valid"] * 92
    kinds = {s["verb"]["display"]["en"]: kind for s, (_, _, kind) in zip(flat, report)}
    assert kinds == {"answered": "BaseXapiActivityInteractionDefinition", "completed": "BaseXapiActivityDefinition",
                     "passed": "BaseXapiActivityDefinition", "failed": "BaseXapiActivityDefinition",
                     "abandoned": "BaseXapiActivityDefinition"}


def test_ralphs_models_do_refuse_a_broken_statement(three_calls, ralph_models):
    failed = exported()["a1000000001"][-1]
    broken = [json.loads(json.dumps(failed)) for _ in range(3)]
    broken[0]["result"]["score"]["scaled"] = 4.9  # above 1
    broken[1]["result"]["duration"] = "two minutes"
    broken[2]["context"]["platform"] = ""
    assert [verdict for _, verdict, _ in validate_with_ralph(broken)] == ["invalid"] * 3


# ------------------------------------------------------------------ sending, to a stand-in LRS on this machine


class StubLRS:
    """A minimal xAPI statements resource on 127.0.0.1: keeps one copy per id, as an LRS does.

    `failures` are the statuses to answer to the next POSTs instead of storing (None: store).
    """

    def __init__(self):
        self.stored: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.failures: list[int | None] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

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
    assert result.stdout == (f"92 statements of 13 calls sent to {lrs.url}statements in 3 requests: "
                             "92 stored, 0 already there.\n")
    assert [len(r["ids"]) for r in lrs.requests] == [40, 40, 12]
    assert {(r["auth"], r["version"]) for r in lrs.requests} == {("Basic Y2VudHJlOnMzY3JldA==", "1.0.3")}
    assert len(lrs.stored) == 92


def test_a_second_push_sends_only_what_the_lrs_has_not_had(class_store, lrs, tmp_path):
    push(lrs)
    assert push(lrs).stdout == "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "e1.jsonl", loaded["e8"], lib, session="e1000000001",
                                       trainee="Emma Claes", started=MONDAYS[2], actions=PATHS["good"]))
    assert push(lrs).stdout == (f"9 statements of 1 calls sent to {lrs.url}statements in 1 requests: "
                                "9 stored, 0 already there.\n")
    assert push(lrs, "--all").stdout == (f"101 statements of 14 calls sent to {lrs.url}statements in 3 requests: "
                                         "0 stored, 101 already there.\n")
    assert len(lrs.stored) == 101


def test_a_passing_failure_is_retried_and_nothing_is_duplicated(class_store, lrs):
    lrs.failures = [None, 503, 502]
    result = push(lrs, "--batch", "50")
    assert result.returncode == 0
    assert result.stdout == (f"92 statements of 13 calls sent to {lrs.url}statements in 4 requests: "
                             "92 stored, 0 already there.\n"
                             "2 retry(ies) after a passing error.\n")
    assert [len(r["ids"]) for r in lrs.requests] == [50, 42, 42, 42]
    assert len(lrs.stored) == 92


def test_an_lrs_that_stays_down_stops_the_push_and_the_calls_it_stored_whole_are_not_sent_again(class_store, salted, lrs):
    lrs.failures = [None, 503, 503]
    result = push(lrs, "--batch", "50", "--retries", "1")
    assert result.returncode == 1
    assert result.stdout == (f"50 statements of 13 calls sent to {lrs.url}statements in 3 requests: "
                             "50 stored, 0 already there.\n"
                             "1 retry(ies) after a passing error.\n")
    assert result.stderr == (f"plateau: the LRS at {lrs.url}statements did not take the statements after 2 tries (503). "
                             "Nothing is lost: run the same push again later; statements already sent are not duplicated.\n")

    first = set(lrs.requests[0]["ids"])
    rest = [s["id"] for batch in exported().values() if not {s["id"] for s in batch} <= first for s in batch]
    again = len(set(rest) & first)  # the call cut in two by the failure is sent whole
    assert again > 0
    result = push(lrs, "--batch", "50")
    assert [i for r in lrs.requests[3:] for i in r["ids"]] == rest
    assert result.stdout.endswith(f"{len(rest) - again} stored, {again} already there.\n")
    assert len(lrs.stored) == 92


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
        f"91 statements of 13 calls sent to {lrs.url}statements in 14 requests: 91 stored, 0 already there.",
        "1 in conflict: the LRS holds these ids with other content (did the rubric change since they were sent?)."]
    assert lrs.stored[changed["id"]] == changed


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
