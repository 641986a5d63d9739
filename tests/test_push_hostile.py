"""`plateau push` against LRSs that lie, redirect, drip or listen in the clear (issue 18, "verified pushes").

A push counts a statement as sent only when the LRS shows that it holds it: the list of ids xAPI 1.0.3 answers a
POST with, or the statement read back (GET ?statementId=ID). Each server below answers in a way that proves
nothing, and before this was built every one of them marked the calls as pushed: the next push said "Nothing to
send" although the LRS held nothing. All servers listen on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from simulator.importing import record_transcript
from simulator.store import Store
from simulator.xapi import plain_http_elsewhere, shown_address, statements_url
from tests.fixtures.desk.classroom import MONDAYS, PATHS, plateau, scenarios, write_transcript

SALT = "class-of-march"
AUTH = "Basic " + base64.b64encode(b"centre:s3cret").decode()
NOTHING = "Nothing to send: these calls are already in this LRS (--all sends them all again).\n"


class Server:
    """An HTTP server on a loopback port: `behave(request)` writes each answer (a status, headers, a body, or bytes
    dripped on the socket); every request it gets is kept in `seen` with its method, path, Authorization and ids."""

    def __init__(self, behave: Callable[["Request"], None]):
        self.seen: list[dict] = []
        self.held: dict[str, dict] = {}  # statements kept by the servers that store what they get
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one_request(self):
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up on a dripping answer
                    self.close_connection = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ids = [s["id"] for s in json.loads(body)] if body else []
                server.seen.append({"method": "POST", "path": self.path, "auth": self.headers.get("Authorization"),
                                    "ids": ids, "body": json.loads(body) if body else []})
                behave(Request(self, server, "POST", ids))

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                ids = query.get("statementId", [])
                server.seen.append({"method": "GET", "path": self.path, "auth": self.headers.get("Authorization"),
                                    "ids": ids})
                behave(Request(self, server, "GET", ids))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def posts(self) -> list[dict]:
        return [r for r in self.seen if r["method"] == "POST"]

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class Request:
    """One request as a behaviour sees it, with ways to answer it."""

    def __init__(self, handler: BaseHTTPRequestHandler, server: Server, method: str, ids: list[str]):
        self.handler, self.server, self.method, self.ids = handler, server, method, ids

    def answer(self, status: int, body: bytes = b"", kind: str | None = "application/json", **headers: str) -> None:
        h = self.handler
        h.send_response(status)
        if kind:
            h.send_header("Content-Type", kind)
        for name, value in headers.items():
            h.send_header(name.replace("_", "-"), value)
        if status not in (204, 304):
            h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        if status not in (204, 304):
            h.wfile.write(body)
        h.close_connection = True

    def drip(self, data: bytes, every: float = 5.0) -> None:
        """Write `data` one byte at a time, `every` seconds apart, until done or the server closes."""
        for byte in data:
            self.handler.wfile.write(bytes([byte]))
            self.handler.wfile.flush()
            if self.server.stop.wait(every):
                break
        self.handler.close_connection = True


@pytest.fixture
def one_call(tmp_path, monkeypatch):
    """Amélie's good call of 2 March: nine statements (seven answers, completed, passed)."""
    monkeypatch.setenv("PLATEAU_XAPI_SALT", SALT)
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "a1.jsonl", loaded["e8"], lib, session="a1000000003",
                                       trainee="Amélie Dupont", started=MONDAYS[0], actions=PATHS["good"]))


@pytest.fixture
def serve():
    servers: list[Server] = []

    def start(behave: Callable[[Request], None]) -> Server:
        servers.append(Server(behave))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def push(url: str, *args: str, **env: str):
    return plateau("push", "--lrs", url, "--user", "centre", "--wait", "0", "--lang", "en", *args,
                   PLATEAU_LRS_PASSWORD="s3cret", PLATEAU_XAPI_SALT=SALT, **env)


def marked(url: str) -> set[int]:
    with Store() as store:
        return store.pushed(statements_url(url), "pseudonyms")


