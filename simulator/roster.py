"""The class list: who each trainee is for the training platform (an e-mail address, an LMS username).

An instructor exports it from Excel or from the LMS as CSV (Belgian Excel writes ';' between
cells and cp1252 or UTF-8 with a byte order mark; other tools write ',' and plain UTF-8). A
trainee is found in it as the results find them: accents, capitals and spacing do not count.
It is kept in the data directory as `roster.json`, replaced whole on each change so that a
crash never leaves half a file.

Reading a file yields the good rows and, for each bad row, a `RosterProblem` with the line it
is on; only the command prints them, in the interface language.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

from simulator.errors import PlateauError
from simulator.i18n import t
from simulator.store import trainee_key

FILE_NAME = "roster.json"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One trainee of the class list, with the identities the training platform knows them by."""

    name: str
    email: str | None = None
    username: str | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "email": self.email, "username": self.username}


class Roster:
    """Trainees by name as they are matched (see `store.trainee_key`)."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self._by_key: dict[str, Entry] = {}
        for entry in entries:
            self._by_key[trainee_key(entry.name)] = entry

    def get(self, trainee: str) -> Entry | None:
        return self._by_key.get(trainee_key(trainee))

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._by_key.values(), key=lambda e: trainee_key(e.name)))

    def owner(self, field_name: str, value: str) -> Entry | None:
        """The trainee whose e-mail address or username (`field_name`) is `value` (case does not count)."""
        wanted = value.casefold()
        return next((e for e in self._by_key.values() if (getattr(e, field_name) or "").casefold() == wanted), None)

    def merged(self, entries: Iterable[Entry]) -> tuple["Roster", int, int]:
        """This roster with `entries` added or updated; (roster, added, updated).

        A row gives what it has: a file with only e-mail addresses keeps the usernames already known.
        """
        by_key = dict(self._by_key)
        added = updated = 0
        for entry in entries:
            key = trainee_key(entry.name)
            old = by_key.get(key)
            if old is None:
                by_key[key] = entry
                added += 1
                continue
            new = Entry(entry.name, entry.email or old.email, entry.username or old.username)
            if new != old:
                by_key[key] = new
                updated += 1
        return Roster(by_key.values()), added, updated


# ------------------------------------------------------------------ the file in the data directory


def roster_path() -> Path:
    from simulator.datadir import home
    return home() / FILE_NAME


def load(path: Path | None = None) -> Roster:
    """The class list kept in the data directory (empty when there is none yet)."""
    path = path or roster_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Roster()
    except (OSError, ValueError) as exc:
        raise PlateauError(f"the class list {path} cannot be read ({exc}); import it again with "
                           "plateau roster import FILE.csv --replace.") from None
    if not isinstance(data, dict) or not isinstance(data.get("trainees"), list):
        raise PlateauError(f"the class list {path} is not one Plateau wrote; import it again with "
                           "plateau roster import FILE.csv --replace.")
    return Roster(Entry(str(t["name"]), t.get("email") or None, t.get("username") or None)
                  for t in data["trainees"] if isinstance(t, dict) and t.get("name"))


def save(roster: Roster, path: Path | None = None) -> Path:
    """Write the class list whole: a temporary file beside it, flushed to disk, then put in its place."""
    path = path or roster_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": VERSION, "trainees": [e.as_dict() for e in roster]}, ensure_ascii=False, indent=2) + "\n"
    fd, scratch = tempfile.mkstemp(prefix=".roster-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


# ------------------------------------------------------------------ reading a CSV


class Problem(str, Enum):
    """What can be wrong with one row of a class list."""

    NO_NAME = "no_name"
    NO_IDENTITY = "no_identity"
    BAD_EMAIL = "bad_email"
    BAD_USERNAME = "bad_username"
    DUPLICATE = "duplicate"
    SHARED_EMAIL = "shared_email"
    SHARED_USERNAME = "shared_username"


# The messages are the catalog's (simulator/locale): roster.problem.PROBLEM, roster.on_line, roster.in_list
# and roster.file.KEY.


@dataclass(frozen=True)
class RosterProblem:
    """A bad row: where it is, what is wrong, with the values the message names."""

    path: str
    line: int
    problem: Problem
    values: dict = field(default_factory=dict)

    def format(self, lang: str) -> str:
        """'FILE:LINE: what is wrong, how to fix it', in `lang`."""
        values = dict(self.values)
        if self.problem in (Problem.SHARED_EMAIL, Problem.SHARED_USERNAME):
            name, line = values["other"]  # someone on another line of this file, or already in the kept list
            values["other"] = t("roster.on_line" if line else "roster.in_list", lang, name=name, line=line)
        return f"{self.path}:{self.line}: " + t("roster.problem." + self.problem.value, lang, **values)


class RosterFileError(PlateauError):
    """The file as a whole cannot be read as a class list (no header, unknown columns, unreadable)."""

    def __init__(self, path: str, line: int, key: str, **values):
        self.path, self.line, self.key, self.values = path, line, key, values
        super().__init__(self.format("en"))

    def format(self, lang: str) -> str:
        prefix = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return prefix + t("roster.file." + self.key, lang, **self.values)


def _word(text: str) -> str:
    """A column title as it is matched: 'E-mail', 'e_mail' and 'Email ' are one; 'Prénom' is 'prenom'."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", bare.casefold())


