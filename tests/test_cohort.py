"""`plateau cohort`: a class's progress, pass rates, missed steps, wrong choices and timings, in the terminal and as HTML."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from simulator.cohort import ComplianceShare, Week, build_cohort, render_html
from simulator.importing import record_transcript
from simulator.store import Filters, Store
from tests.conftest import table_headers, too_wide
from tests.fixtures.desk.classroom import MONDAYS, PATHS, import_class, plateau, scenarios, write_transcript

GOLDEN = Path(__file__).parent / "golden" / "cohort"


@pytest.fixture
def class_store(tmp_path):
    import_class(tmp_path / "class")


def cohort(**filters):
    with Store() as store:
        return build_cohort(store, Filters(**filters))


def test_the_figures_of_the_class(class_store):
    c = cohort()
    assert (c.calls, c.finished, c.abandoned, c.passed, c.pass_mark) == (13, 12, 1, 7, 70.0)
    assert c.weeks == (Week(date(2026, 3, 2), 4, 55.9, 25.0), Week(date(2026, 3, 9), 4, 71.5, 50.0),
                       Week(date(2026, 3, 16), 4, 86.0, 100.0))
    assert [(t.name, t.calls, t.passed, t.abandoned, [s for _, s, _ in t.scores], t.trend) for t in c.trainees] == [
        ("Amélie Dupont", 3, 1, 0, [49.0, 65.7, 94.7], 45.7),
        ("Bram Peeters", 4, 3, 0, [30.8, 94.7, 84.4, 85.0], 22.0),
        ("Chloé Martin", 3, 2, 1, [94.7, 94.7], 0.0),
        ("Dries Janssens", 3, 1, 0, [49.0, 30.8, 79.7], 30.7)]
    assert [(s.id, s.calls, s.finished, s.passed, s.median, s.bins) for s in c.scenarios] == [
        ("e8-flat-tyre", 12, 11, 6, 79.7, (0, 0, 0, 2, 2, 0, 1, 1, 1, 4)),
        ("e8-two-calls", 1, 1, 1, 85.0, (0, 0, 0, 0, 0, 0, 0, 0, 1, 0))]
    assert c.compliance == (ComplianceShare("high_compliance", 0, 0.0, None), ComplianceShare("compliant", 7, 63.6, None),
                            ComplianceShare("partial", 0, 0.0, 10.0), ComplianceShare("low", 0, 0.0, 10.0),
                            ComplianceShare("non_compliant", 4, 36.4, 7.0))
    assert [c.compliance[i].over for i in range(5)] == [False, False, False, False, True]
    assert [(s.step, s.critical, s.missed, s.broken, s.applicable) for s in c.steps] == [
        ("identify", False, 9, 0, 11), ("safety_advice", False, 9, 0, 11), ("locate", True, 4, 0, 11),
        ("record", False, 4, 0, 11), ("confirm_eta", False, 2, 0, 11), ("dispatch", True, 2, 0, 11),
        ("greet", False, 2, 0, 11), ("safety_check", True, 2, 0, 11)]
    assert [(o.kind, o.option, o.sessions, o.reached, o.mean_points) for o in c.options] == [
        ("option", "plate-first", 2, 11, -3.9), ("option", "stay-in-car", 2, 11, 0.0),
        ("provider", "desk-nordkjosbotn-berging", 1, 11, -10.4), ("provider", "desk-tromso-bybil", 1, 11, -15.0)]
    assert [(t.step, t.count, t.never, t.median, t.p90, t.target, t.within) for t in c.timings] == [
        ("safety_check", 9, 2, 0.5, 2.8, 3.0, 100.0), ("dispatch", 9, 2, 2.8, 3.8, 15.0, 100.0)]


def test_a_cohort_is_filtered_like_the_results(class_store):
    c = cohort(trainees=("dries janssens", "Amélie Dupont"), since=date(2026, 3, 9))
    assert (c.calls, c.passed, [t.name for t in c.trainees]) == (4, 2, ["Amélie Dupont", "Dries Janssens"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_report_matches_the_golden_page(class_store, tmp_path, lang):
    out = tmp_path / f"class-{lang}.html"
    result = plateau("cohort", "--html", str(out), "--lang", lang)
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"class-{lang}.html"
    if os.environ.get("PLATEAU_UPDATE_GOLDEN"):
        golden.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_the_html_report_is_one_page_with_no_script_nor_outside_file_and_prints_on_a4(class_store):
    with Store() as store:
        html = render_html(build_cohort(store), "nl")
    assert "<script" not in html and "javascript:" not in html
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "@page { size: A4;" in html
    assert html.count("<svg") == 1 + 4 + 2 + 1  # weeks, one per trainee, one per scenario, compliance
    assert '<h2>Vaakst gemaakte foute keuzes</h2>' in html


def test_what_trainees_and_authors_typed_cannot_run_in_the_page(tmp_path):
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "t.jsonl", loaded["e8"], lib, session="x1",
                                       trainee="<script>alert('Amélie')</script>", started=MONDAYS[0],
                                       actions=PATHS["curt"]))
    with Store() as store:
        html = render_html(build_cohort(store), "en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;Amélie&#39;)&lt;/script&gt;" in html


def test_the_terminal_summary(class_store):
    result = plateau("cohort", "--lang", "en", "--top", "3", COLUMNS="120")
    assert result.returncode == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:4] == ["Class report · every recorded call", "From 2 Mar 2026 to 16 Mar 2026",
                         "Calls: 13 · trainees: 4 · scenarios: 2 · abandoned: 1", "Passed: 7 of 12 finished calls (58.3%)"]
    assert " Amélie Dupont  │     3 │      1 │         0 │    49 │ 94.7 │ 94.7 │ +45.7 │ ▄▆█" in lines
    assert lines[lines.index("Most-chosen wrong options"):] == [
        "Most-chosen wrong options",
        " Choice                         ┃ Scenario     ┃ Calls ┃ Share ┃ Why",
        "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━",
        " Your plate?                    │ e8-flat-tyre │     2 │ 18.2% │ 3.9 points lost on average",
        " Stay in the car.               │ e8-flat-tyre │     2 │ 18.2% │ leads to an unsafe ending",
        " provider: Nordkjosbotn Berging │ e8-flat-tyre │     1 │  9.1% │ 10.4 points lost on average",
        "Timings",
        " Step                ┃  Median ┃ 9 calls in 10 within ┃ Target ┃ Within target ┃ Never done",
        "━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━",
        " Check safety        │ 0.5 min │              2.8 min │  3 min │          100% │          2",
        " Dispatch a provider │ 2.8 min │              3.8 min │ 15 min │          100% │          2"]


@pytest.mark.parametrize("lang, headers", [
    ("fr", [["Stagiaire", "Appels", "Réussis", "Premier", "Dernier", "Tendance", "Scores dans le temps"],
            ["Scénario", "Appels", "Taux de réussite", "Médiane", "Répartition des scores"],
            ["Niveau", "Appels", "Part", "Maximum"],
            ["Étape", "Manquée", "Enfreinte", "Sur", "Part"],
            ["Choix", "Scénario", "Appels", "Part", "Pourquoi"],
            ["Étape", "Médiane", "9 appels sur 10 en", "Objectif", "Dans l'objectif", "Jamais fait"]]),
    ("nl", [["Cursist", "Oproepen", "Geslaagd", "Eerste", "Laatste", "Trend", "Scores in de tijd"],
            ["Scenario", "Oproepen", "Slaagpercentage", "Mediaan", "Verdeling van de scores"],
            ["Niveau", "Oproepen", "Aandeel", "Maximum"],
            ["Stap", "Overgeslagen", "Overtreden", "Op", "Aandeel"],
            ["Keuze", "Scenario", "Oproepen", "Aandeel", "Waarom"],
            ["Stap", "Mediaan", "9 op 10 oproepen binnen", "Doel", "Binnen het doel", "Nooit gedaan"]]),
    ("en", [["Trainee", "Calls", "Passed", "First", "Last", "Best", "Trend", "Scores over time"],
            ["Scenario", "Calls", "Pass rate", "Median", "Score distribution"],
            ["Level", "Calls", "Share", "At most"],
            ["Step", "Missed", "Broken", "Of", "Share"],
            ["Choice", "Scenario", "Calls", "Share", "Why"],
            ["Step", "Median", "9 calls in 10 within", "Target", "Within target", "Never done"]]),
])
def test_in_80_columns_every_table_fits_in_whole_words_and_only_lesser_columns_give_way(class_store, tmp_path,
                                                                                        lang, headers):
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "zoe.jsonl", loaded["e8"], lib, session="e5000000001",
                                       trainee="Zoë Vandenbroucke-Ngô", started=MONDAYS[2], actions=PATHS["far-tow"]))
    result = plateau("cohort", "--lang", lang, COLUMNS="80")
    assert result.returncode == 0, result.stderr
    assert too_wide(result.stdout, 80) == []
    assert table_headers(result.stdout) == headers
    assert "Vandenbroucke-Ngô" in result.stdout


def test_a_wide_terminal_shows_every_column_of_every_table(class_store):
    result = plateau("cohort", "--lang", "fr", COLUMNS="120")
    assert table_headers(result.stdout)[0] == ["Stagiaire", "Appels", "Réussis", "Abandonnés", "Premier", "Dernier",
                                               "Meilleur", "Tendance", "Scores dans le temps"]
    assert [len(headers) for headers in table_headers(result.stdout)] == [9, 5, 4, 5, 5, 6]


def test_an_empty_class_says_so(plateau_home, tmp_path):
    result = plateau("cohort", "--lang", "fr", "--html", str(tmp_path / "r.html"))
    assert result.stdout.splitlines()[:2] == ["Rapport de classe · tous les appels enregistrés",
                                              "Aucun appel enregistré pour cette sélection."]
    assert "<p>Aucun appel enregistré pour cette sélection.</p>" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_trainee_chart_shows_the_last_30_calls_while_first_best_and_trend_count_them_all(tmp_path):
    from datetime import timedelta

    from simulator.cohort import CHART_POINTS
    loaded, lib = scenarios()
    paths = ["curt"] * 3 + ["good"] * 29 + ["slow"] * 3  # 35 finished calls, one a day
    for n, path in enumerate(paths):
        record_transcript(write_transcript(tmp_path / f"e{n}.jsonl", loaded["e8"], lib, session=f"e{n:03d}",
                                           trainee="Emma Claes", started=MONDAYS[0] + timedelta(days=n),
                                           actions=PATHS[path]))
    with Store() as store:
        c = build_cohort(store)
        html = render_html(c, "en")
    [emma] = c.trainees
    assert CHART_POINTS == 30
    assert (emma.calls, emma.finished, len(emma.scores), emma.first, emma.best, emma.last, emma.trend) == (
        35, 35, 30, 49.0, 94.7, 65.7, 16.7)
    assert [s for _, s, _ in emma.scores] == [94.7] * 27 + [65.7] * 3
    assert html.count("<circle") == 30 + len(c.weeks)
    assert "<p class=\"hint\">Charts show at most each trainee&#39;s last 30 finished calls.</p>" in html


@pytest.mark.parametrize("value, lang, text", [
    (600 / 11, "en", "54.5%"), (600 / 11, "fr", "54,5\u00a0%"), (54.55, "en", "54.6%"), (6.25, "nl", "6,3\u00a0%"),
    (100.0, "fr", "100\u00a0%"), (0.0, "en", "0%"), (None, "en", "–")])
def test_a_share_has_one_decimal_at_most_rounded_half_away_from_zero(value, lang, text):
    from simulator.formatting import percent
    assert percent(value, lang) == text


def test_one_share_reads_the_same_in_the_results_and_in_the_class_report(class_store, tmp_path):
    results = plateau("results", "--scenario", "e8-flat-tyre", "--lang", "fr").stdout.splitlines()
    report = tmp_path / "classe.html"
    lines = [line.rstrip() for line in
             plateau("cohort", "--scenario", "e8-flat-tyre", "--lang", "fr", "--html", str(report)).stdout.splitlines()]
    assert results[-1] == "Appels : 12 · réussis : 6 sur 11 terminés (54,5\u00a0%) · score moyen : 69,8"
    assert lines[3] == "Réussis : 6 sur 11 appels terminés (54,5\u00a0%)"
    assert " Pneu crevé sur l'E8 à Tromsø │     12 │           54,5\u00a0% │    79,7 │ 0 ▁▁▁▅▅▁▃▃▃█ 100" in lines
    assert " Conforme          │      7 │   63,6\u00a0% │" in lines
    html = report.read_text(encoding="utf-8")
    assert '<td class="num">1</td><td class="num">54,5\u00a0%</td>' in html
    assert '<td class="num">7</td><td class="num">63,6\u00a0%</td>' in html


def test_the_class_report_is_written_with_o_as_every_report_is(class_store, tmp_path):
    out = tmp_path / "class.html"
    result = plateau("cohort", "-o", str(out), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == (GOLDEN / "class-fr.html").read_text(encoding="utf-8")


def test_a_self_assessment_is_not_counted_in_the_class_figures(class_store, tmp_path):
    from datetime import timedelta
    loaded, lib = scenarios()
    record_transcript(write_transcript(tmp_path / "assess.jsonl", loaded["e8"], lib, session="e5000000002",
                                       trainee="Amélie Dupont", started=MONDAYS[2] + timedelta(hours=3),
                                       actions=PATHS["far-tow"], mode="assess"))
    assert (cohort().calls, cohort(assessments=True).calls) == (cohort().calls, cohort().calls + 1)
    assert cohort(trainees=("Amélie Dupont",)).calls == 3