def clean(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout


# ------------------------------------------------------------------ answers that prove nothing


def same_to_all(status: int, body: bytes, kind: str | None = "application/json") -> Callable[[Request], None]:
    """A server that gives every request, POST or GET, the same answer."""
    return lambda request: request.answer(status, body, kind)


OTHER_IDS = json.dumps(["00000000-0000-5000-8000-000000000000", "11111111-1111-5111-8111-111111111111"]).encode()
NOT_PROOF = {
    "garbage": (200, b"\x00\xffgarbage{[", "application/octet-stream"),
    "an HTML page": (200, b"<!doctype html><html><body><form>Log in</form></body></html>", "text/html; charset=utf-8"),
    "an empty body": (200, b"", "application/json"),
    "ids it was not sent": (200, OTHER_IDS, "application/json"),
    "JSON null": (200, b"null", "application/json"),
    "an object instead of a list": (200, b'{"ids": []}', "application/json"),
    "numbers instead of ids": (200, b"[1, 2, 3]", "application/json"),
    "nesting deeper than Python recurses": (200, b"[" * 200_000, "application/json"),
    "204 No Content": (204, b"", None),
    "201 Created": (201, b"", "text/plain"),
    "202 Accepted": (202, b"queued", "text/plain"),
}


@pytest.mark.parametrize("case", NOT_PROOF, ids=list(NOT_PROOF))
def test_an_answer_that_proves_nothing_marks_nothing_and_says_so(one_call, serve, case):
    status, body, kind = NOT_PROOF[case]
    lrs = serve(same_to_all(status, body, kind))

    result = push(lrs.url)

    clean(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"0 statements of 1 calls sent to {lrs.url}statements in 1 requests: 0 stored, 0 already there."
    assert lines[1] == (f"9 statements not confirmed (HTTP {status}): the LRS did not list them as stored, and reading "
                        "them back did not find them. They are not marked as sent: the next plateau push sends them "
                        "again.")
    assert lines[2].startswith(f"The LRS answered 1 request without the list of stored ids xAPI asks for (HTTP {status}, ")
    # Each statement the answer did not list was looked for, with the same credentials.
    gets = [r for r in lrs.seen if r["method"] == "GET"]
    assert sorted(i for r in gets for i in r["ids"]) == sorted(lrs.posts()[0]["ids"])
    assert {r["auth"] for r in lrs.seen} == {AUTH}
    # Nothing is marked as pushed: the next push sends the call again instead of "Nothing to send".
    assert marked(lrs.url) == set()
    again = push(lrs.url)
    assert again.stdout != NOTHING
    assert [r["ids"] for r in lrs.posts()] == [lrs.posts()[0]["ids"]] * 2


def test_the_same_sentence_in_french_and_dutch(one_call, serve):
    lrs = serve(same_to_all(204, b"", None))
    fr = plateau("push", "--lrs", lrs.url, "--user", "centre", "--wait", "0", "--lang", "fr",
                 PLATEAU_LRS_PASSWORD="s3cret", PLATEAU_XAPI_SALT=SALT)
    assert fr.returncode == 1
    assert fr.stdout.splitlines()[1] == (
        "9 déclarations non confirmées (HTTP 204) : le LRS ne les a pas citées comme enregistrées et la relecture ne "
        "les a pas trouvées. Elles ne sont pas marquées comme envoyées : le prochain plateau push les renverra.")
    nl = plateau("push", "--lrs", lrs.url, "--user", "centre", "--wait", "0", "--lang", "nl",
                 PLATEAU_LRS_PASSWORD="s3cret", PLATEAU_XAPI_SALT=SALT)
    assert nl.returncode == 1
    assert nl.stdout.splitlines()[1].startswith("9 statements niet bevestigd (HTTP 204): de LRS noemde ze niet als "
                                                "opgeslagen")


def storing(post_answer: Callable[[list[str]], tuple[int, bytes]]) -> Callable[[Request], None]:
    """A server that keeps what it is sent and serves it back by id, but answers POSTs as `post_answer` says."""
    def behave(request: Request) -> None:
        server = request.server
        if request.method == "POST":
            body = server.seen[-1]["body"]
            new = [s["id"] for s in body if s["id"] not in server.held]
            server.held.update((s["id"], s) for s in body)
            status, payload = post_answer(new)
            return request.answer(status, payload)
        [wanted] = request.ids
        if wanted in server.held:
            return request.answer(200, json.dumps(server.held[wanted]).encode())
        return request.answer(404, b'{"detail": "not found"}')
    return behave


def test_statements_an_odd_answer_left_out_but_the_lrs_shows_are_sent(one_call, serve):
    lrs = serve(storing(lambda new: (200, b"<html>OK</html>")))
    result = push(lrs.url)
    clean(result)
    assert (result.returncode, result.stdout) == (
        0, f"9 statements of 1 calls sent to {lrs.url}statements in 1 requests: 0 stored, 9 already there.\n")
    assert len(marked(lrs.url)) == 1
    assert push(lrs.url).stdout == NOTHING


def test_a_partial_list_counts_what_it_lists_and_the_rest_must_be_found(one_call, serve):
    def half_stored(request: Request) -> None:
        if request.method == "POST":
            return request.answer(200, json.dumps(request.ids[:4]).encode())  # lists four, holds only those
        [wanted] = request.ids
        first = request.server.posts()[0]["ids"][:4]
        if wanted in first:
            return request.answer(200, json.dumps({"id": wanted}).encode())
        return request.answer(404, b"{}")

    lrs = serve(half_stored)
    result = push(lrs.url)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"4 statements of 1 calls sent to {lrs.url}statements in 1 requests: 4 stored, 0 already there.",
        "5 statements not confirmed (HTTP 404): the LRS did not list them as stored, and reading them back did not "
        "find them. They are not marked as sent: the next plateau push sends them again."]
    assert marked(lrs.url) == set()  # a call counts as sent only whole


def test_an_lrs_user_that_may_not_read_back_is_told_what_right_it_needs(one_call, serve):
    def write_only(request: Request) -> None:
        if request.method == "POST":
            return request.answer(200, b"[]")  # "already held", which only reading back can confirm
        return request.answer(403, b'{"detail": "Forbidden"}')

    lrs = serve(write_only)
    result = push(lrs.url)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        "The LRS user may not read statements back (403): give it the right to read its own (in Ralph: "
        "statements/read/mine), so that Plateau can check those the LRS does not list.")
    assert len([r for r in lrs.seen if r["method"] == "GET"]) == 1  # asked once, not nine times


