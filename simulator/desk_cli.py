"""Subcommands of the instructor's desk: results, import, cohort, export, push, roster.

Each command parses its arguments, calls the store, cohort or xapi module, and prints in the
language chosen with --lang (default: the system's). Modules are imported inside commands so
that `plateau results` starts quickly.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from simulator.cli import EXIT_OK, EXIT_PROBLEM
from simulator.errors import PlateauError
from simulator.safe import printable

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
    "cannot_write": {"fr": "impossible d'écrire {path} ({reason}) ; s'il est ouvert dans Excel, fermez-le et recommencez.",
                     "nl": "{path} kan niet geschreven worden ({reason}); als het open is in Excel, sluit het en probeer opnieuw.",
                     "en": "cannot write {path} ({reason}); if it is open in Excel, close it and try again."},
    # the workbook
    "sheet.calls": {"fr": "Appels", "nl": "Oproepen", "en": "Calls"},
    "sheet.criteria": {"fr": "Critères", "nl": "Criteria", "en": "Criteria"},
    "sheet.compliance": {"fr": "Conformité", "nl": "Conformiteit", "en": "Compliance"},
    "col.criterion_name": {"fr": "Critère", "nl": "Criterium", "en": "Criterion"},
    "col.points": {"fr": "Points", "nl": "Punten", "en": "Points"},
    "col.out_of": {"fr": "Sur", "nl": "Op", "en": "Out of"},
    "col.percent": {"fr": "Pourcentage", "nl": "Percentage", "en": "Percentage"},
    "col.level": {"fr": "Niveau", "nl": "Niveau", "en": "Level"},
    "col.compliance_level": {"fr": "Niveau de conformité", "nl": "Conformiteitsniveau", "en": "Compliance level"},
    "col.calls": {"fr": "Appels terminés", "nl": "Afgewerkte oproepen", "en": "Finished calls"},
    "col.share": {"fr": "Part", "nl": "Aandeel", "en": "Share"},
    "xlsx.no_openpyxl": {"fr": "il manque openpyxl pour écrire un classeur Excel ; installez-le avec : pip install openpyxl",
                         "nl": "openpyxl ontbreekt om een Excel-werkmap te schrijven; installeer het met: pip install openpyxl",
                         "en": "openpyxl is missing to write an Excel workbook; install it with: pip install openpyxl"},
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
    "push.conflicts": {"fr": "{n} en conflit : le LRS a déjà ces identifiants avec un autre contenu (le barème ou la classe ont-ils changé depuis l'envoi ?).",
                       "nl": "{n} in conflict: de LRS heeft deze id's al met een andere inhoud (zijn de beoordeling of de klas sindsdien gewijzigd?).",
                       "en": "{n} in conflict: the LRS holds these ids with other content (did the rubric or the class change since they were sent?)."},
    "push.rejected": {"fr": "{n} refusées par le LRS, par exemple : {detail}", "nl": "{n} geweigerd door de LRS, bijvoorbeeld: {detail}",
                      "en": "{n} refused by the LRS, for example: {detail}"},
    "push.odd": {"fr": "Le LRS a répondu à {n} requête(s) sans la liste des identifiants enregistrés que demande xAPI "
                       "({example}) : Plateau a relu les déclarations une à une.",
                 "nl": "De LRS beantwoordde {n} verzoek(en) zonder de lijst van opgeslagen id's die xAPI vraagt "
                       "({example}): Plateau heeft de statements een voor een teruggelezen.",
                 "en": "The LRS answered {n} request(s) without the list of stored ids xAPI asks for ({example}): "
                       "Plateau read the statements back one by one."},
    "push.unconfirmed": {"fr": "{n} déclarations non confirmées ({why}) : le LRS ne les a pas citées comme enregistrées "
                               "et la relecture ne les a pas trouvées. Elles ne sont pas marquées comme envoyées : le "
                               "prochain plateau push les renverra.",
                         "nl": "{n} statements niet bevestigd ({why}): de LRS noemde ze niet als opgeslagen en bij het "
                               "teruglezen werden ze niet gevonden. Ze zijn niet als verstuurd gemarkeerd: de volgende "
                               "plateau push stuurt ze opnieuw.",
                         "en": "{n} statements not confirmed ({why}): the LRS did not list them as stored, and reading "
                               "them back did not find them. They are not marked as sent: the next plateau push sends "
                               "them again."},
    "push.cannot_read": {"fr": "L'utilisateur du LRS n'a pas le droit de relire les déclarations ({status}) : donnez-lui "
                               "celui de lire les siennes (dans Ralph : statements/read/mine), pour que Plateau vérifie "
                               "celles que le LRS ne cite pas.",
                         "nl": "De gebruiker van de LRS mag de statements niet teruglezen ({status}): geef hem het recht "
                               "zijn eigen statements te lezen (in Ralph: statements/read/mine), zodat Plateau kan "
                               "nagaan wat de LRS niet noemt.",
                         "en": "The LRS user may not read statements back ({status}): give it the right to read its "
                               "own (in Ralph: statements/read/mine), so that Plateau can check those the LRS does not "
                               "list."},
    "push.insecure": {"fr": "attention : {lrs} est en http:// simple vers une autre machine : le mot de passe et les "
                            "résultats des stagiaires circulent en clair. Utilisez l'adresse https:// du LRS.",
                      "nl": "let op: {lrs} is gewoon http:// naar een andere machine: het wachtwoord en de resultaten "
                            "van de cursisten gaan onversleuteld over het netwerk. Gebruik het https://-adres van de LRS.",
                      "en": "warning: {lrs} is plain http:// to another machine: the password and the trainees' results "
                            "travel unencrypted. Use the LRS's https:// address."},
    # a call pushed as it ends (plateau play --lrs, or PLATEAU_LRS)
    "live.sent": {"fr": "Envoyé au LRS ({lrs}) : {n} déclarations.", "nl": "Verstuurd naar de LRS ({lrs}): {n} statements.",
                  "en": "Sent to the LRS ({lrs}): {n} statements."},
    "live.not_sent": {"fr": "plateau : appel pas encore envoyé au LRS : {why} Il est enregistré et partira avec le "
                            "prochain plateau push.",
                      "nl": "plateau: oproep nog niet naar de LRS verstuurd: {why} Ze is opgeslagen en gaat mee met "
                            "de volgende plateau push.",
                      "en": "plateau: call not sent to the LRS yet: {why} It is saved, and goes with the next "
                            "plateau push."},
    "live.no_user": {"fr": "aucun utilisateur configuré (PLATEAU_LRS_USER).", "nl": "geen gebruiker ingesteld (PLATEAU_LRS_USER).",
                     "en": "no user is configured (PLATEAU_LRS_USER)."},
    "live.no_password": {"fr": "aucun mot de passe configuré (PLATEAU_LRS_PASSWORD).",
                         "nl": "geen wachtwoord ingesteld (PLATEAU_LRS_PASSWORD).",
                         "en": "no password is configured (PLATEAU_LRS_PASSWORD)."},
    "live.not_recorded": {"fr": "l'appel n'est pas dans les résultats.", "nl": "de oproep staat niet in de resultaten.",
                          "en": "the call is not in the results."},
    "live.unconfirmed": {"fr": "le LRS n'a pas confirmé {n} déclarations.", "nl": "de LRS heeft {n} statements niet bevestigd.",
                         "en": "the LRS did not confirm {n} statements."},
    "live.refused": {"fr": "le LRS a refusé {n} déclarations ({detail}).", "nl": "de LRS heeft {n} statements geweigerd ({detail}).",
                     "en": "the LRS refused {n} statements ({detail})."},
    "live.interrupted": {"fr": "envoi interrompu.", "nl": "verzending onderbroken.", "en": "the push was interrupted."},
    "live.failed": {"fr": "{reason}.", "nl": "{reason}.", "en": "{reason}."},
    "actor.bad_env": {"fr": "PLATEAU_XAPI_ACTOR vaut « {value} » ; il faut pseudonym, email ou account.",
                      "nl": "PLATEAU_XAPI_ACTOR is “{value}”; het moet pseudonym, email of account zijn.",
                      "en": "PLATEAU_XAPI_ACTOR is '{value}'; it must be pseudonym, email or account."},
    "push.password": {"fr": "Mot de passe du LRS pour {user} : ", "nl": "Wachtwoord van de LRS voor {user}: ",
                      "en": "LRS password for {user}: "},
    "push.no_password": {"fr": "donnez le mot de passe du LRS dans la variable PLATEAU_LRS_PASSWORD (ou --password).",
                         "nl": "geef het wachtwoord van de LRS in de variabele PLATEAU_LRS_PASSWORD (of --password).",
                         "en": "give the LRS password in the PLATEAU_LRS_PASSWORD variable (or --password)."},
    "push.no_lrs": {"fr": "indiquez le LRS avec --lrs URL (ou la variable PLATEAU_LRS).",
                    "nl": "geef de LRS op met --lrs URL (of de variabele PLATEAU_LRS).",
                    "en": "name the LRS with --lrs URL (or the PLATEAU_LRS variable)."},
    # who the statements name, and the class
    "actor.real_names": {"fr": "--real-names va avec --actor pseudonym ; avec --actor {actor}, le nom vient déjà de la liste de la classe.",
                         "nl": "--real-names hoort bij --actor pseudonym; met --actor {actor} komt de naam al uit de klaslijst.",
                         "en": "--real-names goes with --actor pseudonym; with --actor {actor} the name already comes from the class list."},
    "actor.homepage_alone": {"fr": "--homepage va avec --actor account (l'adresse de la plateforme où sont les comptes).",
                             "nl": "--homepage hoort bij --actor account (het adres van het platform waar de accounts staan).",
                             "en": "--homepage goes with --actor account (the address of the platform the accounts are on)."},
    "actor.no_homepage": {"fr": "avec --actor account, donnez l'adresse de la plateforme avec --homepage URL, telle qu'elle l'écrit "
                                "(par exemple https://moodle.centre.be), ou la variable PLATEAU_XAPI_HOMEPAGE.",
                          "nl": "met --actor account, geef het adres van het platform met --homepage URL, zoals het platform het schrijft "
                                "(bijvoorbeeld https://moodle.centrum.be), of de variabele PLATEAU_XAPI_HOMEPAGE.",
                          "en": "with --actor account, give the platform's address with --homepage URL, as the platform writes it "
                                "(for example https://moodle.centre.be), or the PLATEAU_XAPI_HOMEPAGE variable."},
    "actor.bad_homepage": {"fr": "« {url} » n'est pas une adresse http(s) ; donnez celle de la plateforme, par exemple https://moodle.centre.be.",
                           "nl": "“{url}” is geen http(s)-adres; geef dat van het platform, bijvoorbeeld https://moodle.centrum.be.",
                           "en": "'{url}' is not an http(s) address; give the platform's, for example https://moodle.centre.be."},
    "actor.not_in_roster.email": {
        "fr": "la liste de la classe n'a pas d'adresse e-mail pour {names}. Ajoutez-les à votre liste (colonnes stagiaire;email), "
              "lancez plateau roster import FICHIER.csv, puis recommencez ; ou ne prenez que les appels des autres avec --trainee NOM.",
        "nl": "de klaslijst heeft geen e-mailadres voor {names}. Voeg ze toe aan uw lijst (kolommen cursist;email), "
              "voer plateau roster import BESTAND.csv uit en probeer opnieuw; of neem alleen de oproepen van de anderen met --trainee NAAM.",
        "en": "the class list has no e-mail address for {names}. Add them to your list (columns trainee;email), "
              "run plateau roster import FILE.csv, then try again; or take only the others' calls with --trainee NAME."},
    "actor.not_in_roster.account": {
        "fr": "la liste de la classe n'a pas d'identifiant pour {names}. Ajoutez-les à votre liste (colonnes stagiaire;identifiant), "
              "lancez plateau roster import FICHIER.csv, puis recommencez ; ou ne prenez que les appels des autres avec --trainee NOM.",
        "nl": "de klaslijst heeft geen gebruikersnaam voor {names}. Voeg ze toe aan uw lijst (kolommen cursist;gebruikersnaam), "
              "voer plateau roster import BESTAND.csv uit en probeer opnieuw; of neem alleen de oproepen van de anderen met --trainee NAAM.",
        "en": "the class list has no username for {names}. Add them to your list (columns trainee;username), "
              "run plateau roster import FILE.csv, then try again; or take only the others' calls with --trainee NAME."},
    "class.empty": {"fr": "--class attend le nom de la classe, par exemple --class \"Mons 2026-12\".",
                    "nl": "--class verwacht de naam van de klas, bijvoorbeeld --class \"Gent 2026-12\".",
                    "en": "--class needs the class's name, for example --class \"Mons 2026-12\"."},
    # roster
    "col.email": {"fr": "E-mail", "nl": "E-mail", "en": "E-mail"},
    "col.username": {"fr": "Identifiant", "nl": "Gebruikersnaam", "en": "Username"},
    "roster.no_file": {"fr": "il n'y a pas de fichier « {path} ».", "nl": "er is geen bestand “{path}”.",
                       "en": "there is no file '{path}'."},
    "roster.nothing": {"fr": "Rien d'importé : corrigez les lignes ci-dessus, puis importez le fichier à nouveau.",
                       "nl": "Niets geïmporteerd: verbeter de regels hierboven en importeer het bestand opnieuw.",
                       "en": "Nothing imported: correct the lines above, then import the file again."},
    "roster.imported": {"fr": "{rows} stagiaires lus : {added} ajoutés, {updated} mis à jour, {refused} ligne(s) refusée(s). "
                              "La liste de la classe compte {total} stagiaires ({path}).",
                        "nl": "{rows} cursisten gelezen: {added} toegevoegd, {updated} bijgewerkt, {refused} regel(s) geweigerd. "
                              "De klaslijst telt {total} cursisten ({path}).",
                        "en": "{rows} trainees read: {added} added, {updated} updated, {refused} line(s) refused. "
                              "The class list has {total} trainees ({path})."},
    "roster.empty": {"fr": "La liste de la classe est vide. Importez-la avec : plateau roster import FICHIER.csv "
                           "(colonnes stagiaire;email ou stagiaire;identifiant).",
                     "nl": "De klaslijst is leeg. Importeer ze met: plateau roster import BESTAND.csv "
                           "(kolommen cursist;email of cursist;gebruikersnaam).",
                     "en": "The class list is empty. Import it with: plateau roster import FILE.csv "
                           "(columns trainee;email or trainee;username)."},
    "roster.count": {"fr": "{n} stagiaires dans la liste de la classe ({path}).", "nl": "{n} cursisten in de klaslijst ({path}).",
                     "en": "{n} trainees in the class list ({path})."},
    "roster.missing": {"fr": "Pas dans la liste, avec des appels enregistrés : {names}.",
                       "nl": "Niet in de lijst, met opgenomen oproepen: {names}.",
                       "en": "Not in the list, with recorded calls: {names}."},
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


def _local(iso: str, lang: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone()
    if lang == "en":
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


# A spreadsheet reads numbers and dates as its locale writes them: Excel set to French or Dutch (Belgium)
# takes 94,4 and 02/03/2026 09:30; Excel in English takes 94.4 and 2026-03-02 09:30 (as LibreOffice in any locale).
DATE_FORMATS = {True: ("%d/%m/%Y %H:%M", "dd/mm/yyyy hh:mm"), False: ("%Y-%m-%d %H:%M", "yyyy-mm-dd hh:mm")}


def decimal_comma(choice: str | None, lang: str) -> bool:
    """The decimal mark of spreadsheets: --decimal (or --decimal-comma, --decimal-point), else the language's."""
    if choice is not None:
        return choice == "comma"
    return lang in ("fr", "nl")


