"""`plateau results`: the register of recorded calls, as a table, JSON, or CSV that opens in a Belgian Excel."""

from __future__ import annotations

import csv
import io
import json

from datetime import timedelta

import pytest

from tests.conftest import table_headers, too_wide
from tests.fixtures.desk.classroom import MONDAYS, PATHS, import_class, plateau, scenarios, write_transcript


@pytest.fixture
def class_store(tmp_path):
    import_class(tmp_path / "class")


@pytest.fixture
def class_with_a_long_name(class_store, tmp_path):
    """The class, and a trainee whose surname is one long word."""
    from simulator.store import record_transcript
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "zoe.jsonl", loaded["e8"], lib, session="e5000000001",
                                       trainee="Zoë Vandenbroucke-Ngô", started=MONDAYS[2] + timedelta(hours=2),
                                       actions=PATHS["far-tow"]))


def test_the_table_for_one_trainee_in_french(class_store):
    result = plateau("results", "--trainee", "amelie dupont", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Date             ┃ Stagiaire     ┃ Scénario     ┃ Score ┃ Résultat   ┃ Issue  ┃ Conformité  \n"
        "━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━\n"
        "02/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │    49 │ non réussi │ résolu │ Non conforme\n"
        "09/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │  65,7 │ non réussi │ résolu │ Conforme    \n"
        "16/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │  94,7 │ réussi     │ résolu │ Conforme    \n"
        "Appels : 3 · réussis : 1 sur 3 terminés (33,3\u00a0%) · score moyen : 69,8\n")


def test_the_table_says_abandoned_and_leaves_compliance_empty_where_no_procedure_applies(class_store):
    result = plateau("results", "--trainee", "Bram Peeters", "--trainee", "Chloé Martin", "--since", "2026-03-16",
                     "--lang", "en")
    assert result.stdout == (
        "Date             ┃ Trainee      ┃ Scenario     ┃ Score ┃ Result    ┃ Outcome  ┃ Compliance   \n"
        "━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━\n"
        "2026-03-16 09:50 │ Bram Peeters │ e8-flat-tyre │  84.4 │ passed    │ resolved │ Compliant    \n"
        "2026-03-16 10:10 │ Chloé Martin │ e8-flat-tyre │  37.6 │ abandoned │          │ Non-compliant\n"
        "2026-03-16 10:15 │ Bram Peeters │ e8-two-calls │    85 │ passed    │ resolved │              \n"
        "Calls: 3 · passed: 2 of 2 finished (100%) · mean score: 84.7\n")


def test_in_80_columns_the_compliance_gives_way_and_every_word_stays_whole(class_store):
    result = plateau("results", "--trainee", "amelie dupont", "--lang", "fr", COLUMNS="80")
    assert result.stdout == (
        "Date             ┃ Stagiaire     ┃ Scénario     ┃ Score ┃ Résultat   ┃ Issue \n"
        "━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━\n"
        "02/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │    49 │ non réussi │ résolu\n"
        "09/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │  65,7 │ non réussi │ résolu\n"
        "16/03/2026 09:30 │ Amélie Dupont │ e8-flat-tyre │  94,7 │ réussi     │ résolu\n"
        "Appels : 3 · réussis : 1 sur 3 terminés (33,3\u00a0%) · score moyen : 69,8\n")


@pytest.mark.parametrize("lang, headers", [
    ("fr", ["Date", "Stagiaire", "Scénario", "Score", "Résultat"]),
    ("nl", ["Datum", "Cursist", "Scenario", "Score", "Resultaat"]),
    ("en", ["Date", "Trainee", "Scenario", "Score", "Result"]),
])
def test_with_a_long_name_the_register_keeps_its_essential_columns_in_80_columns_in_whole_words(
        class_with_a_long_name, lang, headers):
    result = plateau("results", "--lang", lang, COLUMNS="80")
    assert result.returncode == 0, result.stderr
    assert too_wide(result.stdout, 80) == []
    assert table_headers(result.stdout) == [headers]
    assert "Vandenbroucke-Ngô" in result.stdout


