"""The results store: one SQLite file in the data directory, migrated in place, recorded idempotently."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from simulator.importing import record_transcript
from simulator.results import Outcome, build_record, trainee_key
from simulator.store import DETAIL, SCHEMA_VERSION, Filters, Store, StoreError, store_path
from simulator.transcript import read_transcript
from tests.fixtures.desk.classroom import MONDAYS, PATHS, scenarios, write_transcript

V1_DUMP = Path(__file__).parent / "fixtures" / "desk" / "results-v1.sql"


@pytest.fixture
def call(tmp_path):
    """write(path_name, session=..., trainee=...) -> the transcript of that path through the E8 call."""
    loaded, lib = scenarios()

    def write(path_name: str = "good", *, session: str = "s0000000001", trainee: str = "Amélie Dupont",
              started: datetime = MONDAYS[0], actions: list[dict] | None = None, scenario_file: str | None = None) -> Path:
        return write_transcript(tmp_path / f"{session}.jsonl", loaded["e8"], lib, session=session, trainee=trainee,
                                started=started, actions=actions if actions is not None else PATHS[path_name],
                                scenario_file=scenario_file)
    return write


def rows(sql: str, *params) -> list[tuple]:
    with Store() as store:
        return store.db.execute(sql, params).fetchall()


# ------------------------------------------------------------------ schema


def test_a_new_store_is_created_in_the_data_directory_at_the_latest_schema_in_wal_mode(plateau_home):
    with Store() as store:
        assert store.path == plateau_home / "results.sqlite3" == store_path()
        assert store.version == SCHEMA_VERSION == 2
        assert store.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {name for (name,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"sessions", "criteria", "decisions", "steps", "labels", "pushes"}


def test_a_store_written_at_schema_1_is_migrated_and_keeps_its_rows(plateau_home, call):
    plateau_home.mkdir(parents=True, exist_ok=True)  # loading the call may have made it (its cache)
    old = sqlite3.connect(plateau_home / "results.sqlite3")
    old.executescript(V1_DUMP.read_text(encoding="utf-8"))
    old.close()

    with Store() as store:
        assert store.version == 2
        [row] = store.sessions()
        assert (row.session, row.trainee, row.overall, row.passed, row.compliance) == \
               ("a1000000003", "Amélie Dupont", 94.4, True, "compliant")
        assert {c.id: c.percent for c in row.criteria.values()} == {
            "calm": 100.0, "case_file": 100.0, "language": 100.0, "procedure": 81.2, "provider": 100.0, "timing": 100.0}
        assert store.known("a1000000003")[2] == 0  # recorded before choice-level detail existed
        assert store.decisions([row.id]) == {row.id: []}

    # Recording its transcript again fills in the detail, in the same row.
    record_transcript(call("good", session="a1000000003", started=MONDAYS[2]))
    with Store() as store:
        assert store.count() == 1
        assert store.known("a1000000003")[2] == DETAIL
        [row] = store.sessions()
        assert [d.option for d in store.decisions([row.id])[row.id]] == [
            "greet", "off-road", "where", "note-plate", "send-tow", "desk-ramfjord-berging", "give-eta"]


def test_each_migration_runs_once_even_when_the_store_is_opened_again(tmp_path):
    path = tmp_path / "results.sqlite3"
    Store(path, migrate_to=1).close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (1,)
    Store(path).close()
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (2,)
    assert [c[1] for c in db.execute("PRAGMA table_info(sessions)")][-1] == "detail"


def test_a_store_from_a_newer_plateau_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "results.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 9")
    db.close()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (f"the results store {path} was written by a newer Plateau (schema 9; "
                                 "this one reads up to 2). Update Plateau.")


# ------------------------------------------------------------------ recording


def test_recording_the_same_transcript_twice_keeps_one_row(call):
    path = call("good")
    record_transcript(path)
    record_transcript(path)
    assert rows("SELECT session, status, overall, passed FROM sessions") == [("s0000000001", "finished", 94.7, 1)]
    assert rows("SELECT count(*) FROM decisions") == [(7,)]


def test_what_is_kept_of_a_call_scores_times_decisions_and_steps(call):
    path = call("curt")
    record_transcript(path)
    with Store() as store:
        [row] = store.sessions()
        decisions = store.decisions([row.id])[row.id]
        steps = store.db.execute("SELECT step, critical, performed, broken, late, out_of_order, turn, minutes FROM steps "
                                 "ORDER BY step").fetchall()
    assert row.as_dict() == {
        "session": "s0000000001", "trainee": "Amélie Dupont", "scenario": "e8-flat-tyre", "scenario_version": 1,
        "content_hash": row.content_hash, "rubric": "roadside", "lang": "fr", "mode": "practice",
        "started": "2026-03-02T08:30:00+00:00", "ended": "2026-03-02T08:32:00+00:00", "status": "finished",
        "ending": "resolved", "outcome": "resolved", "overall": 49.0, "passed": False, "pass_mark": 70.0,
        "compliance": "non_compliant",
        "critical_failures": [{"case": "lies", "step": "locate", "label": {"fr": "Localiser précisément",
                                                                            "nl": "Precies lokaliseren",
                                                                            "en": "Locate precisely"}, "reason": "missed"},
                              {"case": "lies", "step": "safety_check", "label": {"fr": "Vérifier la sécurité",
                                                                                  "nl": "Veiligheid nagaan",
                                                                                  "en": "Check safety"},
                               "reason": "order", "turn": 2}],
        "minutes": 3.5, "turns": 6, "transcript": str(path.resolve()),
        "criteria": {"calm": {"score": 17.5, "max": 25.0, "percent": 70.0, "applies": True},
                     "procedure": {"score": 14.7, "max": 30.0, "percent": 49.0, "applies": True},
                     "provider": {"score": 15.0, "max": 15.0, "percent": 100.0, "applies": True},
                     "case_file": {"score": 0.0, "max": 15.0, "percent": 0.0, "applies": True},
                     "timing": {"score": 8.0, "max": 10.0, "percent": 80.0, "applies": True},
                     "language": {"score": 5.0, "max": 5.0, "percent": 100.0, "applies": True}}}
    assert [(d.turn, d.kind, d.option, d.step, d.points, d.wrong) for d in decisions] == [
        (2, "option", "plate-first", "identify", -3.9, True),  # curt, before greeting and before the safety check
        (3, "option", "off-road", "safety_check", 0.0, False),  # the order deviation is the identifying, at turn 2
        (4, "option", "send-tow", "dispatch", 0.0, False),
        (5, "provider", "desk-ramfjord-berging", "dispatch", 0.0, False),
        (6, "option", "give-eta", "confirm_eta", 0.0, False)]
    assert decisions[1].offered == ("off-road", "where", "note-plate", "stay-in-car")
    assert decisions[1].at == "2026-03-02T08:31:00+00:00"
    assert steps == [("confirm_eta", 0, 1, 0, 0, 0, 6, 3.0), ("dispatch", 1, 1, 0, 0, 0, 4, 1.5),
                     ("greet", 0, 0, 0, 0, 0, None, None), ("identify", 0, 1, 0, 0, 1, 2, 0.0),
                     ("locate", 1, 0, 0, 0, 0, None, None), ("record", 0, 0, 0, 0, 0, None, None),
                     ("safety_advice", 0, 0, 0, 0, 0, None, None), ("safety_check", 1, 1, 0, 0, 0, 3, 0.5)]


def test_an_option_that_ends_the_call_unsafely_counts_as_a_wrong_choice(call):
    record_transcript(call("unsafe"))
    assert rows("SELECT option, points, wrong FROM decisions") == [("greet", 0.0, 0), ("stay-in-car", 0.0, 1)]


def test_a_resumed_call_replaces_its_abandoned_row_and_an_older_copy_changes_nothing(call, tmp_path):
    abandoned = call("abandoned", session="s0000000002")
    record_transcript(abandoned, abandoned=True)
    assert rows("SELECT status, overall, passed FROM sessions") == [("abandoned", 37.6, 0)]
    older = tmp_path / "older.jsonl"
    older.write_bytes(abandoned.read_bytes())

    finished = call("good", session="s0000000002")  # the same session, played to its end
    with Store() as store:
        outcome = store.record(_rebuilt(finished))
    assert outcome is Outcome.UPDATED
    record_transcript(older)
    assert rows("SELECT session, status, overall, turns FROM sessions") == [("s0000000002", "finished", 94.7, 9)]


def test_a_transcript_reusing_another_trainees_session_id_is_refused_and_their_result_stays(call, tmp_path, capsys,
                                                                                             monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "en")
    record_transcript(call("curt", session="s0000000007", trainee="Bram Peeters"))
    forged = call("good", session="s0000000007", trainee="Amélie Dupont")  # longer, so not an older copy
    record_transcript(forged)
    assert rows("SELECT trainee, overall, passed FROM sessions") == [("Bram Peeters", 49.0, 0)]
    assert capsys.readouterr().err == (
        f"plateau: {forged}: call not recorded in the results, another call is already recorded under the same id "
        "(s0000000007); this file does not continue it, so it does not replace it. Check that it was not copied or "
        "edited.\n")


def test_a_failed_call_cut_back_and_played_on_differently_does_not_replace_the_failure(call):
    record_transcript(call("slow", session="s0000000008"))
    # The same call (same header, same first turns) cut back after its greeting and played on well.
    record_transcript(call("good", session="s0000000008"))
    assert rows("SELECT status, overall, passed, turns FROM sessions") == [("finished", 65.7, 0, len(PATHS["slow"]))]


def test_a_call_that_is_continued_after_its_recorded_turns_replaces_its_row(call):
    record_transcript(call("abandoned", session="s0000000009"), abandoned=True)
    record_transcript(call("good", session="s0000000009"))  # resumed: the good call begins with the abandoned one
    assert rows("SELECT status, overall, turns FROM sessions") == [("finished", 94.7, len(PATHS["good"]))]


def _rebuilt(path: Path):
    from simulator.importing import ScenarioFinder
    transcript = read_transcript(path)
    scenario, lib = ScenarioFinder().find(transcript.header)
    return build_record(transcript, scenario, lib)


def test_a_session_in_progress_is_recorded_as_abandoned_whatever_the_caller_says(call):
    record_transcript(call("abandoned"), abandoned=False)
    assert rows("SELECT status, ending FROM sessions") == [("abandoned", None)]


@pytest.mark.parametrize("damage, reason", [
    ("tampered", "edited after it was recorded (its checksums do not match)."),
    ("missing", "cannot be read as a transcript: cannot read the transcript {path}: No such file or directory."),
    ("not json", "cannot be read as a transcript: this line of the transcript is not valid JSON."),
    ("unknown scenario", "unknown scenario 'e8-flat-tyre'; give its folder with --scenarios FOLDER."),
    ("header only", "the call never started."),
])
def test_record_transcript_never_raises_and_says_why_in_one_line(call, tmp_path, capsys, monkeypatch, damage, reason):
    monkeypatch.setenv("PLATEAU_LANG", "en")
    path = call("good", scenario_file="C:/elsewhere/e8-flat-tyre.yaml" if damage == "unknown scenario" else None)
    text = path.read_text(encoding="utf-8")
    if damage == "tampered":
        path.write_text(text.replace('"1KLM456"', '"9ZZZ999"'), encoding="utf-8")
    elif damage == "missing":
        path = tmp_path / "nowhere.jsonl"
    elif damage == "not json":
        path.write_text("this is not a transcript\n", encoding="utf-8")
    elif damage == "header only":
        path.write_text(text.splitlines()[0] + "\n", encoding="utf-8")

    record_transcript(path)

    assert capsys.readouterr().err == f"plateau: {path}: call not recorded in the results, {reason.format(path=path)}\n"
    assert rows("SELECT count(*) FROM sessions") == [(0,)]


def test_record_transcript_survives_a_store_it_cannot_open(call, plateau_home, capsys, monkeypatch):
    monkeypatch.setenv("PLATEAU_LANG", "fr")
    plateau_home.mkdir(parents=True, exist_ok=True)  # loading the call may have made it (its cache)
    (plateau_home / "results.sqlite3").write_bytes(b"this is not a database" * 100)
    record_transcript(call("good"))
    err = capsys.readouterr().err
    assert err.startswith("plateau : ") and "appel non enregistré dans les résultats, StoreError: cannot open" in err
    assert err.count("\n") == 1


def test_two_processes_recording_at_once_both_land(call):
    paths = [call("good", session=f"s000000000{n}") for n in range(1, 5)]
    threads = [threading.Thread(target=record_transcript, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert rows("SELECT count(*) FROM sessions") == [(4,)]


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize("typed", ["Amélie Dupont", "amelie dupont", "  AMÉLIE   Dupont ", "Amelie DUPONT"])
def test_trainee_names_match_without_accents_case_or_extra_spaces(call, typed):
    record_transcript(call("good"))
    assert trainee_key(typed) == "amelie dupont"
    with Store() as store:
        assert [r.trainee for r in store.sessions(Filters(trainees=(typed,)))] == ["Amélie Dupont"]


def test_date_filters_are_local_calendar_days_both_ends_included(call, monkeypatch):
    import time
    monkeypatch.setenv("TZ", "Europe/Brussels")
    time.tzset()
    try:
        # 23:30 UTC on Sunday 1 March is 00:30 on Monday 2 March in Brussels.
        record_transcript(call("good", session="s1", started=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)))
        record_transcript(call("good", session="s2", started=datetime(2026, 3, 2, 22, 59, tzinfo=timezone.utc)))
        record_transcript(call("good", session="s3", started=datetime(2026, 3, 2, 23, 0, tzinfo=timezone.utc)))
        with Store() as store:
            on_monday = Filters(since=date(2026, 3, 2), until=date(2026, 3, 2))
            assert [r.session for r in store.sessions(on_monday)] == ["s1", "s2"]
            assert [r.session for r in store.sessions(Filters(since=date(2026, 3, 3)))] == ["s3"]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_limit_keeps_the_latest_calls_oldest_first(call):
    for n in range(1, 6):
        record_transcript(call("good", session=f"s{n}", started=MONDAYS[0].replace(hour=8 + n)))
    with Store() as store:
        assert [r.session for r in store.sessions(limit=2)] == ["s4", "s5"]
        assert store.count() == 5


def test_a_store_file_is_plain_sqlite_an_instructor_can_open_elsewhere(call, plateau_home):
    record_transcript(call("good"))
    db = sqlite3.connect(plateau_home / "results.sqlite3")
    assert db.execute("SELECT trainee, scenario, overall FROM sessions").fetchall() == [("Amélie Dupont", "e8-flat-tyre", 94.7)]
    assert json.loads(db.execute("SELECT text FROM labels WHERE kind = 'step' AND key = 'roadside/locate'").fetchone()[0]) == {
        "fr": "Localiser précisément", "nl": "Precies lokaliseren", "en": "Locate precisely"}


def test_the_end_of_a_call_reads_its_transcript_once_and_replays_it_once(plateau_home, tmp_path, monkeypatch, capsys):
    import simulator.scoring
    import simulator.transcript
    from simulator.cli import main
    from tests.conftest import E411
    from tests.test_cli import GOOD_ANSWERS
    counted = {"read": 0, "replayed": 0}
    read, replay = simulator.transcript.read_transcript, simulator.scoring.replay_record

    def counting_read(path):
        counted["read"] += 1
        return read(path)

    def counting_replay(*args, **kwargs):
        counted["replayed"] += 1
        return replay(*args, **kwargs)

    monkeypatch.setattr(simulator.transcript, "read_transcript", counting_read)
    monkeypatch.setattr(simulator.scoring, "replay_record", counting_replay)
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    assert main(["play", str(E411), "--answers", str(answers), "--json", "--trainee", "Amélie Dupont"]) == 0
    assert counted == {"read": 1, "replayed": 1}
    with Store() as store:
        [row] = store.sessions()
    assert row.overall == json.loads(capsys.readouterr().out)["score"]["overall"]  # the debrief's score, recorded