class Kind(str, Enum):
    """What a column holds, so that each writer gives it its own form (CSV text, a workbook's typed cell)."""

    TEXT = "text"
    NUMBER = "number"
    WHOLE = "whole"
    DATE = "date"
    SHARE = "share"  # a fraction shown as a percentage


@dataclass(frozen=True)
class View:
    """One table of the results (a CSV file, a sheet of a workbook): a title, column titles and kinds, rows of values."""

    title: str
    head: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: tuple[tuple, ...]


def _criteria_order(rows) -> list[str]:
    criteria: list[str] = []
    for r in rows:
        criteria.extend(c for c in r.criteria if c not in criteria)
    order = ("calm", "procedure", "provider", "case_file", "timing", "language")
    return sorted(criteria, key=lambda c: (order.index(c) if c in order else len(order), c))


def _criterion_name(cid: str, lang: str) -> str:
    from simulator.i18n import t
    try:
        return t("criterion." + cid, lang)
    except KeyError:
        return cid


def _moment(iso: str) -> datetime:
    """A stored moment (UTC) as the local time a spreadsheet shows, without zone (spreadsheets have none)."""
    return datetime.fromisoformat(iso).astimezone().replace(tzinfo=None)


def calls_view(rows, lang: str) -> View:
    """One line per call, with each criterion's score in its own column: the CSV and the first sheet."""
    from simulator.i18n import t
    criteria = _criteria_order(rows)
    head = [say(k, lang) for k in ("col.session", "col.date", "col.trainee", "col.scenario", "col.version", "col.lang",
                                   "col.mode", "col.status", "col.outcome", "col.score", "col.result", "col.compliance",
                                   "col.critical")]
    head += [say("col.criterion", lang, name=_criterion_name(c, lang)) for c in criteria]
    head += [say("col.minutes", lang), say("col.transcript", lang)]
    kinds = (Kind.TEXT, Kind.DATE) + (Kind.TEXT,) * 2 + (Kind.WHOLE,) + (Kind.TEXT,) * 4 + (Kind.NUMBER,) + \
        (Kind.TEXT,) * 2 + (Kind.WHOLE,) + (Kind.NUMBER,) * len(criteria) + (Kind.NUMBER, Kind.TEXT)
    out = []
    for r in rows:
        line = [r.session, _moment(r.started), r.trainee, r.scenario, r.scenario_version, r.lang,
                say("mode." + r.mode, lang) if "mode." + r.mode in WORDS else r.mode,
                say("status." + r.status, lang), t("outcome." + r.outcome, lang) if r.outcome else "",
                r.overall, say("result.passed" if r.passed else "result.failed", lang),
                t("compliance." + r.compliance, lang) if r.compliance else "", len(r.critical_failures)]
        line += [r.criteria[c].percent if c in r.criteria and r.criteria[c].applies else None for c in criteria]
        line += [r.minutes, r.transcript]
        out.append(tuple(line))
    return View(say("sheet.calls", lang), tuple(head), kinds, tuple(out))


