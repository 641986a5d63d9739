"""Finding and checking transcripts, and recording them: at the end of a call, and from a class's folders and zips.

Each file or archive member is checked on its own (`read_checked`): one that cannot be read,
was edited, or was played on a scenario that cannot be found is refused with a reason, and
the others go on. `ScenarioFinder` answers which scenario a transcript was played on.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from simulator.errors import PlateauError
from simulator.results import Outcome, Refusal, Refused, build_record, explain, not_recorded, rescore
from simulator.store import Store

_TOP_ID = re.compile(rb"^id:[ \t]*['\"]?([a-z0-9][a-z0-9_-]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


class ScenarioFinder:
    """Finds the scenario a transcript was played on: the file it names, a bundled one, or one in `folders`.

    A scenario matches when its content hash is the transcript's: a changed file is another
    version, and a transcript is never scored against a version it was not played on.
    """

    def __init__(self, folders: Iterable[Path] = ()):
        self.folders = [Path(f) for f in folders]
        self._by_hash: dict[str, Path] | None = None
        self._by_id: dict[str, list[Path]] = {}
        self._loaded: dict[Path, tuple] = {}

    def _index(self) -> dict[str, Path]:
        """The scenario files of the folders by content hash; also fills _by_id (the files by their 'id:')."""
        from simulator.loader import content_hash
        if self._by_hash is None:
            self._by_hash = {}
            for folder in self.folders:
                for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
                    if path.parent.name in ("providers", "rubrics"):
                        continue
                    try:
                        data = path.read_bytes()
                    except OSError:
                        continue
                    self._by_hash.setdefault(content_hash(data), path)
                    written = _TOP_ID.search(data)
                    if written:
                        self._by_id.setdefault(written.group(1).decode("utf-8", "replace"), []).append(path)
        return self._by_hash

    def _load(self, path: Path):
        from simulator.catalog import library
        from simulator.loader import load_scenario
        path = path.resolve()
        if path not in self._loaded:
            lib = library(path)
            self._loaded[path] = (load_scenario(path, lib.rubrics, lib.directory), lib)
        return self._loaded[path]

    def _candidates(self, header: dict) -> list[Path]:
        from simulator.catalog import SCENARIOS
        from simulator.loader import _ID
        out = []
        source = header.get("scenario_file")
        if isinstance(source, str) and source.endswith((".yaml", ".yml")) and Path(source).is_file():
            out.append(Path(source))
        name = header.get("scenario")
        if isinstance(name, str) and _ID.match(name):
            bundled = SCENARIOS / f"{name}.yaml"
            if bundled.is_file():
                out.append(bundled)
            for folder in self.folders:
                out.extend(p for p in (folder / f"{name}.yaml", folder / f"{name}.yml") if p.is_file())
            self._index()
            out.extend(p for p in self._by_id.get(name, ()) if p not in out)  # a file named otherwise
        return out

    def find(self, header: dict):
        """(scenario, library) for the transcript's header; raises Refused when none matches."""
        from simulator.errors import ScenarioError
        from simulator.loader import content_hash
        wanted = header.get("content_hash")
        name = header.get("scenario")
        candidates = self._candidates(header)
        same_id = False
        for path in candidates:
            try:
                if content_hash(path.read_bytes()) == wanted:
                    return self._load(path)
            except OSError:
                continue
            same_id = True
        match = self._index().get(wanted) if isinstance(wanted, str) else None
        if match is not None:
            try:
                scenario, lib = self._load(match)
            except ScenarioError as exc:
                raise Refused(Refusal.NOT_REPLAYABLE, exc.problems[0].format() if exc.problems else str(exc)) from None
            if scenario.id == name:
                return scenario, lib
        if same_id:
            raise Refused(Refusal.OTHER_VERSION, f"{name} {header.get('scenario_version', '?')}")
        raise Refused(Refusal.UNKNOWN_SCENARIO, str(name))


def read_checked(path: Path):
    """The transcript at `path`, refused when it is not one, was edited, or holds no action."""
    from simulator.errors import ScenarioError
    from simulator.transcript import read_transcript
    try:
        if path.stat().st_size > MAX_MEMBER_BYTES:
            raise Refused(Refusal.TOO_LARGE)
    except OSError:
        pass  # read_transcript says why it cannot be read
    try:
        transcript = read_transcript(path)
    except ScenarioError as exc:
        raise Refused(Refusal.NOT_TRANSCRIPT, exc.problems[0].message if exc.problems else "") from None
    except PlateauError as exc:
        raise Refused(Refusal.NOT_TRANSCRIPT, str(exc)) from None
    if transcript.tampered:
        raise Refused(Refusal.TAMPERED)
    if not transcript.turns:
        raise Refused(Refusal.EMPTY)
    if not isinstance(transcript.header.get("session"), str) or not transcript.header.get("content_hash"):
        raise Refused(Refusal.NOT_TRANSCRIPT, "no session id or content hash in its header.")
    return transcript

# ------------------------------------------------------------------ recording and importing


def _record(store: Store, transcript, finder: ScenarioFinder | None = None, *, keep_at: str | None = None,
            found=None, rescored=None) -> Outcome:
    """Record a transcript unless it is already there; `found` (scenario, library) and `rescored` (from
    `rescore`) save finding and replaying it again when the caller has them."""
    header = transcript.header
    if store.is_duplicate(header["session"], transcript.last_hash, len(transcript.turns)):
        return Outcome.DUPLICATE
    scenario, lib = found if found is not None else finder.find(header)
    return store.record(build_record(transcript, scenario, lib, transcript_path=keep_at, rescored=rescored))


