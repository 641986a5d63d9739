"""Recorded calls to a Learning Record Store: `plateau export --xapi`, `plateau push`, and a call pushed as it ends.

How statements name trainees (pseudonym, e-mail or LMS account, from the class list) and the class they
belong to; writing the statements to a file; sending them in batches, marking each call the LRS confirmed,
and saying what the LRS did with them. `push_call` sends one call as `plateau play --lrs` ends it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from simulator.cli_common import EXIT_OK, EXIT_PROBLEM
from simulator.desk_common import _filters, _lang, say
from simulator.errors import PlateauError
from simulator.i18n import tn
from simulator.safe import printable


def _configured_actor() -> str:
    """How statements name trainees when --actor is not given: PLATEAU_XAPI_ACTOR, else pseudonyms."""
    return os.environ.get("PLATEAU_XAPI_ACTOR") or "pseudonym"


def _configured_class() -> str | None:
    """The class when --class is not given: PLATEAU_XAPI_CLASS, for computers that serve one class."""
    return " ".join(os.environ.get("PLATEAU_XAPI_CLASS", "").split()) or None


def _actors(args, lang: str):
    """The actors --actor (or PLATEAU_XAPI_ACTOR), --real-names, --homepage and --site ask for."""
    return actors_for(args.actor or _configured_actor(), lang, real_names=args.real_names, homepage=args.homepage,
                      site=args.site)


def actors_for(actor: str, lang: str, *, real_names: bool = False, homepage: str | None = None,
               site: str | None = None):
    """How statements name trainees; the class list is read when they need it."""
    from simulator.xapi import ActorKind, Actors, install_salt, site_of

    try:
        kind = ActorKind(actor.strip())
    except ValueError:
        raise PlateauError(say("actor.bad_env", lang, value=printable(actor))) from None
    if real_names and kind is not ActorKind.PSEUDONYM:
        raise PlateauError(say("actor.real_names", lang, actor=kind.value))
    if homepage and kind is not ActorKind.ACCOUNT:
        raise PlateauError(say("actor.homepage_alone", lang))
    roster = None
    if kind is ActorKind.ACCOUNT:
        homepage = (homepage or os.environ.get("PLATEAU_XAPI_HOMEPAGE") or "").strip()
        if not homepage:
            raise PlateauError(say("actor.no_homepage", lang))
        if not homepage.startswith(("http://", "https://")):
            raise PlateauError(say("actor.bad_homepage", lang, url=homepage))
    if kind is not ActorKind.PSEUDONYM:
        from simulator.roster import load
        roster = load()
    salt = install_salt() if kind is ActorKind.PSEUDONYM and not real_names else b""
    return Actors(site_of(site), salt, real_names, kind, homepage or None, roster)


def _class_name(args, lang: str) -> str | None:
    """--class, else PLATEAU_XAPI_CLASS (a class's computers send each call under the class as it ends)."""
    if args.class_name is None:
        return _configured_class()
    name = " ".join(args.class_name.split())
    if not name:
        raise PlateauError(say("class.empty", lang))
    return name


def _statements(store, filters, actors, lang: str, class_name: str | None, **kwargs):
    """xapi.statements, with a trainee missing from the class list said in the interface language."""
    from simulator.xapi import NotInRoster, statements
    try:
        return statements(store, filters, actors, class_name=class_name, **kwargs)
    except NotInRoster as exc:
        raise PlateauError(say("actor.not_in_roster." + exc.kind.value, lang, names=", ".join(exc.trainees))) from None


def cmd_export(args) -> int:
    import json

    from simulator.store import Store

    lang = _lang(args)
    actors, class_name = _actors(args, lang), _class_name(args, lang)
    with Store() as store:
        per_session = _statements(store, _filters(args), actors, lang, class_name)
    flat = [s for _, batch in per_session for s in batch]
    text = json.dumps(flat, ensure_ascii=False, indent=2) + "\n"
    if args.xapi == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.xapi).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PlateauError(say("cannot_write", lang, path=args.xapi, reason=exc.strerror or exc)) from None
        print(say("export.done", lang, statements=len(flat), sessions=len(per_session), path=args.xapi))
    return EXIT_OK


