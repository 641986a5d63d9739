"""Sending xAPI statements to a Learning Record Store, and making sure it holds them.

`push` counts a statement as sent only when the LRS shows it holds it (the ids a POST's answer
lists, or the statement read back by id), never follows a redirection, and stops at a deadline.
The statements themselves are made by simulator.xapi, which names everything here too.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import re
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Iterable
from urllib.parse import quote, urljoin, urlsplit

from simulator.errors import PlateauError
from simulator.safe import printable

__all__ = [
    "CHUNK", "DEADLINE", "MAX_ANSWER", "PUSH_MESSAGES", "REQUEST_TIMEOUT", "RETRY_STATUS", "XAPI_VERSION", "Answer",
    "PushError", "PushReport", "holds", "listed_ids", "plain_http_elsewhere", "push", "shown_address",
    "statements_url",
]

XAPI_VERSION = "1.0.3"  # the version of xAPI Plateau speaks: in each request's header and in each statement

# ------------------------------------------------------------------ sending
#
# A push counts a statement as sent only when the LRS has shown that it holds it: xAPI 1.0.3 answers a POST of
# statements with 200 and the list of the ids it stored, in order; an LRS that already held some leaves them out
# (Ralph answers []), and those are read back one by one (GET ...?statementId=ID). Any other answer (a 204, an
# HTML page, an empty body, ids that were not sent) proves nothing by itself. Redirections are never followed:
# urllib would send the Basic credentials on to wherever they point. Every request is bounded by the push's
# deadline, also against a server that answers one byte at a time.

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
REQUEST_TIMEOUT = 30.0  # seconds a request may wait for the network, at most (less when the deadline is nearer)
DEADLINE = 300.0  # seconds a whole push may take, by default
MAX_ANSWER = 4 * 1024 * 1024  # bytes read of an answer: a list of ids or one statement is far smaller
CHUNK = 65536

# Each message is (what happened, what to do), so that a push made as a call ends can say what happened alone.
PUSH_MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "not_http": {
        "fr": ("« {lrs} » n'est pas l'adresse http(s) d'un LRS (par exemple https://lrs.example.org/xAPI/).", ""),
        "nl": ("“{lrs}” is geen http(s)-adres van een LRS (bijvoorbeeld https://lrs.example.org/xAPI/).", ""),
        "en": ("'{lrs}' is not an http(s) address of an LRS (for example https://lrs.example.org/xAPI/).", "")},
    "userinfo": {
        "fr": ("l'adresse du LRS contient un nom d'utilisateur ou un mot de passe (…@) ; Plateau n'en prend pas dans "
               "une adresse, qu'il affiche et garde dans son relevé des envois.",
               "Donnez l'adresse sans eux ({lrs}), l'utilisateur avec --user et le mot de passe dans la variable "
               "PLATEAU_LRS_PASSWORD."),
        "nl": ("het adres van de LRS bevat een gebruikersnaam of wachtwoord (…@); Plateau neemt die niet uit een adres, "
               "dat het toont en bewaart in zijn overzicht van verzendingen.",
               "Geef het adres zonder ({lrs}), de gebruiker met --user en het wachtwoord in de variabele "
               "PLATEAU_LRS_PASSWORD."),
        "en": ("the LRS address holds a user name or password (…@); Plateau takes none from an address, which it prints "
               "and keeps in its record of pushes.",
               "Give the address without them ({lrs}), the user with --user and the password in the "
               "PLATEAU_LRS_PASSWORD variable.")},
    "credentials": {
        "fr": ("le LRS a refusé les identifiants ({status}) ;", "vérifiez --user et le mot de passe."),
        "nl": ("de LRS heeft de aanmeldgegevens geweigerd ({status});", "controleer --user en het wachtwoord."),
        "en": ("the LRS refused the credentials ({status});", "check --user and the password.")},
    "no_resource": {
        "fr": ("il n'y a pas de ressource xAPI statements à {url} (404) ;",
               "donnez le point d'accès xAPI du LRS, par exemple https://lrs.example.org/xAPI/."),
        "nl": ("er is geen xAPI statements-resource op {url} (404);",
               "geef het xAPI-eindpunt van de LRS, bijvoorbeeld https://lrs.example.org/xAPI/."),
        "en": ("there is no xAPI statements resource at {url} (404);",
               "give the LRS's xAPI endpoint, for example https://lrs.example.org/xAPI/.")},
    "gave_up": {
        "fr": ("le LRS à {url} n'a pas pris les déclarations après {tries} essais ({reason}).",
               "Rien n'est perdu : relancez le même envoi plus tard ; les déclarations déjà envoyées ne sont pas doublées."),
        "nl": ("de LRS op {url} heeft de statements na {tries} pogingen niet aangenomen ({reason}).",
               "Er gaat niets verloren: start later dezelfde verzending opnieuw; al verstuurde statements worden niet verdubbeld."),
        "en": ("the LRS at {url} did not take the statements after {tries} tries ({reason}).",
               "Nothing is lost: run the same push again later; statements already sent are not duplicated.")},
    "redirect": {
        "fr": ("le LRS à {url} a répondu {status} et renvoie vers {location}.",
               "Plateau ne suit pas les redirections (elles emporteraient le mot de passe ailleurs) : si c'est bien "
               "l'adresse du LRS, donnez-la avec --lrs."),
        "nl": ("de LRS op {url} antwoordde {status} en verwijst naar {location}.",
               "Plateau volgt geen omleidingen (ze zouden het wachtwoord elders heen brengen): als dat het adres van "
               "de LRS is, geef het dan met --lrs."),
        "en": ("the LRS at {url} answered {status} and points to {location}.",
               "Plateau does not follow redirections (they would carry the password elsewhere): if that is the "
               "LRS's address, give it with --lrs.")},
    "redirect_nowhere": {
        "fr": ("le LRS à {url} a répondu {status} (une redirection) sans dire vers où.",
               "Plateau ne suit pas les redirections : donnez l'adresse xAPI exacte du LRS avec --lrs."),
        "nl": ("de LRS op {url} antwoordde {status} (een omleiding) zonder te zeggen waarheen.",
               "Plateau volgt geen omleidingen: geef het juiste xAPI-adres van de LRS met --lrs."),
        "en": ("the LRS at {url} answered {status} (a redirection) without saying where to.",
               "Plateau does not follow redirections: give the LRS's exact xAPI address with --lrs.")},
    "deadline": {
        "fr": ("l'envoi à {url} s'est arrêté à son délai ({seconds} s).",
               "Rien n'est perdu : ce que le LRS a confirmé est marqué comme envoyé ; relancez le même envoi plus "
               "tard, ou donnez-lui plus de temps avec --deadline."),
        "nl": ("de verzending naar {url} is gestopt bij haar tijdslimiet ({seconds} s).",
               "Er gaat niets verloren: wat de LRS bevestigde, is als verstuurd gemarkeerd; start later dezelfde "
               "verzending opnieuw, of geef ze meer tijd met --deadline."),
        "en": ("the push to {url} stopped at its deadline ({seconds} s).",
               "Nothing is lost: what the LRS confirmed is marked as sent; run the same push again later, or give it "
               "more time with --deadline.")},
}


class PushError(PlateauError):
    """The push cannot go on: the LRS cannot be reached, refuses in a way retrying cannot mend, points elsewhere,
    or the push ran out of time. Said in French, Dutch or English with `format(lang)`."""

    def __init__(self, key: str, report: "PushReport | None" = None, **values):
        self.key, self.values, self.report = key, values, report
        super().__init__(self.format("en"))

    def what(self, lang: str) -> str:
        """What happened, as a sentence, without what to do next."""
        entry = PUSH_MESSAGES[self.key]
        what = entry.get(lang, entry["en"])[0].format(**self.values)
        return what[:-1].rstrip() + "." if what.endswith(";") else what

    def format(self, lang: str) -> str:
        entry = PUSH_MESSAGES[self.key]
        what, then = entry.get(lang, entry["en"])
        return " ".join(part for part in (what, then) if part).format(**self.values)


@dataclass
class PushReport:
    sent: int = 0  # statements the LRS has shown it holds after this push (new or already there)
    stored: int = 0  # of which its answers listed as stored now
    batches: int = 0  # POST requests made, tries again included
    checks: int = 0  # statements read back (GET) because an answer did not list them
    retries: int = 0
    conflicts: list[str] = field(default_factory=list)  # ids it holds with other content
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (id, why) it refused as invalid
    unconfirmed: list[tuple[str, str]] = field(default_factory=list)  # (id, why) neither listed nor read back
    odd: list[str] = field(default_factory=list)  # answers to a POST that were not the list of ids xAPI asks for
    unreadable: int | None = None  # the status with which the LRS refused reading statements back (401, 403)

    @property
    def already(self) -> int:
        return self.sent - self.stored


# The part of an address between 'scheme://' and its last '@' before any '?' or '#': user names and passwords.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)?[^?#]*@")


def shown_address(url: str, limit: int = 300) -> str:
    """An address as Plateau prints it: never a user name or password (user:pw@), no control character, not endless."""
    text = printable(_USERINFO.sub(lambda m: m.group(1) or "", url.strip()))
    return text if len(text) <= limit else text[:limit] + "…"


def statements_url(lrs: str) -> str:
    """The statements resource from an LRS's xAPI endpoint ('https://lrs.example/xAPI/' or '.../statements').

    An address carrying credentials (https://user:password@host/) is refused: see docs/xapi.md.
    """
    url = lrs.strip()
    if _USERINFO.match(url):
        raise PushError("userinfo", lrs=shown_address(url))
    if not url.startswith(("http://", "https://")) or any(c.isspace() or not c.isprintable() for c in url):
        raise PushError("not_http", lrs=shown_address(lrs))
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises here, not in the middle of a push
    except ValueError:
        raise PushError("not_http", lrs=shown_address(lrs)) from None
    if not parts.hostname:
        raise PushError("not_http", lrs=shown_address(lrs))
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return base if base.endswith("/statements") else base + "/statements"


def plain_http_elsewhere(url: str) -> bool:
    """True when `url` is plain http:// to another machine than this one (127.0.0.0/8, ::1, localhost): the
    password and the trainees' results would cross the network unencrypted."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").rstrip(".")
    if host == "localhost":
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: it may resolve anywhere
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_loopback


@dataclass(frozen=True)
class Answer:
    """An LRS's answer, read within the deadline."""

    status: int
    body: bytes
    kind: str  # Content-Type
    location: str | None
    retry_after: str | None

    def describe(self) -> str:
        """In a few words, for the record of odd answers: 'HTTP 200, text/html, 58 bytes'."""
        return f"HTTP {self.status}, {self.kind.split(';')[0].strip() or 'no type'}, {len(self.body)} bytes"


class _Late(Exception):
    """The push's deadline passed during a request."""


class _Watched:
    """A connection that hands its socket to `watch` once connected (to bound every read by the deadline)."""

    def __init__(self, *args, watch: Callable, **kwargs):
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self):
        super().connect()
        self._watch(self.sock)