@pytest.mark.parametrize("filters, sessions", [
    ([], 13),
    (["--passed"], ["c3000000001", "b2000000002", "c3000000002", "a1000000003", "b2000000003", "b2000000004",
                    "d4000000003"]),
    (["--failed", "--finished"], ["a1000000001", "b2000000001", "d4000000001", "a1000000002", "d4000000002"]),
    (["--abandoned"], ["c3000000003"]),
    (["--scenario", "e8-two-calls"], ["b2000000004"]),
    (["--since", "09/03/2026", "--until", "2026-03-09"], ["a1000000002", "b2000000002", "c3000000002", "d4000000002"]),
    (["--trainee", "DRIES janssens", "--passed"], ["d4000000003"]),
    (["--trainee", "Nobody"], []),
])
def test_filters_combine(class_store, filters, sessions):
    result = plateau("results", "--json", *filters)
    assert result.returncode == 0, result.stderr
    found = [r["session"] for r in json.loads(result.stdout)]
    assert (len(found) if isinstance(sessions, int) else found) == sessions


def test_json_has_one_object_per_call_with_its_criteria(class_store):
    [call] = json.loads(plateau("results", "--json", "--trainee", "Dries Janssens", "--passed").stdout)
    assert call == {
        "session": "d4000000003", "trainee": "Dries Janssens", "scenario": "e8-flat-tyre", "scenario_version": 1,
        "content_hash": call["content_hash"], "rubric": "roadside", "lang": "fr", "mode": "practice",
        "started": "2026-03-16T09:30:00+00:00", "ended": "2026-03-16T09:33:00+00:00", "status": "finished",
        "ending": "resolved", "outcome": "resolved", "overall": 79.7, "passed": True, "pass_mark": 70.0,
        "compliance": "compliant", "critical_failures": [], "minutes": 4.75, "turns": 9,
        "transcript": call["transcript"],
        "criteria": {"calm": {"score": 25.0, "max": 25.0, "percent": 100.0, "applies": True},
                     "procedure": {"score": 24.7, "max": 30.0, "percent": 82.4, "applies": True},
                     "provider": {"score": 0.0, "max": 15.0, "percent": 0.0, "applies": True},
                     "case_file": {"score": 15.0, "max": 15.0, "percent": 100.0, "applies": True},
                     "timing": {"score": 10.0, "max": 10.0, "percent": 100.0, "applies": True},
                     "language": {"score": 5.0, "max": 5.0, "percent": 100.0, "applies": True}}}
    assert call["transcript"].endswith("/imported/d4000000003.jsonl")


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, so Excel reads the accents"
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_for_a_belgian_excel_reads_back_cell_by_cell(class_store, tmp_path):
    out = tmp_path / "résultats.csv"
    result = plateau("results", "--csv", "--decimal-comma", "--trainee", "Amélie Dupont", "-o", str(out), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Écrit : {out}\n"
    header, *rows = read_csv(out.read_bytes())
    assert header == ["Session", "Date", "Stagiaire", "Scénario", "Version", "Langue", "Mode", "Statut", "Issue", "Score",
                      "Résultat", "Conformité", "Fautes critiques", "Calme et empathie (%)", "Procédure (%)",
                      "Choix du prestataire (%)", "Dossier (%)", "Délais (%)", "Langue (%)", "Minutes simulées",
                      "Transcription"]
    assert [row[:-1] for row in rows] == [
        ["a1000000001", "2026-03-02 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "49", "non réussi", "Non conforme", "2", "70", "49", "100", "0", "80", "100", "3,5"],
        ["a1000000002", "2026-03-09 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "65,7", "non réussi", "Conforme", "0", "44", "82,4", "100", "0", "100", "100", "5,75"],
        ["a1000000003", "2026-03-16 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "94,7", "réussi", "Conforme", "0", "100", "82,4", "100", "100", "100", "100", "4,75"]]
    assert all(row[-1].endswith(f"{row[0]}.jsonl") for row in rows)


def test_csv_in_dutch_with_decimal_points_and_an_abandoned_call(class_store):
    result = plateau("results", "--csv", "--abandoned", "--lang", "nl", binary=True)
    header, row = read_csv(result.stdout)
    assert dict(zip(header, row)) | {"Transcript": ""} == {
        "Sessie": "c3000000003", "Datum": "2026-03-16 10:10", "Cursist": "Chloé Martin", "Scenario": "e8-flat-tyre",
        "Versie": "1", "Taal": "fr", "Modus": "oefening", "Status": "afgebroken", "Afloop": "", "Score": "37.6",
        "Resultaat": "niet geslaagd", "Conformiteit": "Niet conform", "Kritieke fouten": "2",
        "Kalmte en empathie (%)": "94", "Procedure (%)": "23.5", "Keuze van de hulpverlener (%)": "0",
        "Dossier (%)": "0", "Tijdigheid (%)": "20", "Taal (%)": "100", "Gesimuleerde minuten": "1.5",
        "Transcript": ""}


def test_a_name_that_looks_like_a_formula_stays_text_in_excel(tmp_path):
    from tests.fixtures.desk.classroom import MONDAYS, PATHS, scenarios, write_transcript
    from simulator.store import record_transcript
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "t.jsonl", loaded["e8"], lib, session="x1",
                                       trainee='=HYPERLINK("http://evil.example","Amélie")', started=MONDAYS[0],
                                       actions=PATHS["good"]))
    _, row = read_csv(plateau("results", "--csv", "--lang", "en", binary=True).stdout)
    assert row[2] == '\'=HYPERLINK("http://evil.example","Amélie")'


def test_an_empty_store_says_so(plateau_home):
    result = plateau("results", "--lang", "nl")
    assert (result.returncode, result.stdout) == (0, "Geen enkele oproep komt overeen.\n")


def test_the_table_shows_the_latest_calls_and_says_how_many_it_left_out(class_store):
    result = plateau("results", "--limit", "2", "--lang", "en")
    lines = result.stdout.splitlines()
    assert [line[:16] for line in lines[2:4]] == ["2026-03-16 10:15", "2026-03-16 10:30"]
    assert lines[-1] == "The last 2 of 13; --limit 0 shows them all."


def test_a_date_that_is_not_one_is_a_usage_error(plateau_home):
    result = plateau("results", "--since", "March")
    assert result.returncode == 2
    assert "'March' is not a date (write 2026-03-01 or 01/03/2026)" in result.stderr


@pytest.mark.parametrize("command", ["results", "import", "cohort", "export", "push"])
def test_every_desk_command_has_help_with_an_example(command):
    result = plateau(command, "--help")
    assert result.returncode == 0
    assert "Example:\n  plateau " + command in result.stdout


@pytest.fixture
def class_with_a_self_assessment(class_store, tmp_path):
    """The class, and Amélie's self-assessment call ('plateau assess') recorded with it."""
    from simulator.store import record_transcript
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "assess.jsonl", loaded["e8"], lib, session="e5000000002",
                                       trainee="Amélie Dupont", started=MONDAYS[2] + timedelta(hours=3),
                                       actions=PATHS["far-tow"], mode="assess"))


def test_a_self_assessment_is_left_out_of_the_results(class_with_a_self_assessment):
    result = plateau("results", "--trainee", "amelie dupont", "--json")
    assert result.returncode == 0, result.stderr
    assert [r["mode"] for r in json.loads(result.stdout)] == ["practice", "practice", "practice"]


def test_assessments_asks_for_the_self_assessment_calls_as_well(class_with_a_self_assessment):
    result = plateau("results", "--trainee", "amelie dupont", "--json", "--assessments")
    assert [r["mode"] for r in json.loads(result.stdout)] == ["practice", "practice", "practice", "assess"]