def criteria_view(rows, lang: str) -> View:
    """One line per call and criterion that applied to it: points, out of how many, percentage, level."""
    head = tuple(say(k, lang) for k in ("col.session", "col.date", "col.trainee", "col.scenario", "col.criterion_name",
                                        "col.points", "col.out_of", "col.percent", "col.level"))
    kinds = (Kind.TEXT, Kind.DATE, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.NUMBER, Kind.TEXT)
    order = _criteria_order(rows)
    out = []
    for r in rows:
        for cid in order:
            c = r.criteria.get(cid)
            if c is None or not c.applies:
                continue
            level = (c.level or {}).get(lang) or (c.level or {}).get("en") or ""
            out.append((r.session, _moment(r.started), r.trainee, r.scenario, _criterion_name(cid, lang),
                        c.score, c.max, c.percent, level))
    return View(say("sheet.criteria", lang), head, kinds, tuple(out))


def compliance_view(rows, lang: str) -> View:
    """How many finished calls reached each compliance level of the procedure, and their share."""
    from simulator.i18n import t
    from simulator.loader import COMPLIANCE_LEVELS
    assessed = [r.compliance for r in rows if r.status == "finished" and r.compliance in COMPLIANCE_LEVELS]
    head = tuple(say(k, lang) for k in ("col.compliance_level", "col.calls", "col.share"))
    out = tuple((t("compliance." + level, lang), assessed.count(level),
                 round(assessed.count(level) / len(assessed), 4) if assessed else None) for level in COMPLIANCE_LEVELS)
    return View(say("sheet.compliance", lang), head, (Kind.TEXT, Kind.WHOLE, Kind.SHARE), out)


