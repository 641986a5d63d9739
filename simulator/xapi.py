"""xAPI 1.0.3 statements for stored sessions, and sending them to a Learning Record Store.

Each finished call gives one `answered` statement per decision (the option said or the
provider picked, with the procedure step it performed, as result and context extensions),
then `completed` and one verdict, `passed` or `failed` (score, success, duration, the pass
mark and the steps missed). A call stopped before its end gives one `suspended` statement:
it can still be resumed, and its decisions are judged for good only when it ends, so they
are sent then, under the same registration, with the one verdict. The result properties
follow cmi5's rules: `completion` only on `completed`, `success` and `score` only on the
verdict. Every extension IRI is listed in docs/xapi.md.

Statement ids are UUIDs derived from the session, the turn or verb, the actor and the site,
so sending the same sessions again never makes duplicates: an LRS keeps one copy of a
statement id. Actors are accounts named by a pseudonym by default, a keyed hash of the
trainee's name with a salt kept in the data directory; the trainee's e-mail address or LMS
account, from the class list (simulator.roster), or their real name are explicit choices.
Every statement's context groups it under the Plateau course, the class when one is given,
and the rubric.

Sending them is simulator.xapi_push's part: `push` counts a statement as sent only when the LRS
shows it holds it (the ids a POST's answer lists, or the statement read back by id), never
follows a redirection, and stops at a deadline. Its names are importable from here too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Iterable
from urllib.parse import quote

from simulator.errors import PlateauError
from simulator.i18n import every_lang
from simulator.roster import Roster
from simulator.store import Filters, SessionRow, Store, trainee_key
from simulator.xapi_push import (
    CHUNK,
    DEADLINE,
    MAX_ANSWER,
    PUSH_MESSAGES,
    REQUEST_TIMEOUT,
    RETRY_STATUS,
    XAPI_VERSION,
    Answer,
    PushError,
    PushReport,
    holds,
    listed_ids,
    plain_http_elsewhere,
    push,
    shown_address,
    statements_url,
)

__all__ = [
    # statements
    "COURSE", "DEFAULT_SITE", "GROUP", "INTERACTION", "NAMESPACE", "SALT_FILE", "SIMULATION", "VERBS", "VOCABULARY",
    "ActorKind", "Actors", "NotInRoster", "class_activity", "course_activity", "duration", "ext", "install_salt",
    "missed_steps", "pseudonym", "session_statements", "site_of", "statement_id", "statements", "verb",
    # sending them (simulator.xapi_push)
    "CHUNK", "DEADLINE", "MAX_ANSWER", "PUSH_MESSAGES", "REQUEST_TIMEOUT", "RETRY_STATUS", "XAPI_VERSION", "Answer",
    "PushError", "PushReport", "holds", "listed_ids", "plain_http_elsewhere", "push", "shown_address",
    "statements_url",
]

DEFAULT_SITE = "https://plateau.invalid/"  # a reserved name: set --site (or PLATEAU_XAPI_SITE) to the centre's address
VOCABULARY = "https://plateau.invalid/xapi/"  # Plateau's own extension keys, the same on every install
NAMESPACE = uuid.UUID("6d1c7c1e-7a55-4d2b-9a43-5f2e8d0c4b11")  # statement ids: uuid5(NAMESPACE, ...)
SALT_FILE = "xapi-salt"

VERBS: dict[str, str] = {  # what a statement says happened; how a platform shows it: the message xapi.verb.NAME
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    # A call stopped before its end can be resumed: it is suspended, not abandoned, and gets its verdict when it ends.
    "suspended": "https://w3id.org/xapi/adl/verbs/suspended",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
COURSE = "http://adlnet.gov/expapi/activities/course"
GROUP = "http://activitystrea.ms/schema/1.0/group"  # a class: trainees who join and leave it


def ext(name: str) -> str:
    return VOCABULARY + "extensions/" + name


# ------------------------------------------------------------------ actors


def install_salt() -> bytes:
    """The per-install salt of pseudonyms: PLATEAU_XAPI_SALT, else a random one kept in the data directory.

    Machines that must give a trainee the same pseudonym (a centre with one central LRS)
    share it: copy the file, or set the variable on each.
    """
    from simulator.datadir import home
    env = os.environ.get("PLATEAU_XAPI_SALT")
    if env:
        return env.encode("utf-8")
    path = home() / SALT_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    salt = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(salt.hex() + "\n")
    return salt


def pseudonym(name: str, salt: bytes) -> str:
    """A stable name for a trainee that does not reveal them: the same for 'Amélie Dupont' and 'amelie dupont'."""
    return "trainee-" + hmac.new(salt, trainee_key(name).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


class ActorKind(str, Enum):
    """How a trainee is named in statements."""

    PSEUDONYM = "pseudonym"  # an account on the centre's site named by a keyed hash of the name (the default)
    EMAIL = "email"  # the e-mail address the class list gives: an LMS that identifies learners by mbox
    ACCOUNT = "account"  # the LMS username the class list gives, on the LMS's address (--homepage)


class NotInRoster(PlateauError):
    """Trainees the class list gives no e-mail address or username for, when statements must name them so."""

    def __init__(self, kind: ActorKind, trainees: list[str]):
        self.kind = kind
        self.trainees = trainees
        what = "e-mail address" if kind is ActorKind.EMAIL else "username"
        super().__init__(f"no {what} for {', '.join(trainees)} in the class list; add them to the class list file and "
                         "run 'plateau roster import FILE.csv'.")


@dataclass(frozen=True)
class Actors:
    """How trainees appear in statements: pseudonymous accounts (default), e-mail addresses or LMS accounts from
    the class list, or accounts under their real names."""

    site: str = DEFAULT_SITE
    salt: bytes = b""
    real_names: bool = False  # with PSEUDONYM only: the account is named after the trainee
    kind: ActorKind = ActorKind.PSEUDONYM
    homepage: str | None = None  # the LMS's address, homePage of ACCOUNT actors, exactly as the LMS writes it
    roster: Roster | None = None

    @property
    def mode(self) -> str:
        """How the statements name trainees, in a word (the record of pushes keeps it)."""
        if self.kind is ActorKind.EMAIL:
            return "email"
        if self.kind is ActorKind.ACCOUNT:
            return f"account {self.homepage}"
        return "real-names" if self.real_names else "pseudonyms"

    def _identity_of(self, trainee: str) -> str | None:
        entry = self.roster.get(trainee) if self.roster is not None else None
        if entry is None:
            return None
        return entry.email if self.kind is ActorKind.EMAIL else entry.username

    def missing(self, trainees: Iterable[str]) -> list[str]:
        """The trainees, once each, whom the class list cannot name as this kind of actor asks."""
        if self.kind is ActorKind.PSEUDONYM:
            return []
        out: dict[str, str] = {}
        for trainee in trainees:
            if self._identity_of(trainee) is None:
                out.setdefault(trainee_key(trainee), trainee.strip())
        return sorted(out.values(), key=trainee_key)

    def check(self, trainees: Iterable[str]) -> None:
        """Raise NotInRoster naming every trainee without the identity asked for: never a silent fallback."""
        missing = self.missing(trainees)
        if missing:
            raise NotInRoster(self.kind, missing)

    def account_name(self, trainee: str) -> str:
        if self.real_names:
            return trainee.strip() or "anonymous"
        return pseudonym(trainee, self.salt)

    def identity(self, trainee: str) -> str:
        """What statement ids are derived from: the same trainee named another way gives other statements."""
        if self.kind is ActorKind.PSEUDONYM:
            return self.account_name(trainee)
        value = self._identity_of(trainee)
        if value is None:
            raise NotInRoster(self.kind, [trainee.strip()])
        return "mailto:" + value if self.kind is ActorKind.EMAIL else f"{self.homepage} {value}"

    def actor(self, trainee: str) -> dict:
        if self.kind is ActorKind.PSEUDONYM:
            agent = {"objectType": "Agent", "account": {"homePage": self.site, "name": self.account_name(trainee)}}
            if self.real_names and trainee.strip():
                agent["name"] = trainee.strip()
            return agent
        entry = self.roster.get(trainee) if self.roster is not None else None
        value = self._identity_of(trainee)
        if entry is None or value is None:
            raise NotInRoster(self.kind, [trainee.strip()])
        if self.kind is ActorKind.EMAIL:
            return {"objectType": "Agent", "name": entry.name, "mbox": "mailto:" + value}
        return {"objectType": "Agent", "name": entry.name, "account": {"homePage": self.homepage, "name": value}}


def site_of(url: str | None) -> str:
    site = (url or os.environ.get("PLATEAU_XAPI_SITE") or DEFAULT_SITE).strip()
    return site if site.endswith("/") else site + "/"


# ------------------------------------------------------------------ statements


def duration(seconds: float) -> str:
    """ISO 8601 duration: 'PT3M40S', 'PT1H2M', 'PT0S'."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs or not (hours or minutes) else "")
    return text