def _say_not_recorded(path: Path, exc: Exception) -> None:
    """One plain line on stderr: the call was not recorded in the results, and why."""
    from simulator.i18n import detect_lang
    lang = detect_lang()
    if isinstance(exc, Refused):
        reason = explain(exc.reason, exc.detail, lang)
    else:
        reason = f"{type(exc).__name__}: {exc}".replace("\n", " ").rstrip(".") + "."
    print(not_recorded(path, lang=lang, reason=reason), file=sys.stderr)


def finish_call(path: Path, scenario, lib):
    """The end of a call played here: its transcript read once, replayed once on the scenario the player holds,
    recorded in the results, and its score returned for the debrief.

    Never raises for the results' sake: a problem with the store is one plain line on stderr (the call stays saved
    in its transcript), and the score is still returned. None only when the transcript cannot be replayed."""
    try:
        transcript = read_checked(Path(path))
        rescored = rescore(transcript, scenario, lib)
    except Refused as exc:
        _say_not_recorded(path, exc)
        return None
    try:
        with Store() as store:
            _record(store, transcript, found=(scenario, lib), rescored=rescored)
    except Exception as exc:  # never let bookkeeping break the end of a call
        _say_not_recorded(path, exc)
    return rescored[2]


def record_transcript(path: Path, *, abandoned: bool = False) -> None:
    """Record a call that ended or was abandoned (`abandoned`: the trainee stopped it before its end).

    Idempotent, and never raises: a problem with the transcript or the store is one plain line
    on stderr, and the call itself stays saved in its transcript. A transcript that did not
    reach an ending is recorded as abandoned whatever `abandoned` says.
    """
    try:
        with Store() as store:
            _record(store, read_checked(Path(path)), ScenarioFinder())
    except Exception as exc:  # a refusal, or a store that cannot be written: never break the end of a call
        _say_not_recorded(path, exc)


@dataclass(frozen=True)
class ImportItem:
    source: str  # the file, or 'archive.zip:member'
    outcome: Outcome | None
    refusal: Refusal | None = None
    detail: str = ""


MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a transcript is a few kB; anything this big is not one


class _Unreadable(Exception):
    """An archive that cannot be opened as one: refused on its own, the others go on."""


def _sources(paths: Iterable[Path]) -> Iterator[tuple[str, Path | tuple[zipfile.ZipFile, zipfile.ZipInfo] | _Unreadable]]:
    """(name, where) for every transcript in `paths`: a file, a member of an open archive (each archive is
    opened and listed once), or the reason a file or archive could not be opened at all."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and (file.suffix == ".jsonl" or file.suffix.lower() == ".zip"):
                    yield from _sources([file])
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            try:
                archive = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                yield str(path), _Unreadable(_zip_trouble(exc))
                continue
            with archive:
                members = [i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".jsonl")
                           and not i.filename.startswith("__MACOSX/") and not Path(i.filename).name.startswith(".")]
                for info in sorted(members, key=lambda i: i.filename):
                    yield f"{path}:{info.filename}", (archive, info)
        else:
            yield str(path), path


def _zip_trouble(exc: BaseException) -> Refusal:
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return Refusal.LOCKED_ARCHIVE
    return Refusal.BAD_ARCHIVE


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def import_paths(paths: Iterable[Path | str], *, scenario_folders: Iterable[Path] = (), store: Store | None = None) -> list[ImportItem]:
    """Record every transcript in `paths` (files, folders, zip archives), copying each into the data directory.

    Returns one item per transcript found: added, updated, duplicate, or refused with a reason. Each file
    and archive member is checked on its own: one that cannot be read is refused and the others go on.
    """
    from simulator.datadir import home
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise PlateauError(f"there is no file or folder '{p}'.")
    finder = ScenarioFinder(scenario_folders)
    own = store is None
    store = store or Store()
    kept = home() / "imported"
    items = []
    try:
        with tempfile.TemporaryDirectory(prefix="plateau-import-") as scratch:
            for name, source in _sources(paths):
                try:
                    if isinstance(source, _Unreadable):
                        raise Refused(source.args[0])
                    if isinstance(source, tuple):
                        archive, info = source
                        if info.file_size > MAX_MEMBER_BYTES:
                            raise Refused(Refusal.TOO_LARGE)
                        path = Path(scratch) / "member.jsonl"
                        with archive.open(info) as src, open(path, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                    else:
                        path = source
                    transcript = read_checked(path)
                    session = _SAFE.sub("_", transcript.header["session"])[:80]
                    target = kept / f"{session}.jsonl"
                    inside = _is_inside(path, home())
                    keep_at = str(path.resolve()) if inside else str(target.resolve())
                    outcome = _record(store, transcript, finder, keep_at=keep_at)
                    if outcome is not Outcome.DUPLICATE and not inside:
                        kept.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                    items.append(ImportItem(name, outcome))
                except Refused as exc:
                    items.append(ImportItem(name, None, exc.reason, exc.detail))
                except (zipfile.BadZipFile, EOFError, zlib.error) as exc:  # a damaged member
                    items.append(ImportItem(name, None, _zip_trouble(exc)))
                except RuntimeError as exc:  # zipfile's word for a member locked by a password
                    if isinstance(exc, RecursionError) or "encrypted" not in str(exc):
                        raise
                    items.append(ImportItem(name, None, Refusal.LOCKED_ARCHIVE))
                except OSError as exc:
                    items.append(ImportItem(name, None, Refusal.NOT_TRANSCRIPT, f"{exc.strerror or exc}."))
    finally:
        if own:
            store.close()
    return items


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False