def csv_text(value: str) -> str:
    """A text cell Excel will not read as a formula (a name typed as '=...' stays text).

    Control characters are made visible first (simulator.safe): a NUL before '=' would otherwise
    hide the '=' from this check and be dropped by the spreadsheet, which would then run the formula.
    """
    value = printable(value)
    return "'" + value if value.lstrip()[:1] in ("=", "+", "-", "@") else value


def _csv_value(value, kind: str, lang: str, comma: bool) -> str:
    if value is None:
        return ""
    if kind == Kind.DATE:
        return value.strftime(DATE_FORMATS[comma][0])
    if kind in (Kind.NUMBER, Kind.SHARE):
        return _num(float(value), lang, comma, digits=4 if kind == Kind.SHARE else 2)
    if kind == Kind.WHOLE:
        return str(value)
    return csv_text(str(value))


def write_csv(rows, stream, lang: str, *, decimal_comma: bool) -> None:
    """Results as CSV for Excel in Belgium and LibreOffice: ';' between cells, UTF-8 with a byte order mark."""
    import csv
    import io
    view = calls_view(rows, lang)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(view.head)
    for line in view.rows:
        writer.writerow([_csv_value(v, k, lang, decimal_comma) for v, k in zip(line, view.kinds)])
    stream.write(("\ufeff" + text.getvalue()).encode("utf-8"))