class _WatchedHTTP(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _PlainHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: Callable):
        super().__init__()
        self._connection = lambda host, **kwargs: _WatchedHTTP(host, watch=watch, **kwargs)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _SecureHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: Callable):
        super().__init__()
        self._connection = lambda host, **kwargs: _WatchedHTTPS(host, watch=watch, **kwargs)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)


class _Transport:
    """The HTTP of one push: urllib's proxies and TLS checks, no redirection ever followed, no error raised for a
    status (the caller decides), and every request bounded by the push's deadline: each waits on the network at most
    REQUEST_TIMEOUT or what is left, answers are read in chunks with the clock checked between them, and a watchdog
    shuts the connection when the deadline passes (a server dripping its headers one byte at a time)."""

    def __init__(self, deadline: float):
        self.deadline = deadline  # on time.monotonic()
        self._sockets: list[socket.socket] = []
        self.opener = urllib.request.OpenerDirector()
        for handler in (urllib.request.ProxyHandler(), _PlainHandler(self._sockets.append),
                        _SecureHandler(self._sockets.append)):
            self.opener.add_handler(handler)

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def _cut(self) -> None:
        for sock in list(self._sockets):
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # wakes a read blocked in another thread
            except OSError:
                pass

    def request(self, method: str, url: str, headers: dict, body: bytes | None = None) -> Answer:
        left = self.left()
        if left <= 0:
            raise _Late()
        self._sockets.clear()
        watchdog = threading.Timer(left, self._cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            request = urllib.request.Request(url, data=body, headers=headers, method=method)
            with self.opener.open(request, timeout=min(REQUEST_TIMEOUT, left)) as response:
                data = self._read(response)
                return Answer(response.status, data, response.headers.get("Content-Type", ""),
                              response.headers.get("Location"), response.headers.get("Retry-After"))
        except (OSError, http.client.HTTPException):
            if self.left() <= 0:
                raise _Late() from None
            raise
        finally:
            watchdog.cancel()

    def _read(self, response) -> bytes:
        chunks, size = [], 0
        while size <= MAX_ANSWER:  # beyond it the answer is cut, and cannot be the list of ids or one statement
            if self.left() <= 0:
                raise _Late()
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)


