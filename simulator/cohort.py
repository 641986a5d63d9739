"""A class's results at a glance: who progresses, which scenarios pass, what the class keeps getting wrong.

`build_cohort` reads the results store once, with a handful of aggregate queries, into a
`Cohort` (figures only, no words). `render_html` (Jinja2, self-contained, prints on A4, charts
in inline SVG drawn by the template, no script) and `render_terminal` (Rich) put it into words
in French, Dutch or English.

Compliance levels follow dispatch case review: accredited centres keep Partial and Low under
10% of reviewed calls each, and Non-compliant under 7%.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from simulator import i18n
from simulator.formatting import day, half_up, local_day, number, percent
from simulator.report import quote
from simulator.store import Filters, Store

COMPLIANCE_LEVELS = ("high_compliance", "compliant", "partial", "low", "non_compliant")
COMPLIANCE_LIMITS = {"partial": 10.0, "low": 10.0, "non_compliant": 7.0}  # % of reviewed calls, at most
TIMED_STEPS = ("safety_check", "dispatch")
BINS = 10  # score distribution: 0-9, 10-19, ..., 90-100
CHART_POINTS = 30  # a trainee's chart shows their last 30 finished calls (first, best and trend count them all)


def word(key: str, lang: str, **values) -> str:
    """The report's words are the catalog's messages `cohort.KEY` (simulator/locale)."""
    return i18n.t("cohort." + key, lang, **values)


# ------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class TraineeProgress:
    name: str
    calls: int
    abandoned: int
    passed: int
    scores: tuple[tuple[str, float, bool], ...]  # (started, overall, passed) of the last CHART_POINTS finished calls
    finished: int
    first: float | None
    last: float | None
    best: float | None
    trend: float | None  # mean of the last (up to three) finished calls minus that of the first as many


@dataclass(frozen=True)
class ScenarioStats:
    id: str
    title: dict
    calls: int
    finished: int
    abandoned: int
    passed: int
    median: float | None
    mean: float | None
    bins: tuple[int, ...]

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.finished if self.finished else None


@dataclass(frozen=True)
class StepStats:
    rubric: str
    step: str
    label: dict
    critical: bool
    applicable: int  # finished calls whose case called for the step
    missed: int
    broken: int
    late: int
    out_of_order: int

    @property
    def share(self) -> float:
        return 100 * (self.missed + self.broken) / self.applicable if self.applicable else 0.0


@dataclass(frozen=True)
class OptionStats:
    scenario: str
    kind: str
    option: str
    label: dict
    sessions: int  # finished calls in which it was chosen
    reached: int  # finished calls of its scenario
    mean_points: float
    breaks: tuple[dict, ...]  # labels of the steps it goes against

    @property
    def share(self) -> float:
        return 100 * self.sessions / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class TimingStats:
    rubric: str
    step: str
    label: dict
    target: float | None
    count: int
    never: int
    median: float | None
    p90: float | None
    within: float | None  # % of calls where it was done within the target


@dataclass(frozen=True)
class ComplianceShare:
    level: str
    count: int
    share: float
    limit: float | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.share > self.limit


@dataclass(frozen=True)
class Week:
    start: date
    calls: int
    mean: float
    pass_rate: float


@dataclass(frozen=True)
class Cohort:
    filters: Filters
    calls: int
    finished: int
    abandoned: int
    passed: int
    first: str | None
    last: str | None
    pass_mark: float
    weeks: tuple[Week, ...]
    trainees: tuple[TraineeProgress, ...]
    scenarios: tuple[ScenarioStats, ...]
    compliance: tuple[ComplianceShare, ...]
    steps: tuple[StepStats, ...]
    options: tuple[OptionStats, ...]
    timings: tuple[TimingStats, ...]


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, -(-len(values) * q // 100))
    return values[int(rank) - 1]


def _bin(score: float) -> int:
    return min(BINS - 1, int(score // (100 / BINS)))


def build_cohort(store: Store, filters: Filters = Filters(), *, top: int = 10) -> Cohort:
    """The figures of a class: every session matching `filters` (trainees, scenarios, dates)."""
    filters = Filters(filters.trainees, filters.scenarios, filters.since, filters.until,
                      assessments=filters.assessments)
    where, params = filters.where("s")
    # The local Monday of each call's week is worked out by SQLite, which reads the same local time as Python.
    rows = store.db.execute(
        f"SELECT trainee_key, trainee, scenario, started, overall, passed, status, compliance, "
        f"date(started, 'localtime', 'weekday 0', '-6 days') FROM sessions s WHERE {where} ORDER BY started, session",
        params).fetchall()
    titles = store.labels("scenario")

    people: dict[str, dict] = {}
    scenarios: dict[str, dict] = {}
    weeks: dict[str, list[tuple[float, bool]]] = {}
    compliance = {level: 0 for level in COMPLIANCE_LEVELS}
    finished = passed_total = 0
    for key, name, scenario, started, overall, passed, status, level, week in rows:
        person = people.get(key)
        if person is None:
            person = people[key] = {"name": name, "calls": 0, "abandoned": 0, "passed": 0, "scores": []}
        person["name"] = name  # the latest spelling
        person["calls"] += 1
        sc = scenarios.get(scenario)
        if sc is None:
            sc = scenarios[scenario] = {"calls": 0, "abandoned": 0, "passed": 0, "scores": []}
        sc["calls"] += 1
        if status != "finished":
            person["abandoned"] += 1
            sc["abandoned"] += 1
            continue
        passed = bool(passed)
        finished += 1
        passed_total += passed
        person["passed"] += passed
        person["scores"].append((started, overall, passed))
        sc["passed"] += passed
        sc["scores"].append(overall)
        in_week = weeks.get(week)
        if in_week is None:
            in_week = weeks[week] = []
        in_week.append((overall, passed))
        if level in compliance:
            compliance[level] += 1

    trainees = []
    for person in sorted(people.values(), key=lambda p: (p["name"].casefold(), p["name"])):
        scores = [s for _, s, _ in person["scores"]]
        k = max(1, min(3, len(scores) // 2))
        trend = (statistics.fmean(scores[-k:]) - statistics.fmean(scores[:k])) if len(scores) >= 2 else None
        trainees.append(TraineeProgress(person["name"], person["calls"], person["abandoned"], person["passed"],
                                        tuple(person["scores"][-CHART_POINTS:]), len(scores),
                                        scores[0] if scores else None,
                                        scores[-1] if scores else None, max(scores) if scores else None,
                                        round(trend, 1) if trend is not None else None))
    scenario_stats = []
    for sid in sorted(scenarios):
        sc = scenarios[sid]
        scores = sorted(sc["scores"])
        bins = [0] * BINS
        for s in scores:
            bins[_bin(s)] += 1
        scenario_stats.append(ScenarioStats(sid, titles.get(sid, {}), sc["calls"], len(scores), sc["abandoned"], sc["passed"],
                                            round(statistics.median(scores), 1) if scores else None,
                                            round(statistics.fmean(scores), 1) if scores else None, tuple(bins)))
    assessed = sum(compliance.values())
    shares = tuple(ComplianceShare(level, compliance[level], half_up(100 * compliance[level] / assessed, 1) if assessed else 0.0,
                                   COMPLIANCE_LIMITS.get(level)) for level in COMPLIANCE_LEVELS) if assessed else ()
    week_stats = tuple(Week(date.fromisoformat(start), len(v), round(statistics.fmean(s for s, _ in v), 1),
                            half_up(100 * sum(p for _, p in v) / len(v), 1)) for start, v in sorted(weeks.items()))

    finished_where = f"s.status = 'finished' AND {where}"
    step_labels = store.labels("step")
    steps = []
    for rubric, step, critical, applicable, missed, broken, late, order in store.db.execute(
            "SELECT s.rubric, st.step, max(st.critical), count(*), sum(st.performed = 0 AND st.broken = 0), sum(st.broken), "
            f"sum(st.late), sum(st.out_of_order) FROM steps st JOIN sessions s ON s.id = st.sid WHERE {finished_where} "
            "GROUP BY s.rubric, st.step", params):
        if missed + broken:
            steps.append(StepStats(rubric, step, step_labels.get(f"{rubric}/{step}", {}), bool(critical), applicable,
                                   missed, broken, late, order))
    steps.sort(key=lambda s: (-(s.missed + s.broken), -s.share, s.rubric, s.step))

    reached = {sid: sc["calls"] - sc["abandoned"] for sid, sc in scenarios.items()}
    option_labels, provider_labels = store.labels("option"), store.labels("provider")
    options = []
    for scenario, rubric, kind, option, sessions, points, breaks in store.db.execute(
            "SELECT s.scenario, s.rubric, d.kind, d.option, count(DISTINCT d.sid), avg(d.points), group_concat(DISTINCT d.breaks) "
            f"FROM decisions d JOIN sessions s ON s.id = d.sid WHERE d.wrong = 1 AND {finished_where} "
            "GROUP BY s.scenario, s.rubric, d.kind, d.option", params):
        broken = sorted({b for b in (breaks or "").split(",") if b})
        label = provider_labels.get(option, {}) if kind == "provider" else option_labels.get(f"{scenario}/{option}", {})
        options.append(OptionStats(scenario, kind, option, label, sessions, reached.get(scenario, 0), round(points or 0.0, 1),
                                   tuple(step_labels.get(f"{rubric}/{b}", {"en": b}) for b in broken)))
    options.sort(key=lambda o: (-o.sessions, -o.share, o.scenario, o.option))

    targets = store.labels("target")
    timings = []
    never: dict[tuple[str, str], int] = {(s.rubric, s.step): s.missed + s.broken for s in steps}
    minutes: dict[tuple[str, str], list[float]] = {}
    marks = ",".join("?" * len(TIMED_STEPS))
    for rubric, step, value in store.db.execute(
            f"SELECT s.rubric, st.step, st.minutes FROM steps st JOIN sessions s ON s.id = st.sid "
            f"WHERE st.step IN ({marks}) AND st.performed = 1 AND {finished_where}", list(TIMED_STEPS) + params):
        minutes.setdefault((rubric, step), []).append(value)
    for (rubric, step), values in sorted(minutes.items(), key=lambda kv: (kv[0][0], TIMED_STEPS.index(kv[0][1]))):
        values.sort()
        target = targets.get(f"{rubric}/{step}", {}).get("minutes")
        within = half_up(100 * sum(v <= target for v in values) / len(values), 1) if target is not None else None
        timings.append(TimingStats(rubric, step, step_labels.get(f"{rubric}/{step}", {}), target, len(values),
                                   never.get((rubric, step), 0), round(statistics.median(values), 1),
                                   round(_percentile(values, 90), 1), within))

    pass_mark = next(iter(store.db.execute(
        f"SELECT pass_mark FROM sessions s WHERE {where} GROUP BY pass_mark ORDER BY count(*) DESC LIMIT 1", params)), (70.0,))[0]
    return Cohort(filters, len(rows), finished, len(rows) - finished, passed_total,
                  rows[0][3] if rows else None, rows[-1][3] if rows else None, pass_mark, week_stats, tuple(trainees),
                  tuple(scenario_stats), shares, tuple(steps[:top]), tuple(options[:top]), tuple(timings))


# ------------------------------------------------------------------ words


def _num(value: float | None, lang: str) -> str:
    return number(value, lang, missing="–")


def _day(iso_or_date, lang: str) -> str:
    return day(iso_or_date if isinstance(iso_or_date, date) else local_day(iso_or_date), lang)


def _text(label: dict, lang: str, fallback: str) -> str:
    return label.get(lang) or label.get("en") or fallback


def _signed(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "−" if value < 0 else "±") + _num(abs(value), lang)


def _why(option: OptionStats, lang: str) -> str:
    if option.breaks:
        return word("why_breaks", lang, steps=", ".join(_text(b, lang, "") for b in option.breaks))
    if option.mean_points < 0:
        return word("why_points", lang, points=_num(abs(option.mean_points), lang))
    return word("why_ending", lang)


def _option_text(option: OptionStats, lang: str) -> str:
    if option.kind == "provider":
        return word("provider", lang, name=_text(option.label, lang, option.option))
    return _text(option.label, lang, option.option)


def describe_filters(filters: Filters, lang: str) -> str:
    parts = list(filters.trainees) + list(filters.scenarios)
    if filters.since:
        parts.append("≥ " + _day(filters.since, lang))
    if filters.until:
        parts.append("≤ " + _day(filters.until, lang))
    return ", ".join(parts) if parts else word("all", lang)


def view(cohort: Cohort, lang: str) -> dict:
    """Everything the report shows, as words and numbers in one language (the template only lays it out)."""
    w = {key[len("cohort."):]: i18n.template(key, lang)  # the template's words: those without placeholders
         for key in i18n.keys("cohort.") if "{" not in i18n.template(key, "en")}
    return {
        "lang": lang, "w": w, "c": cohort,
        "selection": describe_filters(cohort.filters, lang),
        "period": word("period", lang, first=_day(cohort.first, lang), last=_day(cohort.last, lang)) if cohort.first else "",
        "totals": word("totals", lang, sessions=cohort.calls, trainees=len(cohort.trainees), scenarios=len(cohort.scenarios),
                       abandoned=cohort.abandoned),
        "pass_rate": word("pass_rate", lang, passed=cohort.passed, finished=cohort.finished,
                          share=percent(100 * cohort.passed / cohort.finished if cohort.finished else None, lang)),
        "weeks": [{"label": _day(wk.start, lang), "calls": wk.calls, "mean": wk.mean, "mean_text": _num(wk.mean, lang),
                   "pass_rate": wk.pass_rate, "pass_text": percent(wk.pass_rate, lang)} for wk in cohort.weeks],
        "trainees": [{"name": t.name, "calls": t.calls, "abandoned": t.abandoned, "passed": t.passed,
                      "first": _num(t.first, lang), "last": _num(t.last, lang), "best": _num(t.best, lang),
                      "trend": _signed(t.trend, lang), "trend_value": t.trend or 0,
                      "points": [{"score": s, "passed": p, "day": _day(d, lang)} for d, s, p in t.scores]}
                     for t in cohort.trainees],
        "chart_hint": word("chart_hint", lang, n=CHART_POINTS) if any(t.finished > CHART_POINTS for t in cohort.trainees) else "",
        "scenarios": [{"id": s.id, "title": _text(s.title, lang, s.id), "calls": s.calls, "finished": s.finished,
                       "abandoned": s.abandoned, "passed": s.passed, "pass_rate": percent(s.pass_rate, lang),
                       "median": _num(s.median, lang), "mean": _num(s.mean, lang), "bins": list(s.bins),
                       "peak": max(s.bins) or 1} for s in cohort.scenarios],
        "compliance": [{"level": c.level, "name": i18n.t("compliance." + c.level, lang), "count": c.count,
                        "share": c.share, "share_text": percent(c.share, lang),
                        "limit": percent(c.limit, lang) if c.limit is not None else "", "over": c.over}
                       for c in cohort.compliance],
        "steps": [{"label": _text(s.label, lang, s.step), "critical": s.critical, "missed": s.missed, "broken": s.broken,
                   "late": s.late, "order": s.out_of_order, "applicable": s.applicable, "share": percent(s.share, lang)}
                  for s in cohort.steps],
        "options": [{"text": _option_text(o, lang), "scenario": o.scenario, "sessions": o.sessions, "reached": o.reached,
                     "quoted": _option_text(o, lang) if o.kind == "provider" else quote(_option_text(o, lang), lang),
                     "share": percent(o.share, lang), "why": _why(o, lang)} for o in cohort.options],
        "timings": [{"label": _text(t.label, lang, t.step), "count": t.count, "never": t.never,
                     "median": i18n.t("min", lang, n=_num(t.median, lang)), "p90": i18n.t("min", lang, n=_num(t.p90, lang)),
                     "target": i18n.t("min", lang, n=_num(t.target, lang)) if t.target is not None else "–",
                     "within": percent(t.within, lang)} for t in cohort.timings],
    }


# ------------------------------------------------------------------ rendering


TEMPLATES = Path(__file__).parent / "templates"


def render_html(cohort: Cohort, lang: str) -> str:
    """The report as one self-contained HTML page (no script, no outside file), A4 when printed."""
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("cohort.html.j2").render(view(cohort, lang))


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], top: float = 100.0) -> str:
    return "".join(SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))] if top else SPARK[0] for v in values)


def render_terminal(cohort: Cohort, lang: str, console, *, max_trainees: int = 40) -> None:
    """The same figures as the HTML report, as Rich tables that fit the console: in a narrow window the
    lesser columns (a rank above ESSENTIAL) give way, those of highest rank first."""
    from rich.text import Text

    from simulator.tables import Column, fitted

    v = view(cohort, lang)
    w = v["w"]
    console.print(Text(f"{w['title']} · {v['selection']}", style="bold"))
    if not cohort.calls:
        console.print(w["empty"])
        return
    console.print(v["period"])
    console.print(v["totals"])
    console.print(v["pass_rate"])

    def table(title: str, columns: list[Column], rows: list[list]):
        return fitted(console, columns, rows, title=title, title_justify="left", show_edge=False)

    figure = {"justify": "right", "wrap": False}  # a number, a share, minutes: never split
    console.print(table(w["trainees"], [
        Column(w["trainee"]), Column(w["calls"], **figure, rank=1), Column(w["passed"], **figure, rank=1),
        Column(w["abandoned"], **figure, rank=4), Column(w["first"], **figure, rank=3),
        Column(w["last"], **figure), Column(w["best"], **figure, rank=3), Column(w["trend"], **figure),
        Column(w["scores"], rank=2)],
        [[t["name"], str(t["calls"]), str(t["passed"]), str(t["abandoned"]), t["first"], t["last"], t["best"], t["trend"],
          sparkline([p["score"] for p in t["points"]])] for t in v["trainees"][:max_trainees]]))
    if len(v["trainees"]) > max_trainees:
        console.print(i18n.tn("cohort.more_trainees", len(v["trainees"]) - max_trainees, lang))

    console.print(table(w["scenarios"], [
        Column(w["scenario"]), Column(w["calls"], **figure, rank=1), Column(w["success"], **figure),
        Column(w["median"], **figure, rank=2), Column(w["distribution"], rank=3)],
        [[s["title"], str(s["calls"]), s["pass_rate"], s["median"], "0 " + sparkline(s["bins"], s["peak"]) + " 100"]
         for s in v["scenarios"]]))

    console.print(table(w["compliance"], [
        Column(w["level"]), Column(w["calls"], **figure, rank=1), Column(w["share"], **figure),
        Column(w["limit"], **figure, rank=2)],
        [[c["name"], str(c["count"]), Text(c["share_text"] + (" ▲" if c["over"] else ""),
                                           style="bold red" if c["over"] else ""), c["limit"]]
         for c in v["compliance"]]) if v["compliance"] else w["no_compliance"])

    console.print(table(w["steps"], [
        Column(w["step"]), Column(w["missed"], **figure), Column(w["broken"], **figure, rank=2),
        Column(w["of_calls"], **figure, rank=1), Column(w["share"], **figure)],
        [[s["label"] + (f" ({w['critical']})" if s["critical"] else ""), str(s["missed"]), str(s["broken"]),
          str(s["applicable"]), s["share"]] for s in v["steps"]]) if v["steps"] else w["no_steps"])

    console.print(table(w["options"], [
        Column(w["option"]), Column(w["scenario"], wrap=False, rank=2), Column(w["chosen"], **figure),
        Column(w["share"], **figure), Column(w["why"], rank=1)],
        [[o["text"], o["scenario"], str(o["sessions"]), o["share"], o["why"]] for o in v["options"]])
        if v["options"] else w["no_options"])

    console.print(table(w["timings"], [
        Column(w["step"]), Column(w["median"], **figure), Column(w["p90"], **figure, rank=1),
        Column(w["target"], **figure), Column(w["within"], **figure), Column(w["never"], **figure, rank=2)],
        [[t["label"], t["median"], t["p90"], t["target"], t["within"], str(t["never"])] for t in v["timings"]])
        if v["timings"] else w["no_timings"])