def write_xlsx(rows, stream, lang: str, *, decimal_comma: bool) -> None:
    """Results as an Excel workbook: one sheet per view, numbers and dates typed, the title row frozen."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise PlateauError(say("xlsx.no_openpyxl", lang)) from None
    book = Workbook()
    book.remove(book.active)
    for view in (calls_view(rows, lang), criteria_view(rows, lang), compliance_view(rows, lang)):
        sheet = book.create_sheet(view.title[:31])
        sheet.append([printable(h) for h in view.head])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in view.head]
        for r, line in enumerate(view.rows, start=2):
            for c, (value, kind) in enumerate(zip(line, view.kinds), start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c)
                if kind == Kind.TEXT:
                    cell.value = printable(str(value))
                    cell.data_type = "s"  # text stays text, '=...' included: never a formula
                    widths[c - 1] = max(widths[c - 1], len(cell.value))
                else:
                    cell.value = value
                    if kind == Kind.DATE:
                        cell.number_format = DATE_FORMATS[decimal_comma][1]
                        widths[c - 1] = max(widths[c - 1], 16)
                    elif kind == Kind.SHARE:
                        cell.number_format = "0.0%"
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width, 6) + 2, 60)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    book.save(stream)


def cmd_results(args) -> int:
    import json
    from simulator.store import Store

    lang = _lang(args)
    filters = _filters(args)
    whole = args.json or args.csv or args.xlsx
    with Store() as store:
        if whole:
            rows = store.sessions(filters)
            total = len(rows)
        else:
            limit = args.limit if args.limit and args.limit > 0 else None
            rows = store.sessions(filters, limit=limit)
            total = store.count(filters) if limit and len(rows) == limit else len(rows)
    comma = decimal_comma(args.decimal, lang)
    if args.json:
        text = json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
        _emit(text.encode("utf-8"), args.output, lang)
        return EXIT_OK
    if args.csv:
        import io
        buffer = io.BytesIO()
        write_csv(rows, buffer, lang, decimal_comma=comma)
        _emit(buffer.getvalue(), args.output, lang)
        return EXIT_OK
    if args.xlsx:
        import io
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, lang, decimal_comma=comma)
        _emit(buffer.getvalue(), args.xlsx, lang)
        return EXIT_OK
    _print_results(rows, total, lang)
    return EXIT_OK


def _emit(data: bytes, output: str | None, lang: str) -> None:
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise PlateauError(say("cannot_write", lang, path=output, reason=exc.strerror or exc)) from None
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
    from simulator.importing import import_paths
    from simulator.results import Outcome, explain

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
        print(say("push.retries", lang, n=report.retries))
    if report.conflicts:
        print(say("push.conflicts", lang, n=len(report.conflicts)))
    if report.rejected:
        print(say("push.rejected", lang, n=len(report.rejected), detail=report.rejected[0][1]))
    if report.unconfirmed:
        why = ", ".join(sorted({w for _, w in report.unconfirmed}))
        print(say("push.unconfirmed", lang, n=len(report.unconfirmed), why=why))
    if report.odd and report.unconfirmed:  # (Ralph answers 204 when it held them all: odd alone is no trouble)
        print(say("push.odd", lang, n=len(report.odd), example=report.odd[0]))
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
        return not_sent(say("live.unconfirmed", lang, n=len(report.unconfirmed)))
    if report.conflicts or report.rejected:
        detail = report.rejected[0][1] if report.rejected else "409"
        return not_sent(say("live.refused", lang, n=len(report.conflicts) + len(report.rejected), detail=detail))
    print(say("live.sent", lang, lrs=shown_address(url), n=report.sent), file=sys.stderr)


# ------------------------------------------------------------------ roster


def cmd_roster(args) -> int:
    lang = _lang(args)
    if args.roster_command == "import":
        return _roster_import(args, lang)
    return _roster_list(args, lang)


def _roster_import(args, lang: str) -> int:
    from simulator.roster import Roster, RosterFileError, load, read_csv, save

    path = Path(args.file)
    if not path.is_file():
        raise PlateauError(say("roster.no_file", lang, path=args.file))
    known = Roster() if args.replace else load()
    try:
        entries, problems = read_csv(path, known=known)
    except RosterFileError as exc:
        raise PlateauError(exc.format(lang)) from None
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)
    if not entries:
        print(say("roster.nothing", lang))
        return EXIT_PROBLEM
    roster, added, updated = known.merged(entries)
    where = save(roster)
    print(say("roster.imported", lang, rows=len(entries), added=added, updated=updated, refused=len(problems),
              total=len(roster), path=where))
    return EXIT_PROBLEM if problems else EXIT_OK


def _roster_list(args, lang: str) -> int:
    import json
    from simulator.roster import load, roster_path
    from simulator.store import Store, store_path, trainee_key

    roster = load()
    if args.json:
        print(json.dumps([e.as_dict() for e in roster], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not len(roster):
        print(say("roster.empty", lang))
    else:
        from simulator.tables import Column, fitted
        console = _console()
        columns = [Column(say("col.trainee", lang)), Column(say("col.email", lang), rank=1),
                   Column(say("col.username", lang), rank=2)]
        cells = [[e.name, e.email or "", e.username or ""] for e in roster]
        console.print(fitted(console, columns, cells, show_edge=False, pad_edge=False))
        sys.stdout.flush()
        print(say("roster.count", lang, n=len(roster), path=roster_path()))
    if store_path().exists():
        with Store() as store:
            names: dict[str, str] = {}
            for row in store.sessions(criteria=False):
                if roster.get(row.trainee) is None:
                    names.setdefault(trainee_key(row.trainee), " ".join(row.trainee.split()))
        if names:
            print(say("roster.missing", lang, names=", ".join(sorted(names.values(), key=trainee_key))))
    return EXIT_OK


# ------------------------------------------------------------------ registration


def register(add) -> None:
    p = add("results", "List recorded calls, filtered, as a table, JSON or CSV for Excel.",
            "plateau results --trainee 'Amélie Dupont' --since 2026-03-01 --csv -o results.csv", cmd_results)
    _add_filters(p)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON (one object per call, with per-criterion scores)")
    form.add_argument("--csv", action="store_true", help="CSV for Excel and LibreOffice: ';' separator, UTF-8 with BOM")
    form.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook: a sheet for the calls, one for the "
                                                     "criteria, one for compliance; numbers and dates typed")
    mark = p.add_mutually_exclusive_group()
    mark.add_argument("--decimal", choices=["comma", "point"],
                      help="decimal mark, and with it the date format (comma: 94,4 and 02/03/2026, as Excel set to "
                           "French or Dutch reads them; point: 94.4 and 2026-03-02); default: comma with --lang fr "
                           "or nl, point with en")
    mark.add_argument("--decimal-comma", dest="decimal", action="store_const", const="comma", help="same as --decimal comma")
    mark.add_argument("--decimal-point", dest="decimal", action="store_const", const="point", help="same as --decimal point")
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
    p.add_argument("--batch", type=_batch, default=50, metavar="N", help="statements per request, 1 to 500 (default 50)")
    p.add_argument("--retries", type=_retries, default=4, metavar="N",
                   help="tries again after a passing error, 0 or more (default 4)")
    p.add_argument("--wait", type=_wait, default=1.0, metavar="SECONDS",
                   help="first pause before trying again, doubled each time (default 1)")
    p.add_argument("--deadline", type=_deadline, default=300.0, metavar="SECONDS",
                   help="the whole push stops after this long, keeping what the LRS confirmed (default 300)")
    _add_xapi(p)

    p = add("roster", "The class list: each trainee's e-mail address or LMS username, so that an LMS knows whose "
                      "calls it receives (plateau push --actor email|account). Without IMPORT: show it.",
            "plateau roster import class-mons.csv --lang fr", cmd_roster)
    p.add_argument("--json", action="store_true", help="print the class list as JSON")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="language of the output (default: from the system)")
    sub = p.add_subparsers(dest="roster_command", metavar="IMPORT", parser_class=type(p))
    q = sub.add_parser("import", help="read a CSV (trainee;email or trainee;username) into the class list",
                       description="Read a class list saved from Excel or the LMS as CSV: a first line naming the "
                                   "columns (stagiaire/cursist/trainee, then email/courriel and/or "
                                   "username/identifiant/gebruikersnaam), ';' or ',' between cells. Good lines are "
                                   "kept; each bad line is reported as FILE:LINE with what to correct.",
                       epilog="Example:\n  plateau roster import class-mons.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("file", metavar="FILE.csv", help="the class list, one trainee per line")
    q.add_argument("--replace", action="store_true",
                   help="forget the trainees kept so far (default: add the file's trainees and update those already there)")
    q.add_argument("--lang", choices=["fr", "nl", "en"], default=argparse.SUPPRESS,
                   help="language of the output (default: from the system)")


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _retries(text: str) -> int:
    if not text.strip().isdecimal():
        raise argparse.ArgumentTypeError(f"a whole number, 0 or more (0: a single try), not '{printable(text)}'")
    return int(text)


def _batch(text: str) -> int:
    if not text.strip().isdecimal() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(f"a whole number of statements from 1 to 500, not '{printable(text)}'")
    return int(text)


def _wait(text: str) -> float:
    value = _number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"a number of seconds, 0 or more, not '{printable(text)}'")
    return value


def _deadline(text: str) -> float:
    value = _number(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(f"a number of seconds above 0 (300 is five minutes), not '{printable(text)}'")
    return value


def _add_xapi(p) -> None:
    _add_filters(p)
    p.add_argument("--actor", choices=["pseudonym", "email", "account"],
                   help="how trainees are named: pseudonym (default, a salted hash of the name), email (their "
                        "address, from the class list) or account (their LMS username from the class list, on "
                        "--homepage); see 'plateau roster' (default: PLATEAU_XAPI_ACTOR, else pseudonym)")
    p.add_argument("--homepage", metavar="URL",
                   help="with --actor account: the LMS's address, exactly as the LMS writes it "
                        "(default: PLATEAU_XAPI_HOMEPAGE)")
    p.add_argument("--class", dest="class_name", metavar="NAME",
                   help="the class the calls belong to ('Mons 2026-12'): a grouping activity in every statement "
                        "(default: PLATEAU_XAPI_CLASS)")
    p.add_argument("--real-names", action="store_true",
                   help="with the default --actor pseudonym: name the account on --site after the trainee instead")
    p.add_argument("--site", metavar="URL",
                   help="the centre's address, base of activity ids and accounts (default: PLATEAU_XAPI_SITE)")