# Column titles in French, Dutch and English, as _word() leaves them.
NAME_COLUMNS = {"stagiaire", "stagiaires", "cursist", "cursisten", "trainee", "trainees", "name", "nom", "naam",
                "fullname", "nomcomplet", "volledigenaam", "nometprenom", "prenometnom", "naamenvoornaam",
                "voornaamennaam", "apprenant", "apprenante", "leerling", "student", "etudiant", "etudiante",
                "deelnemer", "participant", "participante", "learner", "candidat", "kandidaat"}
FIRST_NAME_COLUMNS = {"prenom", "voornaam", "firstname", "givenname", "first"}
LAST_NAME_COLUMNS = {"nomdefamille", "achternaam", "familienaam", "lastname", "surname", "familyname", "last"}
EMAIL_COLUMNS = {"email", "emails", "mail", "courriel", "adressemail", "adresseemail", "adressecourriel",
                 "adressedecourriel", "adresseelectronique", "emailadres", "mailadres", "emailaddress",
                 "emailadresse", "lmsemail"}
USERNAME_COLUMNS = {"username", "lmsusername", "usernamelms", "identifiant", "identifiantlms", "gebruikersnaam",
                    "lmsgebruikersnaam", "login", "loginnaam", "nomdutilisateur", "utilisateur", "gebruiker", "user",
                    "lmsuser", "account", "lmsaccount", "compte", "moodleusername", "moodle"}