def _seconds_between(start: str, end: str) -> float:
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except ValueError:
        return 0.0


def statement_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _language_map(text: dict | None, fallback: str) -> dict[str, str]:
    text = {lang: value for lang, value in (text or {}).items() if isinstance(value, str) and value.strip()}
    return text or {"en": fallback}


def verb(name: str) -> dict:
    """A statement's verb: its id, and its name in each language (en first, as xAPI's own examples)."""
    return {"id": VERBS[name], "display": every_lang("xapi.verb." + name, ("en", "fr", "nl"))}


def course_activity(site: str) -> dict:
    """The Plateau course of this site: every scenario played here belongs to it."""
    return {"objectType": "Activity", "id": f"{site}course", "definition": {"type": COURSE, "name": every_lang("xapi.course")}}


def class_activity(site: str, name: str) -> dict:
    """A class ('Mons 2026-12'): its id is the name as trainees are matched (accents and case do not count)."""
    shown = " ".join(name.split())
    slug = quote("-".join(trainee_key(shown).split()), safe="")
    return {"objectType": "Activity", "id": f"{site}classes/{slug}",
            "definition": {"type": GROUP, "name": {lang: shown for lang in ("fr", "nl", "en")}}}


def session_statements(row: SessionRow, decisions, labels: dict[str, dict[str, dict]], actors: Actors, *,
                       missed: Iterable[dict] = (), class_name: str | None = None) -> list[dict]:
    """The statements of one stored session: decisions in turn order then the verdict, or `suspended` alone.

    `missed` are the procedure steps the call never performed ({"case", "step", "critical"}).
    """
    site = actors.site
    identity = actors.identity(row.trainee)
    actor = actors.actor(row.trainee)
    scenario_name = _language_map(labels["scenario"].get(row.scenario), row.scenario)
    scenario = {"objectType": "Activity", "id": f"{site}scenarios/{row.scenario}",
                "definition": {"type": SIMULATION, "name": scenario_name}}
    rubric = {"objectType": "Activity", "id": f"{site}rubrics/{row.rubric}",
              "definition": {"name": _language_map(labels["rubric"].get(row.rubric), row.rubric)}}
    grouping = [course_activity(site)] + ([class_activity(site, class_name)] if class_name else []) + [rubric]
    registration = str(uuid.uuid5(NAMESPACE, "registration/" + row.session))
    base_context = {"registration": registration, "platform": f"Plateau {row.plateau}".strip(),
                    "revision": str(row.scenario_version or 1),
                    "contextActivities": {"parent": [scenario], "grouping": grouping}}
    session_ext = {ext("session"): row.session, ext("content-hash"): row.content_hash, ext("mode"): row.mode}

    out = []
    # A decision is judged for good only when the call ends (a later turn can change how an earlier one counts),
    # so a call still open sends none yet: they go with its verdict, once.
    for d in decisions if row.status == "finished" else ():
        node_id = f"{site}scenarios/{row.scenario}/{d.case}/{d.node or 'dispatch'}"
        if d.kind == "option":
            definition = {"type": INTERACTION, "interactionType": "choice",
                          "name": _language_map({lang: f"{title} · {d.node}" for lang, title in scenario_name.items()},
                                                d.node),
                          "choices": [{"id": o, "description": _language_map(labels["option"].get(f"{row.scenario}/{o}"), o)}
                                      for o in d.offered] or None}
        else:
            definition = {"type": INTERACTION, "interactionType": "choice",
                          "name": _language_map({lang: f"{title} · {d.step or 'provider'}" for lang, title in
                                                 scenario_name.items()}, "provider")}
            node_id += "/provider"
        definition = {k: v for k, v in definition.items() if v is not None}
        result_ext = {ext("option"): d.option, ext("kind"): d.kind, ext("points"): d.points}
        if d.step:
            result_ext[ext("step")] = d.step
        if d.tone:
            result_ext[ext("tone")] = d.tone
        if d.breaks:
            result_ext[ext("breaks")] = list(d.breaks)
        out.append({
            "id": statement_id(row.session, "turn", str(d.turn), identity, site),
            "actor": actor,
            "verb": verb("answered"),
            "object": {"objectType": "Activity", "id": node_id, "definition": definition},
            "result": {"response": d.option, "success": not d.wrong, "extensions": result_ext},
            "context": {**base_context, "language": d.lang,
                        "extensions": {**session_ext, ext("turn"): d.turn, ext("case"): d.case,
                                       ext("simulated-minutes"): d.minutes}},
            "timestamp": d.at,
            "version": XAPI_VERSION,
        })

    spent = duration(_seconds_between(row.started, row.ended))
    call_ext = {ext("ending"): row.ending, ext("outcome"): row.outcome, ext("compliance"): row.compliance or None,
                ext("critical-failures"): [f.get("step") or f.get("reason") for f in row.critical_failures],
                ext("criteria"): {cid: c.percent for cid, c in row.criteria.items() if c.applies},
                ext("simulated-minutes"): row.minutes}
    call_ext = {k: v for k, v in call_ext.items() if v is not None}
    context = {**base_context, "contextActivities": {"grouping": grouping}, "language": row.lang, "extensions": session_ext}
    score = {"scaled": round(row.overall / 100, 4), "raw": row.overall, "min": 0, "max": 100}

    def call(name: str, result: dict, *id_parts: str) -> dict:
        return {"id": statement_id(row.session, name, *id_parts, identity, site), "actor": actor,
                "verb": verb(name), "object": scenario, "result": result,
                "context": context, "timestamp": row.ended, "version": XAPI_VERSION}

    if row.status == "finished":
        # cmi5 (9.5.2, 9.5.3): `completion` only on `completed`; `success` and `score` only on the verdict.
        out.append(call("completed", {"completion": True, "duration": spent}))
        verdict_ext = {**call_ext, ext("pass-mark"): row.pass_mark, ext("missed-steps"): list(missed)}
        out.append(call("passed" if row.passed else "failed",
                        {"score": score, "success": row.passed, "duration": spent, "extensions": verdict_ext}))
    else:
        # One per point where the call stopped: a call suspended twice, then finished, leaves two and one verdict.
        out.append(call("suspended", {"duration": spent, "extensions": call_ext}, str(row.turns)))
    return out


