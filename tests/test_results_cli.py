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
    from simulator.importing import record_transcript
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
        "Date              ┃ Trainee      ┃ Scenario     ┃ Score ┃ Result    ┃ Outcome  ┃ Compliance   \n"
        "━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━\n"
        "16 Mar 2026 09:50 │ Bram Peeters │ e8-flat-tyre │  84.4 │ passed    │ resolved │ Compliant    \n"
        "16 Mar 2026 10:10 │ Chloé Martin │ e8-flat-tyre │  37.6 │ abandoned │          │ Non-compliant\n"
        "16 Mar 2026 10:15 │ Bram Peeters │ e8-two-calls │    85 │ passed    │ resolved │              \n"
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
        ["a1000000001", "02/03/2026 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "49", "non réussi", "Non conforme", "2", "70", "49", "100", "0", "80", "100", "3,5"],
        ["a1000000002", "09/03/2026 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "65,7", "non réussi", "Conforme", "0", "44", "82,4", "100", "0", "100", "100", "5,75"],
        ["a1000000003", "16/03/2026 09:30", "Amélie Dupont", "e8-flat-tyre", "1", "fr", "entraînement", "terminé",
         "résolu", "94,7", "réussi", "Conforme", "0", "100", "82,4", "100", "100", "100", "100", "4,75"]]
    assert all(row[-1].endswith(f"{row[0]}.jsonl") for row in rows)


def test_csv_in_dutch_with_decimal_points_and_an_abandoned_call(class_store):
    result = plateau("results", "--csv", "--abandoned", "--lang", "nl", "--decimal-point", binary=True)
    header, row = read_csv(result.stdout)
    assert dict(zip(header, row)) | {"Transcript": ""} == {
        "Sessie": "c3000000003", "Datum": "2026-03-16 10:10", "Cursist": "Chloé Martin", "Scenario": "e8-flat-tyre",
        "Versie": "1", "Taal": "fr", "Modus": "oefening", "Status": "afgebroken", "Afloop": "", "Score": "37.6",
        "Resultaat": "niet geslaagd", "Conformiteit": "Niet conform", "Kritieke fouten": "2",
        "Kalmte en empathie (%)": "94", "Procedure (%)": "23.5", "Keuze van de hulpverlener (%)": "0",
        "Dossier (%)": "0", "Tijdigheid (%)": "20", "Taal (%)": "100", "Gesimuleerde minuten": "1.5",
        "Transcript": ""}


def test_a_name_that_looks_like_a_formula_stays_text_in_excel(tmp_path):
    from simulator.importing import record_transcript
    from tests.fixtures.desk.classroom import MONDAYS, PATHS, scenarios, write_transcript
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
    assert [line[:17] for line in lines[2:4]] == ["16 Mar 2026 10:15", "16 Mar 2026 10:30"]
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
    from simulator.importing import record_transcript
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


# ------------------------------------------------------------------ spreadsheets: decimal mark, dates, formulas, xlsx


AMELIE_FR = [  # Amélie's calls as a French-speaking Belgian spreadsheet reads them (Brussels time)
    ["a1000000001", "02/03/2026 09:30", "49", "70", "49", "100", "0", "80", "100", "3,5"],
    ["a1000000002", "09/03/2026 09:30", "65,7", "44", "82,4", "100", "0", "100", "100", "5,75"],
    ["a1000000003", "16/03/2026 09:30", "94,7", "100", "82,4", "100", "100", "100", "100", "4,75"]]


def figures(rows: list[list[str]]) -> list[list[str]]:
    """Session, date, score, the six criteria and the minutes of each row."""
    return [[row[0], row[1], row[9], *row[13:20]] for row in rows]


def test_a_csv_in_french_has_decimal_commas_and_day_first_dates_without_being_asked(class_store):
    _, *rows = read_csv(plateau("results", "--csv", "--trainee", "Amélie Dupont", "--lang", "fr", binary=True).stdout)
    assert figures(rows) == AMELIE_FR


def test_a_csv_follows_the_locale_when_no_language_is_given(class_store):
    result = plateau("results", "--csv", "--trainee", "Amélie Dupont", binary=True,
                     LANG="fr_BE.UTF-8", LC_ALL="", LC_MESSAGES="")
    header, *rows = read_csv(result.stdout)
    assert header[:3] == ["Session", "Date", "Stagiaire"]
    assert figures(rows) == AMELIE_FR


@pytest.mark.parametrize("flag", [["--decimal", "point"], ["--decimal-point"]])
def test_decimal_point_overrides_the_language_and_dates_go_year_first(class_store, flag):
    _, *rows = read_csv(plateau("results", "--csv", "--trainee", "Amélie Dupont", "--lang", "nl", *flag,
                                binary=True).stdout)
    assert figures(rows)[1] == ["a1000000002", "2026-03-09 09:30", "65.7", "44", "82.4", "100", "0", "100", "100", "5.75"]


@pytest.mark.parametrize("flag", [["--decimal", "comma"], ["--decimal-comma"]])
def test_decimal_comma_still_works_with_an_english_interface(class_store, flag):
    header, *rows = read_csv(plateau("results", "--csv", "--trainee", "Amélie Dupont", "--lang", "en", *flag,
                                     binary=True).stdout)
    assert header[9] == "Score"
    assert figures(rows) == AMELIE_FR


def test_every_figure_of_a_french_csv_reads_as_a_number_in_a_belgian_locale(class_store):
    """What LibreOffice or Excel set to fr-BE takes for a number: digits, at most one decimal comma, no point."""
    import re
    header, *rows = read_csv(plateau("results", "--csv", "--lang", "fr", binary=True).stdout)
    numeric = [i for i, title in enumerate(header) if title in ("Version", "Score", "Fautes critiques", "Minutes simulées")
               or title.endswith("(%)")]
    assert len(numeric) == 10
    cells = [row[i] for row in rows for i in numeric if row[i]]
    assert len(cells) == 13 * 10 - 4  # procedure, provider, case file and timing do not apply to the two-calls scenario
    assert [c for c in cells if not re.fullmatch(r"\d+(,\d+)?", c)] == []
    assert all(re.fullmatch(r"\d\d/\d\d/2026 \d\d:\d\d", row[1]) for row in rows)


@pytest.mark.parametrize("trainee, cell", [
    ('\x00=HYPERLINK("http://evil.example","Amélie")', '␀=HYPERLINK("http://evil.example","Amélie")'),
    ("\x01\x1b@SUM(1+1)*cmd|' /C calc'!A0", "␁␛@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("  -2+3", "'  -2+3"),
], ids=["nul-before-equals", "escape-before-at", "tab-before-equals", "spaces-before-minus"])
def test_a_name_with_control_characters_before_a_formula_stays_text_in_excel(tmp_path, trainee, cell):
    from simulator.importing import record_transcript
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "t.jsonl", loaded["e8"], lib, session="x1", trainee=trainee,
                                       started=MONDAYS[0], actions=PATHS["good"]))
    _, row = read_csv(plateau("results", "--csv", "--lang", "en", binary=True).stdout)
    assert row[2] == cell


