"""A real learning record store: Ralph, started on a loopback port, takes a class's statements from `plateau push`.

Ralph runs from its own environment (`.ralph-venv`, made by .ci/run) with its file-system
backend; the tests read the statements back through its own xAPI statements API. Where Ralph
could not be installed they skip and say why. All traffic stays on 127.0.0.1.

Ralph's file-system backend (5.1) writes its one file once: a request that brings new
statements after the first one is refused (500, "Statements bulk indexation failed"), while a
request whose statements it already holds is accepted. So the class goes in one request here;
batching and retries against an LRS that keeps accepting are in test_xapi.py.
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.store import Store
from tests.fixtures.desk import ralph
from tests.fixtures.desk.classroom import import_class, plateau

USER, PASSWORD, MBOX = "centre", "s3cret-de-test", "mailto:centre@example.org"
SALT = "class-of-march"
EXT = "https://plateau.invalid/xapi/extensions/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Ralph:
    url: str  # the xAPI endpoint, as an instructor gives it to `plateau push --lrs`
    log: Path

    def get(self, **query: str) -> list[dict]:
        """Every statement matching `query`, page after page, through GET /xAPI/statements."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        headers = {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}
        out, address = [], self.url + "statements?" + urllib.parse.urlencode(query)
        while address:
            with urllib.request.urlopen(urllib.request.Request(address, headers=headers), timeout=30) as response:
                page = json.load(response)
            out.extend(page["statements"])
            more = page.get("more")
            address = urllib.parse.urljoin(self.url, more) if more else None
        return out