def missed_steps(store: Store, sids: list[int]) -> dict[int, list[dict]]:
    """For each session, the procedure steps its case(s) called for that it never performed, by case then step."""
    out: dict[int, list[dict]] = {sid: [] for sid in sids}
    for start in range(0, len(sids), 500):
        chunk = sids[start:start + 500]
        for sid, case, step, critical in store.db.execute(
                "SELECT sid, case_id, step, critical FROM steps WHERE performed = 0 "
                f"AND sid IN ({','.join('?' * len(chunk))}) ORDER BY sid, case_id, step", chunk):
            out[sid].append({"case": case, "step": step, "critical": bool(critical)})
    return out


def statements(store: Store, filters: Filters, actors: Actors, *, sessions: list[SessionRow] | None = None,
               class_name: str | None = None) -> list[tuple[int, list[dict]]]:
    """(session row id, its statements) for every stored session matching `filters`, oldest first.

    Raises NotInRoster, before making any statement, when the actors must come from the class
    list and some trainees are not in it.
    """
    rows = sessions if sessions is not None else store.sessions(filters)
    actors.check(r.trainee for r in rows)
    labels = {kind: store.labels(kind) for kind in ("scenario", "rubric", "option")}
    sids = [r.id for r in rows]
    decisions = store.decisions(sids)
    missed = missed_steps(store, sids)
    return [(r.id, session_statements(r, decisions[r.id], labels, actors, missed=missed[r.id], class_name=class_name))
            for r in rows]
