"""Subcommands of the instructor's desk: results, import, cohort, export, push.

Each command parses its arguments, calls the store, cohort or xapi module, and prints in the
language chosen with --lang (default: the system's). Modules are imported inside commands so
that `plateau results` starts quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path

from simulator.cli import EXIT_OK, EXIT_PROBLEM

WORDS: dict[str, dict[str, str]] = {
    # results
    "col.session": {"fr": "Session", "nl": "Sessie", "en": "Session"},
    "col.date": {"fr": "Date", "nl": "Datum", "en": "Date"},
    "col.trainee": {"fr": "Stagiaire", "nl": "Cursist", "en": "Trainee"},
    "col.scenario": {"fr": "Scénario", "nl": "Scenario", "en": "Scenario"},
    "col.version": {"fr": "Version", "nl": "Versie", "en": "Version"},
    "col.lang": {"fr": "Langue", "nl": "Taal", "en": "Language"},
    "col.mode": {"fr": "Mode", "nl": "Modus", "en": "Mode"},
    "col.status": {"fr": "Statut", "nl": "Status", "en": "Status"},
    "col.outcome": {"fr": "Issue", "nl": "Afloop", "en": "Outcome"},
    "col.score": {"fr": "Score", "nl": "Score", "en": "Score"},
    "col.result": {"fr": "Résultat", "nl": "Resultaat", "en": "Result"},
    "col.compliance": {"fr": "Conformité", "nl": "Conformiteit", "en": "Compliance"},
    "col.critical": {"fr": "Fautes critiques", "nl": "Kritieke fouten", "en": "Critical failures"},
    "col.criterion": {"fr": "{name} (%)", "nl": "{name} (%)", "en": "{name} (%)"},
    "col.minutes": {"fr": "Minutes simulées", "nl": "Gesimuleerde minuten", "en": "Simulated minutes"},
    "col.transcript": {"fr": "Transcription", "nl": "Transcript", "en": "Transcript"},
    "status.finished": {"fr": "terminé", "nl": "afgewerkt", "en": "finished"},
    "status.abandoned": {"fr": "abandonné", "nl": "afgebroken", "en": "abandoned"},
    "result.passed": {"fr": "réussi", "nl": "geslaagd", "en": "passed"},
    "result.failed": {"fr": "non réussi", "nl": "niet geslaagd", "en": "not passed"},
    "mode.practice": {"fr": "entraînement", "nl": "oefening", "en": "practice"},
    "mode.timed": {"fr": "chronométré", "nl": "getimed", "en": "timed"},
    "mode.answers": {"fr": "fichier de réponses", "nl": "antwoordbestand", "en": "answers file"},
    "mode.assess": {"fr": "auto-évaluation", "nl": "zelftest", "en": "self-assessment"},
    "results.none": {"fr": "Aucun appel ne correspond.", "nl": "Geen enkele oproep komt overeen.", "en": "No call matches."},
    "results.summary": {"fr": "Appels : {n} · réussis : {passed} sur {finished} terminés ({share}) · score moyen : {mean}",
                        "nl": "Oproepen: {n} · geslaagd: {passed} van {finished} afgewerkt ({share}) · gemiddelde score: {mean}",
                        "en": "Calls: {n} · passed: {passed} of {finished} finished ({share}) · mean score: {mean}"},
    "results.limited": {"fr": "Les {shown} derniers sur {total} ; --limit 0 pour tout voir.",
                        "nl": "De laatste {shown} van {total}; --limit 0 om alles te zien.",
                        "en": "The last {shown} of {total}; --limit 0 shows them all."},
    "written": {"fr": "Écrit : {path}", "nl": "Geschreven: {path}", "en": "Written: {path}"},
    # import
    "import.summary": {"fr": "{found} transcriptions : {added} ajoutées, {updated} mises à jour, {duplicate} déjà présentes, {refused} refusées.",
                       "nl": "{found} transcripts: {added} toegevoegd, {updated} bijgewerkt, {duplicate} al aanwezig, {refused} geweigerd.",
                       "en": "{found} transcripts: {added} added, {updated} updated, {duplicate} already there, {refused} refused."},
    "import.none": {"fr": "Aucune transcription (.jsonl) dans ces chemins.", "nl": "Geen transcripts (.jsonl) op deze plaatsen.",
                    "en": "No transcript (.jsonl) in these paths."},
    "import.refused": {"fr": "{source} : refusé, {reason}", "nl": "{source}: geweigerd, {reason}", "en": "{source}: refused, {reason}"},
    # export and push
    "export.done": {"fr": "{statements} déclarations xAPI pour {sessions} appels : {path}",
                    "nl": "{statements} xAPI-statements voor {sessions} oproepen: {path}",
                    "en": "{statements} xAPI statements for {sessions} calls: {path}"},
    "push.nothing": {"fr": "Rien à envoyer : ces appels sont déjà dans ce LRS (--all pour tout renvoyer).",
                     "nl": "Niets te versturen: deze oproepen staan al in deze LRS (--all om alles opnieuw te sturen).",
                     "en": "Nothing to send: these calls are already in this LRS (--all sends them all again)."},
    "push.done": {"fr": "{sent} déclarations de {sessions} appels envoyées à {lrs} en {requests} requêtes : {stored} enregistrées, {already} déjà présentes.",
                  "nl": "{sent} statements van {sessions} oproepen verstuurd naar {lrs} in {requests} verzoeken: {stored} opgeslagen, {already} al aanwezig.",
                  "en": "{sent} statements of {sessions} calls sent to {lrs} in {requests} requests: {stored} stored, {already} already there."},
    "push.retries": {"fr": "{n} nouvel(s) essai(s) après une erreur passagère.", "nl": "{n} nieuwe poging(en) na een tijdelijke fout.",
                     "en": "{n} retry(ies) after a passing error."},
    "push.conflicts": {"fr": "{n} en conflit : le LRS a déjà ces identifiants avec un autre contenu (le barème a-t-il changé depuis l'envoi ?).",
                       "nl": "{n} in conflict: de LRS heeft deze id's al met een andere inhoud (is de beoordeling sindsdien gewijzigd?).",
                       "en": "{n} in conflict: the LRS holds these ids with other content (did the rubric change since they were sent?)."},
    "push.rejected": {"fr": "{n} refusées par le LRS, par exemple : {detail}", "nl": "{n} geweigerd door de LRS, bijvoorbeeld: {detail}",
                      "en": "{n} refused by the LRS, for example: {detail}"},
    "push.password": {"fr": "Mot de passe du LRS pour {user} : ", "nl": "Wachtwoord van de LRS voor {user}: ",
                      "en": "LRS password for {user}: "},
    "push.no_password": {"fr": "donnez le mot de passe du LRS dans la variable PLATEAU_LRS_PASSWORD (ou --password).",
                         "nl": "geef het wachtwoord van de LRS in de variabele PLATEAU_LRS_PASSWORD (of --password).",
                         "en": "give the LRS password in the PLATEAU_LRS_PASSWORD variable (or --password)."},
    "push.no_lrs": {"fr": "indiquez le LRS avec --lrs URL (ou la variable PLATEAU_LRS).",
                    "nl": "geef de LRS op met --lrs URL (of de variabele PLATEAU_LRS).",
                    "en": "name the LRS with --lrs URL (or the PLATEAU_LRS variable)."},
    "push.no_user": {"fr": "indiquez l'utilisateur du LRS avec --user (ou la variable PLATEAU_LRS_USER).",
                     "nl": "geef de gebruiker van de LRS op met --user (of de variabele PLATEAU_LRS_USER).",
                     "en": "name the LRS user with --user (or the PLATEAU_LRS_USER variable)."},
}


def say(key: str, lang: str, **values) -> str:
    entry = WORDS[key]
    return entry.get(lang, entry["en"]).format(**values)


def _lang(args) -> str:
    from simulator.i18n import detect_lang
    return detect_lang(args.lang)


def _num(value: float | None, lang: str, comma: bool | None = None, digits: int = 1) -> str:
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if comma is None:
        comma = lang in ("fr", "nl")
    return text.replace(".", ",") if comma else text


def _local(iso: str, lang: str, *, csv: bool = False) -> str:
    moment = datetime.fromisoformat(iso).astimezone()
    if csv or lang == "en":
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%d/%m/%Y %H:%M")


def _day(text: str) -> date:
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"'{text}' is not a date (write 2026-03-01 or 01/03/2026)")


def _add_filters(p, *, outcome: bool = True) -> None:
    p.add_argument("--trainee", action="append", default=[], metavar="NAME",
                   help="only this trainee (accents and case do not matter); repeat for several")
    p.add_argument("--scenario", action="append", default=[], metavar="ID", help="only this scenario; repeat for several")
    p.add_argument("--since", type=_day, metavar="DATE", help="from this day on (2026-03-01 or 01/03/2026)")
    p.add_argument("--until", type=_day, metavar="DATE", help="up to and including this day")
    if outcome:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--passed", dest="passed", action="store_const", const=True, help="only passed calls")
        group.add_argument("--failed", dest="passed", action="store_const", const=False, help="only calls not passed")
        group = p.add_mutually_exclusive_group()
        group.add_argument("--finished", dest="status", action="store_const", const="finished", help="only calls that reached an ending")
        group.add_argument("--abandoned", dest="status", action="store_const", const="abandoned", help="only abandoned calls")
    p.add_argument("--assessments", action="store_true",
                   help="also count self-assessment calls ('plateau assess'), left out otherwise")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="language of the output (default: from the system)")


def _filters(args):
    from simulator.store import Filters
    return Filters(tuple(args.trainee), tuple(args.scenario), args.since, args.until,
                   getattr(args, "passed", None), getattr(args, "status", None), args.assessments)


def _console(**kwargs):
    """The terminal. Markup is off: names, notes and option texts come from people, '[/b]' included."""
    from rich.console import Console
    return Console(highlight=False, markup=False, **kwargs)


# ------------------------------------------------------------------ results


def _csv_rows(rows, lang: str, comma: bool) -> list[list[str]]:
    from simulator.i18n import t
    criteria = []
    for r in rows:
        criteria.extend(c for c in r.criteria if c not in criteria)
    order = ("calm", "procedure", "provider", "case_file", "timing", "language")
    criteria.sort(key=lambda c: (order.index(c) if c in order else len(order), c))

    def name(cid: str) -> str:
        try:
            return t("criterion." + cid, lang)
        except KeyError:
            return cid

    head = [say(k, lang) for k in ("col.session", "col.date", "col.trainee", "col.scenario", "col.version", "col.lang",
                                   "col.mode", "col.status", "col.outcome", "col.score", "col.result", "col.compliance",
                                   "col.critical")]
    head += [say("col.criterion", lang, name=name(c)) for c in criteria]
    head += [say("col.minutes", lang), say("col.transcript", lang)]
    out = [head]
    for r in rows:
        line = [r.session, _local(r.started, lang, csv=True), r.trainee, r.scenario, str(r.scenario_version or ""), r.lang,
                say("mode." + r.mode, lang) if "mode." + r.mode in WORDS else r.mode,
                say("status." + r.status, lang), t("outcome." + r.outcome, lang) if r.outcome else "",
                _num(r.overall, lang, comma), say("result.passed" if r.passed else "result.failed", lang),
                t("compliance." + r.compliance, lang) if r.compliance else "", str(len(r.critical_failures))]
        line += [_num(r.criteria[c].percent, lang, comma) if c in r.criteria and r.criteria[c].applies else "" for c in criteria]
        line += [_num(r.minutes, lang, comma, digits=2), r.transcript]
        out.append(line)
    return out


def _cell(value: str) -> str:
    """A text cell Excel will not read as a formula (a name typed as '=...' stays text)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows, stream, lang: str, *, decimal_comma: bool) -> None:
    """Results as CSV for Excel in Belgium and LibreOffice: ';' between cells, UTF-8 with a byte order mark."""
    import csv
    import io
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    for i, line in enumerate(_csv_rows(rows, lang, decimal_comma)):
        writer.writerow(line if i == 0 else [v if _is_number(v) else _cell(v) for v in line])
    stream.write(("\ufeff" + text.getvalue()).encode("utf-8"))


