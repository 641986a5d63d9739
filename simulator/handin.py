"""`plateau handin`: a trainee's finished calls in one zip file to send to the instructor.

For classrooms without a shared drive: the trainee runs `plateau handin`, sends the zip by e-mail
(or copies it to a USB stick), and the instructor runs `plateau import` on it as it is. Only calls
that reached an ending go in, each checked as `plateau import` checks it (a damaged or edited
transcript is left out and named), so what the trainee sends is what the instructor can record.
A small manifest rides along for whoever opens the zip by hand; `plateau import` reads only the
.jsonl members and passes over it without a word.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.cli_common import EXIT_OK
from simulator.errors import PlateauError

if TYPE_CHECKING:
    from simulator.store import Refusal

# The store, zipfile and the rest are imported inside the functions: every `plateau` command builds the
# parser, and so imports this module, before it does anything.

MANIFEST = "plateau-handin.json"  # not .jsonl: `plateau import` skips it, in a zip and in an unzipped folder
MANIFEST_FORMAT = 1
MAX_NUMBERED = 99  # plateau-remise-...-99.zip: past that, something else is going on

def say(key: str, lang: str, **values) -> str:
    """The words of plateau handin are the catalog's messages `handin.KEY` (simulator/locale)."""
    from simulator.i18n import t
    return t("handin." + key, lang, **values)


def _count(key: str, n: int, lang: str) -> str:
    """`handin.KEY` in the form for `n`: "1 appel", "2 appels"."""
    from simulator.i18n import tn
    return tn("handin." + key, n, lang)


# ------------------------------------------------------------------ which calls go in


@dataclass(frozen=True)
class Call:
    """A finished call that goes into the zip."""

    path: Path
    session: str
    scenario: str
    trainee: str
    mode: str
    ending: str


@dataclass(frozen=True)
class LeftOut:
    """A transcript that cannot be handed in: damaged (unreadable) or edited after it was recorded."""

    file: str
    reason: Refusal  # TAMPERED or NOT_TRANSCRIPT


@dataclass(frozen=True)
class Selection:
    calls: tuple[Call, ...]
    damaged: tuple[LeftOut, ...]
    unfinished: int  # calls that did not reach an ending: resumable, so counted and not handed in
    assessments: int  # finished self-assessment calls left out (not asked for)
    others: tuple[str, ...] = ()  # names of other trainees with calls in the folder