def test_an_endless_answer_is_read_up_to_a_limit_and_proves_nothing(one_call, serve):
    def endless(request: Request) -> None:
        if request.method == "GET":
            return request.answer(404, b"{}")
        h = request.handler
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        chunk = b'["' + b"x" * 65536
        try:
            while not request.server.stop.is_set():
                h.wfile.write(chunk)
        except OSError:
            pass
        h.close_connection = True

    lrs = serve(endless)
    started = time.monotonic()
    result = push(lrs.url)
    assert time.monotonic() - started < 30
    clean(result)
    assert result.returncode == 1
    assert "9 statements not confirmed (HTTP 404)" in result.stdout


# ------------------------------------------------------------------ redirections


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirection_is_not_followed_and_the_other_address_never_sees_the_password(one_call, serve, status):
    elsewhere = serve(same_to_all(200, b"[]"))
    lrs = serve(lambda request: request.answer(status, b"", None, Location=f"{elsewhere.url}statements"))

    result = push(lrs.url)

    clean(result)
    assert result.returncode == 1
    assert elsewhere.seen == []  # not a request, so no Authorization header either
    assert result.stderr == (
        f"plateau: the LRS at {lrs.url}statements answered {status} and points to {elsewhere.url}statements. Plateau "
        "does not follow redirections (they would carry the password elsewhere): if that is the LRS's address, give it "
        "with --lrs.\n")
    assert marked(lrs.url) == set()


def test_a_redirection_elsewhere_with_credentials_in_it_is_shown_without_them(one_call, serve):
    lrs = serve(lambda request: request.answer(302, b"", None, Location="http://admin:hunter2@192.0.2.7/xAPI/"))
    result = push(lrs.url)
    assert result.returncode == 1
    assert "hunter2" not in result.stderr + result.stdout
    assert "points to http://192.0.2.7/xAPI/." in result.stderr


