"""What the results keep of a call: the record built by rescoring its transcript, and why a transcript is refused.

`build_record` replays a transcript once against its scenario and collects the overall and
per-criterion scores, each decision with the points it lost, and each procedure step as
performed, late, out of order, broken or missed; `simulator.store` persists it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import PlateauError
from simulator.safe import printable

if TYPE_CHECKING:
    from simulator.scoring_card import CriticalFailure, StepOutcome


def trainee_key(name: str) -> str:
    """A name as it is matched: accents, case and spacing do not count ("Amélie  DUPONT" = "amelie dupont")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def utc_iso(text: str | None) -> str:
    """An ISO 8601 moment as UTC to the second ('2026-03-12T08:10:00+00:00'); a moment without zone is UTC."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):  # not a moment, or one out of the calendar's range in UTC
        return ""

# ------------------------------------------------------------------ what is recorded


@dataclass(frozen=True)
class CriterionScore:
    id: str
    score: float
    max: float
    percent: float
    level: dict | None
    applies: bool


@dataclass(frozen=True)
class Decision:
    """One choice of the trainee: an option said or done, or a provider picked."""

    turn: int
    case: str
    node: str
    kind: str  # "option" or "provider"
    option: str
    step: str | None
    tone: str | None
    lang: str
    minutes: float  # simulated minutes since the first call rang
    at: str  # when it was chosen (UTC), or the session's start when the transcript has no times
    points: float  # points lost (negative) or 0, summed over the criteria
    breaks: tuple[str, ...]
    offered: tuple[str, ...]
    wrong: bool  # lost points, or goes against a procedure step


@dataclass(frozen=True)
class Record:
    """A session as the store keeps it: built by rescoring its transcript."""

    session: str
    trainee: str
    scenario: str
    scenario_version: int | None
    content_hash: str
    rubric: str
    lang: str
    mode: str
    started: str
    ended: str
    status: str  # "finished" or "abandoned"
    ending: str | None
    outcome: str | None
    overall: float
    passed: bool
    pass_mark: float
    compliance: str
    critical_failures: tuple[CriticalFailure, ...]
    minutes: float
    turns: int
    last_hash: str
    transcript: str
    plateau: str
    criteria: tuple[CriterionScore, ...]
    decisions: tuple[Decision, ...] = ()
    steps: tuple[StepOutcome, ...] = ()  # as scoring counted them
    labels: tuple[tuple[str, str, dict], ...] = ()  # (kind, key, {lang: text})
    # The transcript's chain: where it starts, then the hash after each turn. A call recorded again must
    # continue the chain stored for it (a resumed call); anything else under its id is another call.
    chain: tuple[str, ...] = ()


class Outcome(str, Enum):
    ADDED = "added"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


class Refusal(str, Enum):
    """Why a transcript was not recorded."""

    NOT_TRANSCRIPT = "not_transcript"
    TAMPERED = "tampered"
    UNKNOWN_SCENARIO = "unknown_scenario"
    OTHER_VERSION = "other_version"
    NOT_REPLAYABLE = "not_replayable"
    EMPTY = "empty"
    SAME_ID = "same_id"
    BAD_ARCHIVE = "bad_archive"
    LOCKED_ARCHIVE = "locked_archive"
    TOO_LARGE = "too_large"


class Refused(PlateauError):
    def __init__(self, reason: Refusal, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(explain(reason, detail, "en"))


def explain(reason: Refusal, detail: str, lang: str) -> str:
    """Why a transcript was refused, as a sentence in `lang`."""
    from simulator.i18n import t
    return t("refusal." + reason.value, lang, detail=detail)


def not_recorded(path, reason: str, lang: str) -> str:
    """The line that says a call was not recorded in the results, and why."""
    from simulator.i18n import t
    return t("results.not_recorded", lang, path=path, reason=reason)

# ------------------------------------------------------------------ rescoring a transcript


def rescore(transcript, scenario, lib):
    """Replay a transcript once on its scenario: (session, records, score), what the debrief and the store need.
    Refused (NOT_REPLAYABLE) when the actions cannot be played on it."""
    from simulator.scoring import replay_record, score_records

    try:
        session, records = replay_record(scenario, lib.directory, transcript.actions)
        return session, records, score_records(scenario, lib.rubrics[scenario.rubric_id], lib.directory, session, records)
    except (PlateauError, StopIteration, KeyError, TypeError, ValueError) as exc:
        raise Refused(Refusal.NOT_REPLAYABLE, str(exc)) from None


def build_record(transcript, scenario, lib, *, transcript_path: str | None = None, rescored=None) -> Record:
    """Collect what the store keeps of a transcript, from its replay (`rescored`, from `rescore`; replayed here
    when not given)."""
    from simulator import model as m
    from simulator.transcript import seed

    header = transcript.header
    rubric = lib.rubrics[scenario.rubric_id]
    session, records, score = rescored if rescored is not None else rescore(transcript, scenario, lib)

    started = utc_iso(header.get("started")) or utc_iso(datetime.now(timezone.utc).isoformat())
    at = [utc_iso(turn.get("at")) or started for turn in transcript.turns]
    ended = at[-1] if at else started

    lost: dict[int, float] = {}
    for criterion in score.criteria.values():
        for e in criterion.evidence:
            if e.turn is not None and e.points < 0:
                lost[e.turn] = lost.get(e.turn, 0.0) + e.points
    provider_criterion = score.criteria.get("provider")
    verdicts = {e.turn: e.extra.get("verdict") for e in provider_criterion.evidence} \
        if provider_criterion is not None else {}

    decisions: list[Decision] = []
    labels: dict[tuple[str, str], dict] = {("scenario", scenario.id): scenario.title.render_all()}
    for cid, rec in records.items():
        for turn in rec.turns:
            option = turn.option
            points = round(lost.get(turn.number, 0.0), 2)
            ends_badly = option.end is not None and scenario.endings[option.end].outcome in (m.Outcome.UNSAFE, m.Outcome.FAILED)
            decisions.append(Decision(turn.number, cid, turn.node, "option", option.id, option.step, option.tone.value,
                                      turn.lang, round(turn.clock, 2), at[turn.number - 1], points,
                                      tuple(option.breaks), tuple(o.id for o in turn.offered),
                                      bool(option.breaks) or points < 0 or ends_badly))
            for offered in turn.offered:
                labels[("option", f"{scenario.id}/{offered.id}")] = _label(offered.text)
        for provider in rec.providers:
            number = provider["turn"]
            # The provider answers the option that asked for one (dispatch or book) just before.
            asking = [t for t in rec.turns if t.number < number and t.option.action is not None
                      and t.option.action.type in (m.ActionType.DISPATCH, m.ActionType.BOOK)]
            ask = asking[-1] if asking else None
            points = round(lost.get(number, 0.0), 2)
            decisions.append(Decision(number, cid, ask.node if ask else "", "provider", provider["id"],
                                      ask.option.step if ask else None, None,
                                      ask.lang if ask else str(header.get("lang") or "en"),
                                      round(provider["clock"] / 60, 2), at[number - 1], points, (), (),
                                      points < 0 or verdicts.get(number) == "unsuitable"))
            labels[("provider", provider["id"])] = {lang: provider["name"] for lang in m.LANGS}
    decisions.sort(key=lambda d: d.turn)

    # What became of each procedure step, as scoring counted it.
    steps = list(score.steps)
    for s in steps:
        labels[("step", f"{rubric.id}/{s.step}")] = rubric.protocol[s.step].label.render_all()
    timing = rubric.criteria.get("timing")
    if timing is not None:
        from simulator.loader import parse_duration
        for step_id, target in (timing.settings.get("targets") or {}).items():
            seconds = parse_duration(target)
            if seconds is not None:
                labels[("target", f"{rubric.id}/{step_id}")] = {"minutes": seconds / 60}
    labels[("rubric", rubric.id)] = rubric.title.render_all()

    procedure = score.criteria.get("procedure")
    compliance = score.compliance if procedure is not None and procedure.applies else ""
    criteria = tuple(CriterionScore(cid, c.score, c.weight, round(c.percent, 1),
                                    c.level.name.render_all() if c.level else None, c.applies)
                     for cid, c in score.criteria.items())
    return Record(
        session=str(header.get("session") or transcript.path.stem), trainee=printable(str(header.get("trainee") or "")),
        scenario=scenario.id, scenario_version=scenario.version, content_hash=scenario.content_hash, rubric=rubric.id,
        lang=str(header.get("lang") or "en"), mode=str(header.get("mode") or "practice"), started=started, ended=ended,
        status="finished" if session.ended else "abandoned", ending=score.ending, outcome=score.outcome,
        overall=score.overall, passed=score.passed, pass_mark=score.pass_mark, compliance=compliance,
        critical_failures=tuple(score.critical_failures), minutes=round(session.state.clock / 60, 2),
        turns=len(transcript.turns), last_hash=transcript.last_hash,
        transcript=transcript_path or str(Path(transcript.path).resolve()), plateau=str(header.get("plateau") or ""),
        criteria=criteria, decisions=tuple(decisions), steps=tuple(steps),
        labels=tuple((kind, key, text) for (kind, key), text in labels.items()),
        chain=(seed(header), *(str(turn.get("hash")) for turn in transcript.turns)))


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)[^}]*\}\}")


def _label(text) -> dict:
    """An option's text in every language, out of any call: placeholders stay as their names ('‹provider›')."""
    out = {}
    for lang, template in text.values.items():
        try:
            out[lang] = template.render({})
        except PlateauError:
            out[lang] = _PLACEHOLDER.sub(lambda m: f"‹{m.group(1)}›", template.source)
        except Exception:
            out[lang] = template.source
    return out