@pytest.mark.parametrize("text, cell", [
    ("\x00=1+1", "␀=1+1"), ("\x1b[2J@A1", "␛[2J@A1"), ("\u009b=1", "\ufffd=1"), ("=1+1", "'=1+1"),
    ("Amélie Dupont", "Amélie Dupont"),
])
def test_a_csv_cell_shows_control_characters_as_signs_before_the_formula_guard_looks(text, cell):
    from simulator.desk_cli import csv_text
    assert csv_text(text) == cell


def read_xlsx(path):
    from openpyxl import load_workbook
    return load_workbook(path)


def test_xlsx_has_one_sheet_per_view_named_in_the_interface_language_with_the_title_row_frozen(class_store, tmp_path):
    out = tmp_path / "résultats.xlsx"
    result = plateau("results", "--xlsx", str(out), "--lang", "fr")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", f"Écrit : {out}\n")
    book = read_xlsx(out)
    assert book.sheetnames == ["Appels", "Critères", "Conformité"]
    assert [sheet.freeze_panes for sheet in book] == ["A2", "A2", "A2"]
    calls, criteria, compliance = book
    assert [c.value for c in calls[1]][:13] == ["Session", "Date", "Stagiaire", "Scénario", "Version", "Langue", "Mode",
                                               "Statut", "Issue", "Score", "Résultat", "Conformité", "Fautes critiques"]
    assert [c.value for c in criteria[1]] == ["Session", "Date", "Stagiaire", "Scénario", "Critère", "Points", "Sur",
                                              "Pourcentage", "Niveau"]
    assert [c.value for c in compliance[1]] == ["Niveau de conformité", "Appels terminés", "Part"]
    assert (calls.max_row, criteria.max_row, compliance.max_row) == (14, 1 + 12 * 6 + 2, 6)


