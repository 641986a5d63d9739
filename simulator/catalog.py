"""Where Plateau finds its files: bundled scenarios, rubrics, providers, and the data directory."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from simulator import model as m
from simulator.datadir import home  # noqa: F401  (re-exported: catalog.home)
from simulator.errors import PlateauError, ScenarioError
from simulator.loader import load_directory, load_rubric, load_scenario


def _bundled_root() -> Path:
    """Where the bundled calls, rubrics and providers are: inside the installed package (a wheel ships
    them as simulator/bundled/), or at the top of the source tree (a checkout, an editable install)."""
    from importlib.resources import files

    shipped = Path(str(files("simulator") / "bundled"))
    return shipped if (shipped / "scenarios").is_dir() else Path(__file__).resolve().parent.parent


ROOT = _bundled_root()
SCENARIOS = ROOT / "scenarios"
RUBRICS = ROOT / "rubrics"
PROVIDERS = SCENARIOS / "providers"


@dataclass(frozen=True)
class Library:
    rubrics: dict[str, m.Rubric]
    directory: m.Directory


@lru_cache(maxsize=None)
def _library(rubric_dirs: tuple[Path, ...], provider_dirs: tuple[Path, ...]) -> Library:
    """Rubrics and providers from these folders; a rubric in a later folder replaces one of the same id."""
    rubrics = {}
    problems = []
    for rubric_dir in rubric_dirs:
        for path in sorted(rubric_dir.glob("*.yaml")):
            try:
                rubric = load_rubric(path)
                rubrics[rubric.id] = rubric
            except ScenarioError as exc:
                problems.extend(exc.problems)
    files = [p for d in provider_dirs for p in sorted(d.glob("*.yaml"))]
    try:
        directory = load_directory(files)
    except ScenarioError as exc:
        problems.extend(exc.problems)
        directory = m.Directory()
    if problems:
        raise ScenarioError(problems)
    return Library(rubrics, directory)


def library(scenario_path: Path | str | None = None) -> Library:
    """The bundled rubrics and providers, plus the `rubrics/` and `providers/` folders beside an outside scenario.

    An instructor's adapted rubric (`rubrics/my-roadside.yaml` beside their scenario) is found
    there; one with the id of a bundled rubric replaces it for the scenarios of that folder."""
    rubric_dirs, provider_dirs = [RUBRICS], [PROVIDERS]
    if scenario_path is not None:
        folder = Path(scenario_path).resolve().parent
        if (folder / "rubrics").is_dir() and folder / "rubrics" != RUBRICS.resolve():
            rubric_dirs.append(folder / "rubrics")
        if (folder / "providers").is_dir() and folder / "providers" != PROVIDERS.resolve():
            provider_dirs.append(folder / "providers")
    return _library(tuple(rubric_dirs), tuple(provider_dirs))


def bundled_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


def scenario_path(name: str) -> Path:
    """A bundled scenario's id, or a path to a YAML file."""
    from simulator.i18n import detect_lang, t
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise PlateauError(t("err.no_scenario_file", detect_lang(), name=name))
        return candidate
    bundled = SCENARIOS / f"{name}.yaml"
    if bundled.is_file():
        return bundled
    import difflib
    ids = [p.stem for p in bundled_scenarios()]
    lang = detect_lang()
    # `dour` means `dour-festival`: a unique id starting with what was typed, else the closest spelling.
    starting = [i for i in ids if i.startswith(name.lower())]
    close = starting if len(starting) == 1 else difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
    guess = t("err.did_you_mean", lang, name=close[0]) if close else ""
    raise PlateauError(t("err.no_scenario", lang, name=name, guess=guess, ids=", ".join(ids)))


def open_scenario(name: str, *, check_model: bool = False) -> tuple[m.Scenario, Library]:
    """A scenario ready to play, with its rubrics and providers; `check_model` also plays its model call
    (simulator.modelcall) and refuses the file when the model call cannot be played to an end."""
    path = scenario_path(name)
    lib = library(path)
    if check_model:
        from simulator.modelcall import load_checked
        return load_checked(path, lib.rubrics, lib.directory), lib
    return load_scenario(path, lib.rubrics, lib.directory), lib