def _is_number(value: str) -> bool:
    return value.replace(",", "").replace(".", "").replace("-", "", 1).isdigit()


def cmd_results(args) -> int:
    import json
    from simulator.store import Store

    lang = _lang(args)
    filters = _filters(args)
    with Store() as store:
        if args.json or args.csv:
            rows = store.sessions(filters)
            total = len(rows)
        else:
            limit = args.limit if args.limit and args.limit > 0 else None
            rows = store.sessions(filters, limit=limit)
            total = store.count(filters) if limit and len(rows) == limit else len(rows)
    if args.json:
        text = json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
        _emit(text.encode("utf-8"), args.output, lang)
        return EXIT_OK
    if args.csv:
        import io
        buffer = io.BytesIO()
        write_csv(rows, buffer, lang, decimal_comma=args.decimal_comma)
        _emit(buffer.getvalue(), args.output, lang)
        return EXIT_OK
    _print_results(rows, total, lang)
    return EXIT_OK


def _emit(data: bytes, output: str | None, lang: str) -> None:
    if output:
        Path(output).write_bytes(data)
        print(say("written", lang, path=output), file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _print_results(rows, total: int, lang: str) -> None:
    from rich.text import Text
    from simulator.i18n import t
    from simulator.report import percent
    from simulator.tables import Column, fitted

    console = _console()
    if not rows:
        console.print(say("results.none", lang))
        return
    # A narrow window leaves out the compliance, then the outcome: the verdict already says passed or not.
    columns = [Column(say("col.date", lang), wrap=False), Column(say("col.trainee", lang)),
               Column(say("col.scenario", lang)), Column(say("col.score", lang), "right", wrap=False),
               Column(say("col.result", lang)), Column(say("col.outcome", lang), rank=1),
               Column(say("col.compliance", lang), rank=2)]
    cells = []
    for r in rows:
        if r.status == "abandoned":
            result, style = say("status.abandoned", lang), "yellow"
        else:
            result, style = say("result.passed" if r.passed else "result.failed", lang), "green" if r.passed else "red"
        cells.append([_local(r.started, lang), r.trainee, r.scenario, _num(r.overall, lang), Text(result, style=style),
                      t("outcome." + r.outcome, lang) if r.outcome else "",
                      t("compliance." + r.compliance, lang) if r.compliance else ""])
    console.print(fitted(console, columns, cells, show_edge=False, pad_edge=False))
    finished = [r for r in rows if r.status == "finished"]
    passed = sum(r.passed for r in finished)
    share = percent(100 * passed / len(finished) if finished else None, lang)
    mean = sum(r.overall for r in finished) / len(finished) if finished else None
    console.print(say("results.summary", lang, n=len(rows), passed=passed, finished=len(finished), share=share,
                      mean=_num(round(mean, 1), lang) if mean is not None else "–"))
    if total > len(rows):
        console.print(say("results.limited", lang, shown=len(rows), total=total))


# ------------------------------------------------------------------ import


def cmd_import(args) -> int:
    import json
    from simulator.store import Outcome, explain, import_paths

    lang = _lang(args)
    items = import_paths(args.paths, scenario_folders=[Path(f) for f in args.scenarios])
    counts = {o: sum(1 for i in items if i.outcome is o) for o in Outcome}
    refused = [i for i in items if i.refusal is not None]
    if args.json:
        print(json.dumps([{"source": i.source, "outcome": i.outcome.value if i.outcome else "refused",
                           "reason": i.refusal.value if i.refusal else None, "detail": i.detail} for i in items],
                         ensure_ascii=False, indent=2))
    else:
        for item in refused:
            print(say("import.refused", lang, source=item.source,
                      reason=explain(item.refusal, item.detail, lang)))
        if not items:
            print(say("import.none", lang))
        else:
            print(say("import.summary", lang, found=len(items), added=counts[Outcome.ADDED], updated=counts[Outcome.UPDATED],
                      duplicate=counts[Outcome.DUPLICATE], refused=len(refused)))
    return EXIT_PROBLEM if refused else EXIT_OK


# ------------------------------------------------------------------ cohort


def cmd_cohort(args) -> int:
    from simulator.cohort import build_cohort, render_html, render_terminal
    from simulator.store import Store

    lang = _lang(args)
    with Store() as store:
        cohort = build_cohort(store, _filters(args), top=args.top)
    render_terminal(cohort, lang, _console())
    if args.html:
        Path(args.html).write_text(render_html(cohort, lang), encoding="utf-8")
        print(say("written", lang, path=args.html))
    return EXIT_OK


# ------------------------------------------------------------------ xAPI


def _actors(args):
    from simulator.xapi import Actors, install_salt, site_of
    return Actors(site_of(args.site), b"" if args.real_names else install_salt(), args.real_names)


def cmd_export(args) -> int:
    import json
    from simulator.store import Store
    from simulator.xapi import statements

    lang = _lang(args)
    with Store() as store:
        per_session = statements(store, _filters(args), _actors(args))
    flat = [s for _, batch in per_session for s in batch]
    text = json.dumps(flat, ensure_ascii=False, indent=2) + "\n"
    if args.xapi == "-":
        sys.stdout.write(text)
    else:
        Path(args.xapi).write_text(text, encoding="utf-8")
        print(say("export.done", lang, statements=len(flat), sessions=len(per_session), path=args.xapi))
    return EXIT_OK


def cmd_push(args) -> int:
    from simulator.errors import PlateauError
    from simulator.store import Store
    from simulator.xapi import PushError, push, statements, statements_url

    lang = _lang(args)
    lrs = args.lrs or os.environ.get("PLATEAU_LRS")
    if not lrs:
        raise PlateauError(say("push.no_lrs", lang))
    user = args.user or os.environ.get("PLATEAU_LRS_USER")
    if not user:
        raise PlateauError(say("push.no_user", lang))
    password = args.password or os.environ.get("PLATEAU_LRS_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise PlateauError(say("push.no_password", lang))
        import getpass
        password = getpass.getpass(say("push.password", lang, user=user))
    url = statements_url(lrs)
    actors = _actors(args)
    with Store() as store:
        rows = store.sessions(_filters(args))
        if not args.all:
            done = store.pushed(url, actors.mode)
            rows = [r for r in rows if r.id not in done]
        per_session = statements(store, _filters(args), actors, sessions=rows)
        if not per_session:
            print(say("push.nothing", lang))
            return EXIT_OK
        owner = {s["id"]: sid for sid, batch in per_session for s in batch}
        remaining = {sid: len(batch) for sid, batch in per_session}

        def accepted(chunk, report) -> None:
            finished = []
            for s in chunk:
                sid = owner[s["id"]]
                remaining[sid] -= 1
                if remaining[sid] == 0:
                    finished.append(sid)
            if finished:
                store.mark_pushed(finished, url, actors.mode)

        flat = [s for _, batch in per_session for s in batch]
        try:
            report = push(flat, url, user, password, batch=args.batch, retries=args.retries, wait=args.wait,
                          on_batch=accepted)
        except PushError as exc:
            if exc.report is not None and exc.report.sent:
                _push_summary(exc.report, len(per_session), url, lang)
            raise
    _push_summary(report, len(per_session), url, lang)
    return EXIT_PROBLEM if report.conflicts or report.rejected else EXIT_OK


def _push_summary(report, sessions: int, url: str, lang: str) -> None:
    print(say("push.done", lang, sent=report.sent, sessions=sessions, lrs=url, requests=report.batches,
              stored=report.stored, already=report.already))
    if report.retries:
        print(say("push.retries", lang, n=report.retries))
    if report.conflicts:
        print(say("push.conflicts", lang, n=len(report.conflicts)))
    if report.rejected:
        print(say("push.rejected", lang, n=len(report.rejected), detail=report.rejected[0][1]))


# ------------------------------------------------------------------ registration


def register(add) -> None:
    p = add("results", "List recorded calls, filtered, as a table, JSON or CSV for Excel.",
            "plateau results --trainee 'Amélie Dupont' --since 2026-03-01 --csv -o results.csv", cmd_results)
    _add_filters(p)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON (one object per call, with per-criterion scores)")
    form.add_argument("--csv", action="store_true", help="CSV for Excel and LibreOffice: ';' separator, UTF-8 with BOM")
    p.add_argument("--decimal-comma", action="store_true", help="in CSV, write 94,4 instead of 94.4 (Excel set to Belgian French or Dutch)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the JSON or CSV to FILE instead of the screen")
    p.add_argument("--limit", type=int, default=100, metavar="N", help="the table shows the last N calls (0: all; default 100)")

    p = add("import", "Record trainees' transcripts (files, folders, zip archives) in the results, rescoring them.",
            "plateau import class-march.zip /media/usb/plateau --scenarios my-scenarios", cmd_import)
    p.add_argument("paths", nargs="+", help=".jsonl transcripts, folders holding them, or .zip archives of them")
    p.add_argument("--scenarios", action="append", default=[], metavar="FOLDER",
                   help="a folder of scenario files the transcripts were played on (besides the bundled ones); repeat for several")
    p.add_argument("--json", action="store_true", help="print what became of each transcript as JSON")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="language of the output (default: from the system)")

    p = add("cohort", "Summarise a class: progress per trainee, pass rates, missed steps, wrong choices, timings.",
            "plateau cohort --since 2026-03-01 --html class-report.html --lang fr", cmd_cohort)
    _add_filters(p, outcome=False)
    p.add_argument("-o", "--html", metavar="FILE", dest="html",
                   help="also write the report as one HTML page (prints on A4); -o as for 'plateau report'")
    p.add_argument("--top", type=int, default=10, metavar="N", help="how many missed steps and wrong choices to list (default 10)")

    p = add("export", "Write recorded calls as xAPI 1.0.3 statements (a JSON list) for a Learning Record Store.",
            "plateau export --xapi statements.json --since 2026-03-01", cmd_export)
    p.add_argument("--xapi", required=True, metavar="FILE", help="the file to write ('-' for the screen)")
    _add_xapi(p)

    p = add("push", "Send recorded calls to a Learning Record Store as xAPI statements (Basic auth, in batches).",
            "plateau push --lrs https://lrs.example.org/xAPI/ --user centre", cmd_push)
    p.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint (default: PLATEAU_LRS)")
    p.add_argument("--user", metavar="NAME", help="Basic auth user (default: PLATEAU_LRS_USER)")
    p.add_argument("--password", metavar="SECRET", help="Basic auth password (default: PLATEAU_LRS_PASSWORD, else asked)")
    p.add_argument("--all", action="store_true", help="send every selected call, also those this LRS already has")
    p.add_argument("--batch", type=int, default=50, metavar="N", help="statements per request (default 50)")
    p.add_argument("--retries", type=int, default=4, metavar="N", help="tries again after a passing error (default 4)")
    p.add_argument("--wait", type=float, default=1.0, metavar="SECONDS", help="first pause before trying again, doubled each time")
    _add_xapi(p)


def _add_xapi(p) -> None:
    _add_filters(p)
    p.add_argument("--real-names", action="store_true",
                   help="name trainees in the statements (default: a pseudonym, a salted hash of the name)")
    p.add_argument("--site", metavar="URL",
                   help="the centre's address, base of activity ids and accounts (default: PLATEAU_XAPI_SITE)")