def test_xlsx_numbers_are_numbers_and_dates_are_dates(class_store, tmp_path):
    from datetime import datetime
    out = tmp_path / "amelie.xlsx"
    assert plateau("results", "--xlsx", str(out), "--trainee", "amelie dupont", "--lang", "fr").returncode == 0
    calls, criteria, compliance = read_xlsx(out)
    first = [c.value for c in calls[2]]
    assert first[:20] == ["a1000000001", datetime(2026, 3, 2, 9, 30), "Amélie Dupont", "e8-flat-tyre", 1, "fr",
                          "entraînement", "terminé", "résolu", 49, "non réussi", "Non conforme", 2,
                          70, 49, 100, 0, 80, 100, 3.5]
    assert calls["B2"].number_format == "dd/mm/yyyy hh:mm"
    assert [c.value for c in criteria[3]] == ["a1000000001", datetime(2026, 3, 2, 9, 30), "Amélie Dupont", "e8-flat-tyre",
                                              "Procédure", 14.7, 30, 49, "Insuffisant"]
    assert [[c.value for c in row] for row in compliance.iter_rows(min_row=2)] == [
        ["Conformité élevée", 0, 0], ["Conforme", 2, 0.6667], ["Partiel", 0, 0], ["Faible", 0, 0],
        ["Non conforme", 1, 0.3333]]
    assert compliance["C3"].number_format == "0.0%"


def test_xlsx_in_dutch_with_english_dates_when_the_decimal_point_is_asked(class_store, tmp_path):
    out = tmp_path / "resultaten.xlsx"
    assert plateau("results", "--xlsx", str(out), "--lang", "nl", "--decimal-point").returncode == 0
    book = read_xlsx(out)
    assert book.sheetnames == ["Oproepen", "Criteria", "Conformiteit"]
    assert [c.value for c in book["Criteria"][1]][4:] == ["Criterium", "Punten", "Op", "Percentage", "Niveau"]
    assert book["Oproepen"]["B2"].number_format == "yyyy-mm-dd hh:mm"


def test_xlsx_keeps_a_name_that_looks_like_a_formula_as_text(tmp_path):
    from simulator.importing import record_transcript
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "t.jsonl", loaded["e8"], lib, session="x1",
                                       trainee='=HYPERLINK("http://evil.example","Amélie")', started=MONDAYS[0],
                                       actions=PATHS["good"]))
    out = tmp_path / "r.xlsx"
    assert plateau("results", "--xlsx", str(out), "--lang", "en").returncode == 0
    cell = read_xlsx(out)["Calls"]["C2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","Amélie")', "s")


def test_a_workbook_that_cannot_be_written_is_a_plain_error(class_store, tmp_path):
    folder = tmp_path / "results.xlsx"
    folder.mkdir()  # as good as a file Excel holds open on Windows: it cannot be replaced
    result = plateau("results", "--xlsx", str(folder), "--lang", "en")
    assert result.returncode == 1
    assert result.stderr == (f"plateau: cannot write {folder} (Is a directory); if it is open in Excel, close it and "
                             "try again.\n")