def _lrs_url(lrs: str, lang: str) -> str:
    """The statements resource of `lrs`, or a PlateauError in the interface language (never showing a password)."""
    from simulator.xapi import PushError, statements_url
    try:
        return statements_url(lrs)
    except PushError as exc:
        raise PlateauError(exc.format(lang)) from None


def _send(store, per_session, url: str, user: str, password: str, sent_as: str, **options):
    """Push the statements of `per_session` ([(session row id, statements)]) and mark each call the LRS has shown
    it holds whole, as it is confirmed: a push cut short keeps what was confirmed. Returns the PushReport; a
    PushError carries it."""
    from simulator.xapi import push
    owner = {s["id"]: sid for sid, batch in per_session for s in batch}
    remaining = {sid: len(batch) for sid, batch in per_session}

    def confirmed(chunk, report) -> None:
        finished = []
        for s in chunk:
            sid = owner[s["id"]]
            remaining[sid] -= 1
            if remaining[sid] == 0:
                finished.append(sid)
        if finished:
            store.mark_pushed(finished, url, sent_as)

    flat = [s for _, batch in per_session for s in batch]
    return push(flat, url, user, password, on_batch=confirmed, **options)


def cmd_push(args) -> int:
    from simulator.store import Store
    from simulator.xapi import PushError

    lang = _lang(args)
    lrs = args.lrs or os.environ.get("PLATEAU_LRS")
    if not lrs:
        raise PlateauError(say("push.no_lrs", lang))
    url = _lrs_url(lrs, lang)
    user = args.user or os.environ.get("PLATEAU_LRS_USER")
    if not user:
        raise PlateauError(say("push.no_user", lang))
    actors, class_name = _actors(args, lang), _class_name(args, lang)
    # A call is sent once to an LRS for each way of naming trainees (statement ids depend on it). The class is
    # not part of a statement's id: a call keeps the class it was first sent with.
    sent_as = actors.mode
    with Store() as store:
        rows = store.sessions(_filters(args))
        if not args.all:
            done = store.pushed(url, sent_as)
            rows = [r for r in rows if r.id not in done]
        per_session = _statements(store, _filters(args), actors, lang, class_name, sessions=rows)
        if not per_session:
            print(say("push.nothing", lang))
            return EXIT_OK
        _warn_if_plain(url, lang)
        password = _password(args, user, lang)  # asked once the statements are known to be ready to go
        try:
            report = _send(store, per_session, url, user, password, sent_as, batch=args.batch, retries=args.retries,
                           wait=args.wait, deadline=args.deadline)
        except PushError as exc:
            if exc.report is not None and (exc.report.sent or exc.report.unconfirmed):
                _push_summary(exc.report, len(per_session), url, lang)
            raise PlateauError(exc.format(lang)) from None
    _push_summary(report, len(per_session), url, lang)
    return EXIT_PROBLEM if report.conflicts or report.rejected or report.unconfirmed else EXIT_OK


def _warn_if_plain(url: str, lang: str) -> None:
    """Plain http:// to another machine goes on, with a warning: the password and the results travel unencrypted."""
    from simulator.i18n import t
    from simulator.xapi import plain_http_elsewhere, shown_address
    if plain_http_elsewhere(url):
        print(t("err.prefix", lang) + say("push.insecure", lang, lrs=shown_address(url)), file=sys.stderr)