def test_a_redirection_to_nowhere_is_a_plain_error(one_call, serve):
    lrs = serve(lambda request: request.answer(301, b"", None))
    result = push(lrs.url)
    assert (result.returncode, result.stderr) == (1, (
        f"plateau: the LRS at {lrs.url}statements answered 301 (a redirection) without saying where to. Plateau does "
        "not follow redirections: give the LRS's exact xAPI address with --lrs.\n"))


# ------------------------------------------------------------------ a deadline for the whole push


def dripping_body(request: Request) -> None:
    h = request.handler
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.flush()
    request.drip(b"[" + b" " * 999)


def dripping_headers(request: Request) -> None:
    request.drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]")


@pytest.mark.parametrize("behave", [dripping_body, dripping_headers], ids=["body", "headers"])
def test_a_server_dripping_a_byte_every_five_seconds_stops_at_the_deadline(one_call, serve, behave):
    lrs = serve(behave)
    started = time.monotonic()
    result = push(lrs.url, "--deadline", "2")
    took = time.monotonic() - started
    clean(result)
    assert took < 12, took  # two seconds, and the start of a Python process
    assert (result.returncode, result.stderr) == (1, (
        f"plateau: the push to {lrs.url}statements stopped at its deadline (2 s). Nothing is lost: what the LRS "
        "confirmed is marked as sent; run the same push again later, or give it more time with --deadline.\n"))
    assert marked(lrs.url) == set()


def test_the_deadline_also_bounds_the_pauses_between_tries(one_call, serve):
    lrs = serve(same_to_all(503, b'{"detail": "busy"}'))
    started = time.monotonic()
    result = plateau("push", "--lrs", lrs.url, "--user", "centre", "--wait", "60", "--deadline", "1", "--lang", "en",
                     PLATEAU_LRS_PASSWORD="s3cret", PLATEAU_XAPI_SALT=SALT)
    assert time.monotonic() - started < 12
    assert result.returncode == 1
    assert "stopped at its deadline (1 s)" in result.stderr
    assert len(lrs.posts()) == 1


# ------------------------------------------------------------------ plain http to another machine


@pytest.mark.parametrize("url, warned", [
    ("http://lrs.centre.be/xAPI/", True),
    ("http://192.0.2.1/xAPI/", True),
    ("http://10.0.0.5:8100/xAPI/", True),
    ("http://[2001:db8::1]/xAPI/", True),
    ("http://127.0.0.1:8100/xAPI/", False),
    ("http://127.8.9.10/xAPI/", False),
    ("http://localhost:8100/xAPI/", False),
    ("http://LOCALHOST./xAPI/", False),
    ("http://[::1]:8100/xAPI/", False),
    ("http://[::ffff:127.0.0.1]/xAPI/", False),
    ("https://lrs.centre.be/xAPI/", False),
    ("https://192.0.2.1/xAPI/", False),
])
def test_plain_http_is_warned_about_only_when_it_leaves_the_machine(url, warned):
    assert plain_http_elsewhere(url) is warned


def test_plain_http_to_another_machine_warns_and_goes_on(one_call):
    # 192.0.2.1 is TEST-NET-1: nothing answers there; the tiny deadline ends the try at once.
    started = time.monotonic()
    result = push("http://192.0.2.1/xAPI/", "--deadline", "0.5", "--retries", "0")
    assert time.monotonic() - started < 12
    clean(result)
    assert result.returncode == 1
    first, *rest = result.stderr.splitlines()
    assert first == ("plateau: warning: http://192.0.2.1/xAPI/statements is plain http:// to another machine: the "
                     "password and the trainees' results travel unencrypted. Use the LRS's https:// address.")
    assert rest and rest[0].startswith("plateau: ")  # then it tried, and says why it did not get through


def test_plain_http_on_this_machine_gives_no_warning(one_call, serve):
    lrs = serve(storing(lambda new: (200, json.dumps(new).encode())))
    result = push(lrs.url)
    assert (result.returncode, result.stderr) == (0, "")


# ------------------------------------------------------------------ a password in the address