SEPARATORS = (";", ",", "\t")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def decode(data: bytes) -> str:
    """The text of a CSV as Excel or an LMS saves it: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1")


@dataclass(frozen=True)
class _Columns:
    name: int | None
    first: int | None
    last: int | None
    email: int | None
    username: int | None
    titles: tuple[str, ...]

    @property
    def names_the_trainee(self) -> bool:
        return self.name is not None or (self.first is not None and self.last is not None)

    @property
    def has_identity(self) -> bool:
        return self.email is not None or self.username is not None


def _columns(header: list[str]) -> _Columns:
    words = [_word(h) for h in header]

    def find(names: set[str]) -> int | None:
        return next((i for i, w in enumerate(words) if w in names), None)

    first, last = find(FIRST_NAME_COLUMNS), find(LAST_NAME_COLUMNS)
    name = find(NAME_COLUMNS)
    if first is not None and last is None and name is not None and words[name] in ("nom", "naam", "name"):
        last, name = name, None  # Moodle's "Prénom;Nom": 'Nom' is the surname beside a first-name column
    return _Columns(name, first, last, find(EMAIL_COLUMNS), find(USERNAME_COLUMNS), tuple(h.strip() for h in header))


def _records(text: str, separator: str, start_line: int) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its cells) for each record of `text`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    line = start_line
    for cells in reader:
        yield line, cells
        line = start_line + reader.line_num


def read_csv(path: Path | str, *, known: Roster | None = None) -> tuple[list[Entry], list[RosterProblem]]:
    """The good rows of a class list CSV and a problem for each bad one.

    Raises RosterFileError when the file cannot be a class list at all (unreadable, no header,
    no column for the name or for an identity). `known` is the class list already kept: an
    address or username that belongs to someone else there is a problem too.
    """
    path = Path(path)
    shown = str(path)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise RosterFileError(shown, 0, "unreadable", reason=exc.strerror or str(exc)) from None
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    separator = None
    if start < len(lines) and lines[start].strip().lower().startswith("sep=") and len(lines[start].strip()) == 5:
        separator = lines[start].strip()[4]  # Excel's own hint on the first line: 'sep=;'
        start += 1
    if start >= len(lines):
        raise RosterFileError(shown, 0, "empty")
    header_line = start + 1
    body = "".join(lines[start:])

    candidates = [separator] if separator else list(SEPARATORS)
    best: tuple[str, _Columns] | None = None
    for sep in candidates:
        header = next(csv.reader([lines[start].rstrip("\r\n")], delimiter=sep))
        columns = _columns(header)
        if columns.names_the_trainee and columns.has_identity:
            best = (sep, columns)
            break
        if best is None or (columns.names_the_trainee and not best[1].names_the_trainee) or \
                len(header) > len(best[1].titles):
            best = (sep, columns)
    sep, columns = best
    titles = (sep if sep != "\t" else " ").join(columns.titles)
    if not columns.names_the_trainee:
        raise RosterFileError(shown, header_line, "no_name_column", columns=titles)
    if not columns.has_identity:
        raise RosterFileError(shown, header_line, "no_identity_column", columns=titles)

    def cell(cells: list[str], index: int | None) -> str:
        return " ".join(cells[index].split()) if index is not None and index < len(cells) else ""

    name_column = columns.titles[columns.name if columns.name is not None else columns.first]
    entries: list[Entry] = []
    problems: list[RosterProblem] = []
    seen: dict[str, tuple[int, Entry]] = {}
    owners: dict[tuple[str, str], tuple[str, int]] = {}
    records = _records(body, sep, header_line)
    next(records, None)  # the header
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        name = cell(cells, columns.name) if columns.name is not None else \
            " ".join(filter(None, (cell(cells, columns.first), cell(cells, columns.last))))
        email = cell(cells, columns.email).removeprefix("mailto:")
        username = cell(cells, columns.username)

        def problem(kind: Problem, **values) -> None:  # called for this line only, within its iteration
            problems.append(RosterProblem(shown, line, kind, values))  # noqa: B023

        if not name:
            problem(Problem.NO_NAME, column=name_column)
            continue
        if not email and not username:
            problem(Problem.NO_IDENTITY, name=name)
            continue
        if email and not _EMAIL.match(email):
            problem(Problem.BAD_EMAIL, value=email)
            continue
        if username and (" " in username or any(unicodedata.category(c) == "Cc" for c in username)):
            problem(Problem.BAD_USERNAME, value=username)
            continue
        entry = Entry(name, email or None, username or None)
        key = trainee_key(name)
        if key in seen:
            first_line, first = seen[key]
            if (first.email, first.username) != (entry.email, entry.username):
                problem(Problem.DUPLICATE, name=name, other=first_line)
            continue
        clash = None
        for kind, value in ((Problem.SHARED_EMAIL, entry.email), (Problem.SHARED_USERNAME, entry.username)):
            if not value:
                continue
            field_name = "email" if kind is Problem.SHARED_EMAIL else "username"
            taken = owners.get((field_name, value.casefold()))
            if taken is not None and trainee_key(taken[0]) != key:
                clash = (kind, value, taken)
                break
            stored = known.owner(field_name, value) if known is not None else None
            if stored is not None and trainee_key(stored.name) != key:
                clash = (kind, value, (stored.name, None))
                break
        if clash is not None:
            kind, value, other = clash
            problem(kind, value=value, other=other)
            continue
        seen[key] = (line, entry)
        for field_name, value in (("email", entry.email), ("username", entry.username)):
            if value:
                owners[(field_name, value.casefold())] = (entry.name, line)
        entries.append(entry)
    return entries, problems