def _password(args, user: str, lang: str) -> str:
    password = args.password or os.environ.get("PLATEAU_LRS_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise PlateauError(say("push.no_password", lang))
        import getpass
        password = getpass.getpass(say("push.password", lang, user=user))
    return password


def _push_summary(report, sessions: int, url: str, lang: str) -> None:
    from simulator.xapi import shown_address
    print(say("push.done", lang, sent=report.sent, sessions=sessions, lrs=shown_address(url), requests=report.batches,
              stored=report.stored, already=report.already))
    if report.retries:
        print(tn("desk.push.retries", report.retries, lang))
    if report.conflicts:
        print(say("push.conflicts", lang, n=len(report.conflicts)))
    if report.rejected:
        print(tn("desk.push.rejected", len(report.rejected), lang, detail=report.rejected[0][1]))
    if report.unconfirmed:
        why = ", ".join(sorted({w for _, w in report.unconfirmed}))
        print(tn("desk.push.unconfirmed", len(report.unconfirmed), lang, why=why))
    if report.odd and report.unconfirmed:  # (Ralph answers 204 when it held them all: odd alone is no trouble)
        print(tn("desk.push.odd", len(report.odd), lang, example=report.odd[0]))
    if report.unreadable is not None:
        print(say("push.cannot_read", lang, status=report.unreadable))


# A call pushed as it ends waits for the LRS a short while only: the trainee is waiting for the debrief.
LIVE_DEADLINE, LIVE_RETRIES = 15.0, 1


def push_call(header: dict, lrs: str | None, lang: str) -> None:
    """Send one call's statements to the LRS as the call ends or is stopped (`plateau play --lrs URL`, or
    PLATEAU_LRS with PLATEAU_LRS_USER and PLATEAU_LRS_PASSWORD), right after it is recorded, so that the LRS's own
    `stored` time witnesses it. Trainees are named as PLATEAU_XAPI_ACTOR says (pseudonyms by default), under
    PLATEAU_XAPI_CLASS if set, as `plateau push` would name them.

    Never asks for anything and never raises: a call that cannot go now goes with the next `plateau push`, and one
    plain line on stderr says so.
    """
    lrs = lrs or os.environ.get("PLATEAU_LRS")
    if not lrs:
        return
    from simulator.store import Filters, Store
    from simulator.xapi import PushError, shown_address, statements_url

    def not_sent(why: str) -> None:
        print(say("live.not_sent", lang, why=why), file=sys.stderr)

    try:
        url = statements_url(lrs)
        user, password = os.environ.get("PLATEAU_LRS_USER"), os.environ.get("PLATEAU_LRS_PASSWORD")
        if not user:
            return not_sent(say("live.no_user", lang))
        if password is None:
            return not_sent(say("live.no_password", lang))
        actors, class_name = actors_for(_configured_actor(), lang), _configured_class()
        with Store() as store:
            filters = Filters(trainees=(str(header.get("trainee", "")),), scenarios=(str(header.get("scenario", "")),),
                              assessments=True)
            rows = [r for r in store.sessions(filters) if r.session == header.get("session")]
            if not rows:
                return not_sent(say("live.not_recorded", lang))
            per_session = _statements(store, filters, actors, lang, class_name, sessions=rows)
            _warn_if_plain(url, lang)
            report = _send(store, per_session, url, user, password, actors.mode, retries=LIVE_RETRIES, wait=1.0,
                           deadline=LIVE_DEADLINE)
    except PushError as exc:
        return not_sent(exc.what(lang))
    except PlateauError as exc:
        return not_sent(str(exc).rstrip(".") + ".")
    except KeyboardInterrupt:
        return not_sent(say("live.interrupted", lang))
    except Exception as exc:  # never let the push break the end of a call
        return not_sent(say("live.failed", lang, reason=f"{type(exc).__name__}: {exc}".replace("\n", " ").rstrip(".")))
    if report.unconfirmed:
        return not_sent(tn("desk.live.unconfirmed", len(report.unconfirmed), lang))
    if report.conflicts or report.rejected:
        detail = report.rejected[0][1] if report.rejected else "409"
        return not_sent(tn("desk.live.refused", len(report.conflicts) + len(report.rejected), lang, detail=detail))
    print(tn("desk.live.sent", report.sent, lang, lrs=shown_address(url)), file=sys.stderr)