@pytest.mark.parametrize("address", [
    "http://centre:pa55-in-url@127.0.0.1:{port}/xAPI/",
    "https://centre:pa55-in-url@lrs.centre.be/xAPI/",
    "https://centre:pa55%2Fin-url@lrs.centre.be/xAPI/",
    "https://centre:pa55/in-url@lrs.centre.be/xAPI/",
    "centre:pa55-in-url@lrs.centre.be/xAPI/",
])
@pytest.mark.parametrize("given", ["option", "variable"])
def test_a_password_in_the_address_is_refused_and_never_printed(one_call, serve, address, given):
    lrs = serve(storing(lambda new: (200, json.dumps(new).encode())))
    address = address.format(port=lrs.port)
    if given == "option":
        result = plateau("push", "--lrs", address, "--user", "centre", "--lang", "en", PLATEAU_LRS_PASSWORD="s3cret")
    else:
        result = plateau("push", "--user", "centre", "--lang", "en", PLATEAU_LRS=address, PLATEAU_LRS_PASSWORD="s3cret")
    clean(result)
    assert result.returncode == 1
    assert "pa55" not in result.stdout + result.stderr
    assert result.stderr.startswith("plateau: the LRS address holds a user name or password (…@); Plateau takes none "
                                    "from an address, which it prints and keeps in its record of pushes. Give the "
                                    "address without them (")
    assert lrs.seen == []


@pytest.mark.parametrize("address, shown", [
    ("https://centre:secret@lrs.centre.be/xAPI/", "https://lrs.centre.be/xAPI/"),
    ("https://centre@lrs.centre.be/xAPI/", "https://lrs.centre.be/xAPI/"),
    ("https://a:b/c@lrs.centre.be/xAPI/", "https://lrs.centre.be/xAPI/"),
    ("user:secret@lrs.centre.be", "lrs.centre.be"),
    ("https://lrs.centre.be/xAPI/?mail=a@b.be", "https://lrs.centre.be/xAPI/?mail=a@b.be"),
    ("https://lrs.centre.be/\x1b[2Jx", "https://lrs.centre.be/␛[2Jx"),
])
def test_addresses_are_shown_without_credentials_or_control_characters(address, shown):
    assert shown_address(address) == shown


# ------------------------------------------------------------------ argument ranges


@pytest.mark.parametrize("args, message", [
    (["--retries", "-1"], "argument --retries: a whole number, 0 or more (0: a single try), not '-1'"),
    (["--retries", "two"], "argument --retries: a whole number, 0 or more (0: a single try), not 'two'"),
    (["--wait", "-1"], "argument --wait: a number of seconds, 0 or more, not '-1'"),
    (["--wait", "nan"], "argument --wait: a number of seconds, 0 or more, not 'nan'"),
    (["--batch", "0"], "argument --batch: a whole number of statements from 1 to 500, not '0'"),
    (["--batch", "501"], "argument --batch: a whole number of statements from 1 to 500, not '501'"),
    (["--deadline", "0"], "argument --deadline: a number of seconds above 0 (300 is five minutes), not '0'"),
    (["--deadline", "-5"], "argument --deadline: a number of seconds above 0 (300 is five minutes), not '-5'"),
    (["--deadline", "inf"], "argument --deadline: a number of seconds above 0 (300 is five minutes), not 'inf'"),
])
def test_argument_ranges_are_checked_with_a_plain_message(args, message):
    result = plateau("push", "--lrs", "http://127.0.0.1:9/xAPI/", "--user", "centre", *args,
                     PLATEAU_LRS_PASSWORD="s3cret")
    clean(result)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "plateau: " + message


@pytest.mark.parametrize("args", [["--retries", "0"], ["--wait", "0"], ["--wait", "0,5"], ["--batch", "1"],
                                  ["--batch", "500"], ["--deadline", "0.1"]])
def test_the_edges_of_the_ranges_are_accepted(one_call, serve, args):
    lrs = serve(storing(lambda new: (200, json.dumps(new).encode())))
    result = plateau("push", "--lrs", lrs.url, "--user", "centre", "--lang", "en", *args,
                     PLATEAU_LRS_PASSWORD="s3cret", PLATEAU_XAPI_SALT=SALT)
    assert result.returncode in (0, 1), result.stderr  # 0.1 s may or may not be enough: never a usage error
    if args[0] != "--deadline":
        assert result.returncode == 0, result.stderr