@pytest.fixture
def ralph_lrs(tmp_path, request) -> Ralph:
    """Ralph with its file-system backend on a free loopback port; stopped after the test, whatever happens."""
    reason = ralph.missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path / "ralph"
    (folder / "statements").mkdir(parents=True)
    env = {**os.environ, "RALPH_AUTH_FILE": str(folder / "auth.json")}
    auth = subprocess.run([str(ralph.RALPH), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-w", "-M", MBOX],
                          env={**env, "RALPH_RUNSERVER_BACKEND": "fs"}, cwd=folder, capture_output=True, text=True,
                          timeout=120)
    assert auth.returncode == 0, auth.stderr

    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(ralph.RALPH), "runserver", "-b", "fs", "-h", "127.0.0.1", "-p", str(port),
             "--fs-default-directory-path", str(folder / "statements")],
            env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)  # its own process group: the server and its reloader stop together

    def stop() -> None:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                return
            try:
                server.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    request.addfinalizer(stop)
    deadline = time.monotonic() + 90
    while True:
        if server.poll() is not None:
            pytest.fail(f"Ralph stopped at start-up:\n{log.read_text(encoding='utf-8', errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"Ralph did not answer within 90 s:\n{log.read_text(encoding='utf-8', errors='replace')}")
        time.sleep(0.25)
    return Ralph(f"http://127.0.0.1:{port}/xAPI/", log)


@pytest.fixture
def class_store(tmp_path):
    import_class(tmp_path / "class")


def push(url: str, *args: str):
    return plateau("push", "--lrs", url, "--user", USER, "--lang", "en", *args,
                   PLATEAU_LRS_PASSWORD=PASSWORD, PLATEAU_XAPI_SALT=SALT)


def exported() -> list[dict]:
    result = plateau("export", "--xapi", "-", PLATEAU_XAPI_SALT=SALT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def as_sent(statement: dict) -> dict:
    """A statement read back, less what the LRS adds when it stores one."""
    return {k: v for k, v in statement.items() if k not in ("stored", "authority")}


def test_a_class_pushed_to_ralph_reads_back_from_its_statements_api_and_a_second_push_adds_nothing(class_store, ralph_lrs):
    sent = exported()
    result = push(ralph_lrs.url, "--batch", "100")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"90 statements of 13 calls sent to {ralph_lrs.url}statements in 1 requests: "
                             "90 stored, 0 already there.\n")

    held = ralph_lrs.get(limit="500")
    assert len(held) == 90
    assert sorted(map(as_sent, held), key=lambda s: s["id"]) == sorted(sent, key=lambda s: s["id"])
    assert {json.dumps(s["authority"], sort_keys=True) for s in held} == {
        json.dumps({"mbox": MBOX, "objectType": "Agent"}, sort_keys=True)}

    # A few fields, as read back. (Ralph's file-system backend finds nothing by verb or activity: its filter
    # compares the IRI it parsed with the text it stored. By registration, one per call, it finds.)
    call = lambda s: s["context"]["extensions"][EXT + "session"]  # noqa: E731
    verbs = lambda name: [s for s in held if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/" + name]  # noqa: E731
    assert sorted(map(call, verbs("passed"))) == [
        "a1000000003", "b2000000002", "b2000000003", "b2000000004", "c3000000001", "c3000000002", "d4000000003"]
    [amelie_first] = [s for s in verbs("failed") if call(s) == "a1000000001"]
    assert {k: v for k, v in amelie_first["result"].items() if k != "extensions"} == {
        "score": {"scaled": 0.49, "raw": 49.0, "min": 0, "max": 100}, "success": False, "duration": "PT2M"}
    one_call = ralph_lrs.get(registration=amelie_first["context"]["registration"])
    assert sorted((s["context"]["extensions"].get(EXT + "turn", 99), s["verb"]["display"]["en"],
                   s["result"].get("extensions", {}).get(EXT + "step")) for s in one_call) == [
        (2, "answered", "identify"), (3, "answered", "safety_check"), (4, "answered", "dispatch"),
        (5, "answered", "dispatch"), (6, "answered", "confirm_eta"), (99, "completed", None), (99, "failed", None)]
    assert {s["actor"]["account"]["name"] for s in one_call} == {"trainee-d36832a8f485d796"}

    # Pushed again: nothing to send; everything sent again: the LRS already has it all.
    assert push(ralph_lrs.url).stdout == "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"
    result = push(ralph_lrs.url, "--all", "--batch", "100")
    assert (result.returncode, result.stdout) == (
        0, f"90 statements of 13 calls sent to {ralph_lrs.url}statements in 1 requests: 0 stored, 90 already there.\n")
    again = ralph_lrs.get(limit="500")
    assert len(again) == len({s["id"] for s in again}) == 90


class LoseFirstAnswer:
    """A loopback relay to the LRS that passes the first request on and drops its answer, as a broken link would."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/xAPI/"
        self.connections = 0
        self.closed = False
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.relay, args=(client, self.connections == 1), daemon=True).start()

    def relay(self, client: socket.socket, lose_answer: bool) -> None:
        with client, socket.create_connection(self.upstream, timeout=60) as upstream:
            sel = selectors.DefaultSelector()
            sel.register(client, selectors.EVENT_READ, upstream)
            sel.register(upstream, selectors.EVENT_READ, client)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                for key, _ in sel.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    if lose_answer and key.fileobj is upstream:
                        return  # the LRS has answered: the statements are stored, and the trainee's side never hears it
                    key.data.sendall(data)

    def close(self) -> None:
        self.closed = True
        self.listener.close()


def test_an_answer_lost_on_the_way_back_is_retried_and_ralph_keeps_one_copy(class_store, ralph_lrs):
    relay = LoseFirstAnswer(urllib.parse.urlsplit(ralph_lrs.url).port)
    try:
        result = push(relay.url, "--batch", "100", "--wait", "0.2")
    finally:
        relay.close()
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"90 statements of 13 calls sent to {relay.url}statements in 2 requests: "
                             "0 stored, 90 already there.\n"
                             "1 retry after a passing error.\n")
    held = ralph_lrs.get(limit="500")
    assert len(held) == len({s["id"] for s in held}) == 90


def test_when_ralph_refuses_a_later_batch_plateau_says_what_was_stored_and_marks_the_calls_stored_whole(class_store, ralph_lrs):
    sent = exported()
    result = push(ralph_lrs.url, "--batch", "40", "--retries", "1", "--wait", "0")
    assert result.returncode == 1
    assert result.stdout == (f"40 statements of 13 calls sent to {ralph_lrs.url}statements in 3 requests: "
                             "40 stored, 0 already there.\n"
                             "1 retry after a passing error.\n")
    assert result.stderr == (f"plateau: the LRS at {ralph_lrs.url}statements did not take the statements after 2 tries "
                             "(500). Nothing is lost: run the same push again later; statements already sent are not "
                             "duplicated.\n")
    held = ralph_lrs.get(limit="500")
    assert [s["id"] for s in sorted(held, key=lambda s: s["id"])] == sorted(s["id"] for s in sent[:40])

    # Calls whose statements all reached the LRS are marked as sent; the call cut in two is not.
    session = lambda s: s["context"]["extensions"][EXT + "session"]  # noqa: E731
    whole = {session(s) for s in sent[:40]} - {session(s) for s in sent[40:]}
    with Store() as store:
        marked = {r.session for r in store.sessions() if r.id in store.pushed(ralph_lrs.url + "statements", "pseudonyms")}
    assert marked == whole
    assert len(whole) == 5


ROSTER_CSV = ("Stagiaire;E-mail\r\n"
              "Amélie Dupont;amelie.dupont@plateau-mons.be\r\n"
              "Bram Peeters;bram.peeters@plateau-mons.be\r\n"
              "Chloé Martin;chloe.martin@plateau-mons.be\r\n"
              "Dries Janssens;dries.janssens@plateau-mons.be\r\n")


def test_a_class_pushed_by_email_reads_back_from_ralph_with_the_address_the_class_the_verdict_and_the_missed_steps(
        class_store, tmp_path, ralph_lrs):
    roster = tmp_path / "classe-mons.csv"
    roster.write_bytes(ROSTER_CSV.encode("cp1252"))  # as a Belgian Excel saves it
    assert plateau("roster", "import", str(roster), "--lang", "fr").returncode == 0
    result = push(ralph_lrs.url, "--actor", "email", "--class", "Mons 2026-12", "--batch", "100")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"90 statements of 13 calls sent to {ralph_lrs.url}statements in 1 requests: "
                             "90 stored, 0 already there.\n")

    held = ralph_lrs.get(agent=json.dumps({"mbox": "mailto:amelie.dupont@plateau-mons.be"}), limit="500")
    amelie = {"objectType": "Agent", "name": "Amélie Dupont", "mbox": "mailto:amelie.dupont@plateau-mons.be"}
    assert held and [s["actor"] for s in held] == [amelie] * len(held)
    session = lambda s: s["context"]["extensions"][EXT + "session"]  # noqa: E731
    assert sorted({session(s) for s in held}) == ["a1000000001", "a1000000002", "a1000000003"]
    [verdict] = [s for s in held if session(s) == "a1000000001" and s["verb"]["display"]["en"] in ("passed", "failed")]
    assert verdict["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert [(a["id"], a["definition"]["type"], a["definition"]["name"]["fr"])
            for a in verdict["context"]["contextActivities"]["grouping"][:2]] == [
        ("https://plateau.invalid/course", "http://adlnet.gov/expapi/activities/course", "Plateau : appels d'assistance"),
        ("https://plateau.invalid/classes/mons-2026-12", "http://activitystrea.ms/schema/1.0/group", "Mons 2026-12")]
    assert verdict["result"]["success"] is False
    assert "completion" not in verdict["result"]
    assert verdict["result"]["extensions"][EXT + "pass-mark"] == 70.0
    assert verdict["result"]["extensions"][EXT + "missed-steps"] == [
        {"case": "lies", "step": "greet", "critical": False}, {"case": "lies", "step": "locate", "critical": True},
        {"case": "lies", "step": "record", "critical": False}, {"case": "lies", "step": "safety_advice", "critical": False}]
    passed = [s for s in held if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"]
    assert [(session(s), s["result"]["success"]) for s in passed] == [("a1000000003", True)]


def test_a_call_sent_as_it_ends_is_witnessed_by_ralphs_stored_time(tmp_path, ralph_lrs):
    """`plateau play --lrs`: the LRS's own `stored` time, not a file on the trainee's machine, says when the call was
    played; and each statement the LRS holds is confirmed, so the next push has nothing to send."""
    from datetime import datetime, timezone

    from tests.conftest import E411
    answers = tmp_path / "answers.yaml"
    answers.write_text("- {type: start, lang: fr}\n- greet\n- behind-rail\n- where\n- note-plate\n"
                       "- {type: input, value: 1ABC234}\n- send-tow\n- {type: provider, id: fix-wavre-depannage}\n"
                       "- give-eta\n", encoding="utf-8")
    before = datetime.now(timezone.utc)
    result = plateau("play", str(E411), "--answers", str(answers), "--json", "--trainee", "Amélie Dupont",
                     "--lrs", ralph_lrs.url, PLATEAU_LRS_USER=USER, PLATEAU_LRS_PASSWORD=PASSWORD, PLATEAU_XAPI_SALT=SALT)
    after = datetime.now(timezone.utc)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Sent to the LRS ({ralph_lrs.url}statements): 9 statements.\n"
    held = ralph_lrs.get(limit="500")
    assert len(held) == 9
    stored = {datetime.fromisoformat(s["stored"].replace("Z", "+00:00")) for s in held}
    assert all(before <= moment <= after for moment in stored), (before, stored, after)
    assert push(ralph_lrs.url).stdout == "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"