def _json(data: bytes):
    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than Python recurses
        return None


def listed_ids(answer: Answer, sent: set[str]) -> set[str] | None:
    """The ids a POST's answer says were stored, when it is what xAPI 1.0.3 asks for (200 and a JSON list of the
    ids sent); None for anything else, which proves nothing."""
    if answer.status != 200:
        return None
    data = _json(answer.body)
    if not isinstance(data, list) or not all(isinstance(i, str) and i in sent for i in data):
        return None
    return set(data)


def holds(answer: Answer, statement_id_: str) -> bool:
    """Whether a GET ...?statementId=ID answer shows the statement: xAPI 1.0.3 gives the statement itself; Ralph
    (5.1) gives a result {"statements": [...]} holding it."""
    if answer.status != 200:
        return False
    data = _json(answer.body)
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        return any(isinstance(s, dict) and s.get("id") == statement_id_ for s in data["statements"])
    return isinstance(data, dict) and data.get("id") == statement_id_


def push(statements_: Iterable[dict], lrs: str, user: str, password: str, *, batch: int = 50, retries: int = 4,
         wait: float = 1.0, deadline: float = DEADLINE, sleep: Callable[[float], None] = time.sleep,
         on_batch: Callable[[list[dict], PushReport], None] | None = None) -> PushReport:
    """POST statements in batches, with Basic auth, and count as sent only those the LRS shows it holds.

    A batch that fails for a passing reason is sent again: ids are stable, and an LRS ignores a statement it
    already holds. A batch the LRS refuses (400: invalid; 409: an id it holds with other content) is split in
    halves until the statements at fault are found, so the others still get stored. The statements an answer does
    not list as stored are read back; those not found are reported as unconfirmed. `on_batch(statements, report)`
    is called with the statements of each batch the LRS has shown it holds. The whole push stops after `deadline`
    seconds (PushError), keeping what was confirmed until then.
    """
    url = statements_url(lrs)
    shown = shown_address(url)
    token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    reading = {"X-Experience-API-Version": XAPI_VERSION, "Authorization": f"Basic {token}", "User-Agent": "plateau"}
    writing = {**reading, "Content-Type": "application/json"}
    transport = _Transport(time.monotonic() + deadline)
    report = PushReport()
    items = list(statements_)

    def late() -> PushError:
        return PushError("deadline", report, url=shown, seconds=f"{deadline:g}")

    def exchange(method: str, address: str, body: bytes | None = None) -> Answer:
        for attempt in range(retries + 1):
            if method == "POST":
                report.batches += 1
            else:
                report.checks += 1
            try:
                answer = transport.request(method, address, writing if body is not None else reading, body)
            except _Late:
                raise late() from None
            except (OSError, http.client.HTTPException) as exc:
                retry_after, reason = None, _reason(exc)
            else:
                if answer.status not in RETRY_STATUS:
                    return answer
                retry_after, reason = answer.retry_after, str(answer.status)
            if attempt == retries:
                raise PushError("gave_up", report, url=shown, tries=retries + 1, reason=reason[:200])
            report.retries += 1
            delay = wait * (2 ** attempt)
            if retry_after and retry_after.isdigit():
                delay = min(float(retry_after), 60.0)
            if delay >= transport.left():
                raise late()
            sleep(delay)
        raise AssertionError("unreachable")

    def post(chunk: list[dict]) -> Answer:
        answer = exchange("POST", url, json.dumps(chunk, ensure_ascii=False).encode("utf-8"))
        if 300 <= answer.status < 400:
            if not answer.location:
                raise PushError("redirect_nowhere", report, url=shown, status=answer.status)
            raise PushError("redirect", report, url=shown, status=answer.status,
                            location=shown_address(urljoin(url, answer.location.strip()), limit=200))
        if answer.status in (401, 403):
            raise PushError("credentials", report, status=answer.status)
        if answer.status == 404:
            raise PushError("no_resource", report, url=shown)
        return answer

    def unconfirmed(statement_id_: str) -> str | None:
        """Why the LRS has not shown it holds this statement, or None when it has."""
        if report.unreadable is not None:  # the user may not read: asking for each statement again is no use
            return f"HTTP {report.unreadable}"
        answer = exchange("GET", f"{url}?statementId={quote(statement_id_, safe='')}")
        if holds(answer, statement_id_):
            return None
        if answer.status in (401, 403):
            report.unreadable = answer.status
        return f"HTTP {answer.status}"

    def send(chunk: list[dict]) -> None:
        answer = post(chunk)
        if 200 <= answer.status < 300:
            stored = listed_ids(answer, {s["id"] for s in chunk})
            if stored is None:
                report.odd.append(answer.describe())
                stored = set()
            report.stored += len(stored)
            confirmed = []
            for s in chunk:
                why = None if s["id"] in stored else unconfirmed(s["id"])
                if why is None:
                    confirmed.append(s)
                else:
                    report.unconfirmed.append((s["id"], why))
            report.sent += len(confirmed)
            if confirmed and on_batch is not None:
                on_batch(confirmed, report)
            return
        if len(chunk) > 1:
            half = len(chunk) // 2
            send(chunk[:half])
            send(chunk[half:])
            return
        detail = _detail(answer.body)
        if answer.status == 409:
            report.conflicts.append(chunk[0]["id"])
        else:
            report.rejected.append((chunk[0]["id"], f"{answer.status} {detail}".strip()))

    for start in range(0, len(items), max(1, batch)):
        send(items[start:start + batch])
    return report


def _reason(exc: BaseException) -> str:
    """A network error in a few words: 'timed out', '[Errno 111] Connection refused'."""
    reason = getattr(exc, "reason", None) or exc
    return printable(str(reason) or type(reason).__name__)[:200]


def _detail(payload: bytes) -> str:
    data = _json(payload)
    if data is None:
        return printable(payload.decode("utf-8", "replace"))[:300]
    return printable(str(data.get("detail", data) if isinstance(data, dict) else data))[:300]