def _peek(path: Path) -> dict | None:
    """The header of a transcript that could not be checked, if its first line still reads as one."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = json.loads(handle.readline())
    except (OSError, ValueError):
        return None
    return first if isinstance(first, dict) and first.get("type") == "header" else None


def _ending(transcript) -> str | None:
    for turn in reversed(transcript.turns):
        for event in turn["events"]:
            if event.get("type") == "session_ended":
                return str(event.get("ending"))
    return None


def select(folder: Path, trainee: str | None, *, assessments: bool = False) -> Selection:
    """The calls in `folder` (a data directory's sessions) that `trainee` can hand in; None: everyone's.

    A transcript is checked as `plateau import` checks it (read_checked: readable, checksums whole, at
    least one action). Names match as the results match them: accents, case and spacing do not count.
    A damaged file whose header is unreadable is reported whoever it belongs to: it may be the trainee's.
    """
    from simulator.importing import read_checked
    from simulator.results import Refusal, Refused, trainee_key
    wanted = trainee_key(trainee) if trainee is not None else None
    calls, damaged, others = [], [], {}
    unfinished = skipped_assessments = 0
    paths = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    for path in paths:
        try:
            transcript = read_checked(path)
            header = transcript.header
        except Refused as exc:
            header = _peek(path)
            if header is not None:
                name = str(header.get("trainee") or "")
                if wanted is not None and trainee_key(name) != wanted:
                    others.setdefault(trainee_key(name), name)
                    continue
                if header.get("mode") == "assess" and not assessments:
                    continue
                if exc.reason is Refusal.EMPTY:  # a call that never started: not damaged, just not done
                    unfinished += 1
                    continue
            damaged.append(LeftOut(path.name, exc.reason))
            continue
        name = str(header.get("trainee") or "")
        if wanted is not None and trainee_key(name) != wanted:
            others.setdefault(trainee_key(name), name)
            continue
        ending = _ending(transcript)
        is_assessment = header.get("mode") == "assess"
        if ending is None:
            # A stopped self-assessment starts over rather than resumes: it is not counted as one to resume.
            unfinished += not is_assessment
            continue
        if is_assessment and not assessments:
            skipped_assessments += 1
            continue
        calls.append(Call(path, header["session"], str(header.get("scenario") or ""), name,
                          str(header.get("mode") or "practice"), ending))
    names = tuple(sorted((n for k, n in others.items() if k), key=trainee_key))
    return Selection(tuple(calls), tuple(damaged), unfinished, skipped_assessments, names)


# ------------------------------------------------------------------ the zip


def slug(name: str) -> str:
    """A name as it can stand in a file name on any system and in any mail program: 'Amélie Dupont' -> 'amelie-dupont'."""
    from simulator.store import trainee_key
    return re.sub(r"[^a-z0-9]+", "-", trainee_key(name)).strip("-")[:40].strip("-")


def default_name(trainee: str | None, lang: str, day: date) -> str:
    """plateau-remise-amelie-dupont-2026-03-02.zip (inlevering in Dutch, handin in English)."""
    who = say("file.all", lang) if trainee is None else slug(trainee) or say("file.nobody", lang)
    return f"plateau-{say('file.word', lang)}-{who}-{day.isoformat()}.zip"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or the first of name-2.zip, name-3.zip... that does not exist yet."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    number = 1
    while target.exists():
        number += 1
        if number > MAX_NUMBERED:
            raise FileExistsError(str(folder / name))
        target = folder / f"{stem}-{number}{suffix}"
    return target


def names_of(calls) -> dict[str, str]:
    """The trainees of `calls` by their matching key, each as its first call spells it."""
    from simulator.store import trainee_key
    names: dict[str, str] = {}
    for call in calls:
        names.setdefault(trainee_key(call.trainee), call.trainee)
    return names


def write_zip(target: Path, selection: Selection, *, everyone: bool, version: str) -> None:
    """Write the calls and the manifest into `target` all at once: a temporary file beside it, then renamed.

    An interrupted run leaves no half-written zip under the name the trainee would send, and an
    existing file is never replaced (FileExistsError).
    """
    import hashlib
    import tempfile
    import zipfile
    folder = target.parent
    top = target.stem  # unzipped by hand, the calls land in one folder named like the zip
    fd, scratch = tempfile.mkstemp(prefix=f".{top}-", suffix=".part", dir=folder)
    try:
        files = []
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for call in selection.calls:
                    data = call.path.read_bytes()
                    _add(archive, f"{top}/{call.path.name}", data, call.path.stat().st_mtime)
                    files.append({"file": call.path.name, "session": call.session, "scenario": call.scenario,
                                  "trainee": call.trainee, "mode": call.mode, "ending": call.ending,
                                  "sha256": hashlib.sha256(data).hexdigest()})
                manifest = {
                    "plateau_handin": MANIFEST_FORMAT,
                    # whose calls these are, as the calls spell the name; None: everyone's on this computer (--all)
                    "trainee": None if everyone else next(iter(names_of(selection.calls).values()), None),
                    "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "plateau": version,
                    "files": files,
                    "left_out": {"unfinished": selection.unfinished, "assessments": selection.assessments,
                                 "damaged": [{"file": d.file, "reason": d.reason.value} for d in selection.damaged]},
                }
                text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
                _add(archive, f"{top}/{MANIFEST}", text.encode("utf-8"), datetime.now().timestamp())
            raw.flush()
            os.fsync(raw.fileno())
        mask = os.umask(0)  # mkstemp makes the file private to its owner: give it a new file's usual rights
        os.umask(mask)
        os.chmod(scratch, 0o666 & ~mask)
        if target.exists():  # appeared while we were writing: still never replaced
            raise FileExistsError(str(target))
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def _add(archive, name: str, data: bytes, mtime: float) -> None:
    import zipfile
    moment = max(datetime.fromtimestamp(mtime), datetime(1980, 1, 1))  # the zip format starts in 1980
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # readable once unzipped on Linux and macOS
    archive.writestr(info, data)


# ------------------------------------------------------------------ the command


def _target(output: str | None, trainee: str | None, lang: str) -> Path:
    """Where the zip goes. The default name gets -2, -3... when taken (handing in again the same day keeps
    the first file); a name the trainee typed is theirs, so an existing file of that name is refused."""
    name = default_name(trainee, lang, date.today())
    if output is None:
        return free_path(Path.cwd(), name)
    chosen = Path(output).expanduser()
    if chosen.is_dir():  # a folder, e.g. a USB stick: the default name in it
        return free_path(chosen, name)
    if chosen.suffix.lower() != ".zip":  # Windows and mail programs open it only as .zip
        chosen = chosen.with_name(chosen.name + ".zip")
    if chosen.exists():
        raise FileExistsError(str(chosen))
    return chosen


def _left_out(selection: Selection, lang: str) -> None:
    """What stays out and why: each damaged or edited file by name, then the unfinished calls and assessments counted."""
    from simulator.results import Refusal, explain
    for left in selection.damaged:
        reason = explain(left.reason, "", lang) if left.reason is Refusal.TAMPERED else say("unreadable", lang)
        print(say("left_out", lang, file=left.file, reason=reason))
    if selection.unfinished:
        print(_count("unfinished", selection.unfinished, lang))
    if selection.assessments:
        print(_count("assess", selection.assessments, lang))


def cmd_handin(args) -> int:
    from simulator import __version__
    from simulator.i18n import detect_lang, t, tn
    from simulator.sessions import remembered_trainee, sessions_dir
    from simulator.store import trainee_key

    lang = detect_lang(args.lang)
    trainee = None if args.all else ((args.trainee or "").strip() or str(remembered_trainee() or "").strip())
    if trainee == "":
        raise PlateauError(say("err.no_name", lang))
    selection = select(sessions_dir(), trainee, assessments=args.assessments)
    if not selection.calls:
        _left_out(selection, lang)
        message = say("err.nothing_all", lang) if trainee is None else say("err.nothing", lang, name=trainee)
        if selection.others:
            message += say("err.others", lang, names=", ".join(selection.others))
        raise PlateauError(message)
    target = None
    try:
        target = _target(args.output, trainee, lang)
        write_zip(target, selection, everyone=trainee is None, version=__version__)
    except FileExistsError as exc:
        raise PlateauError(say("err.exists", lang, path=exc.args[0])) from None
    except OSError as exc:
        where = target if target is not None else args.output or Path.cwd()
        raise PlateauError(t("err.cannot_write", lang, path=where, reason=exc.strerror or exc)) from None

    _left_out(selection, lang)
    shown = sorted(names_of(selection.calls).values(), key=trainee_key)  # as the calls spell them
    shown = [name or say("nameless", lang) for name in shown]
    per_scenario = Counter(call.scenario for call in selection.calls)
    listed = ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in sorted(per_scenario.items()))
    print(tn("handin.trainee", len(shown), lang, names=", ".join(shown)))
    print(say("packed", lang, calls=_count("calls", len(selection.calls), lang),
              scenarios=_count("scenarios", len(per_scenario), lang), list=listed))
    print(say("written", lang, path=target.resolve()))
    print(say("send", lang))
    return EXIT_OK


def register(add, lang: str) -> None:
    """plateau handin, its help in `lang`."""
    from simulator.i18n import t
    from simulator.languages import LANGS

    p = add("handin", t("cli.handin", lang), "plateau handin --lang fr", cmd_handin)
    p.add_argument("-o", "--output", metavar=t("cli.meta.file", lang), help=t("cli.handin.output", lang))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--trainee", metavar=t("cli.meta.name", lang), help=t("cli.handin.trainee", lang))
    who.add_argument("--all", action="store_true", help=t("cli.handin.all", lang))
    p.add_argument("--assessments", action="store_true", help=t("cli.handin.assessments", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_system", lang))
