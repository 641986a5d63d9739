"""The message catalog: every word of the interface in French, Dutch and English, in gettext's .po files.

Translators edit simulator/locale/LANG/LC_MESSAGES/plateau.po and compile it (docs/translating.md); the
code asks for messages by key (the msgctxt). These tests hold the two sides together: every message is
in the three languages with the same placeholders, the .mo files are what the .po files compile to, every
key the code asks for exists, and no message sits in the catalog unused.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from simulator import i18n, translations
from simulator.languages import LANGS

ROOT = Path(__file__).resolve().parent.parent
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "nl": "nplurals=2; plural=(n != 1);",
                "en": "nplurals=2; plural=(n != 1);"}


CATALOGS = {lang: translations.read(lang) for lang in LANGS}  # the .po files, as Babel reads them


def _messages(lang: str) -> dict:
    """key (msgctxt) -> the Babel message."""
    return {message.context: message for message in CATALOGS[lang] if message.id}


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _keys() -> set[str]:
    return set(_messages("en"))


# ------------------------------------------------------------------ the catalog itself


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_declares_itself_its_plural_rule_and_utf8(lang):
    catalog = CATALOGS[lang]
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == lang
    assert headers["Plural-Forms"] == PLURAL_FORMS[lang]
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_every_message_has_a_key_and_the_three_languages_have_the_same_keys():
    for lang in LANGS:
        contexts = [message.context for message in CATALOGS[lang] if message.id]
        assert all(contexts), f"{lang}: a message without msgctxt"
        assert len(contexts) == len(set(contexts)), f"{lang}: two messages with the same msgctxt"
    keys = {lang: set(_messages(lang)) for lang in LANGS}
    assert keys["fr"] == keys["en"], f"only in fr: {keys['fr'] - keys['en']}, only in en: {keys['en'] - keys['fr']}"
    assert keys["nl"] == keys["en"], f"only in nl: {keys['nl'] - keys['en']}, only in en: {keys['en'] - keys['nl']}"
    assert len(keys["en"]) > 450


def test_every_message_has_a_non_empty_french_dutch_and_english_text():
    missing = [f"{lang}: {key}" for lang in LANGS for key, message in _messages(lang).items()
               if message.fuzzy or not all(text.strip() for text in _forms(message.string))]
    assert missing == [], "empty or marked fuzzy (needs work): " + ", ".join(missing)


def test_the_english_text_is_the_msgid_everywhere():
    english = _messages("en")
    for key, message in english.items():
        assert _forms(message.string) == _forms(message.id), f"en: {key}: msgstr and msgid differ"
    for lang in ("fr", "nl"):
        stale = [key for key, message in _messages(lang).items() if message.id != english[key].id]
        assert stale == [], f"{lang}: the msgid (the English source) is not the English text of {stale}"


def test_every_placeholder_is_the_same_in_the_three_languages():
    english = _messages("en")
    wrong = []
    for lang in LANGS:
        for key, message in _messages(lang).items():
            expected = set().union(*(translations.placeholders(text) for text in _forms(english[key].id)))
            for text in _forms(message.string):
                got = translations.placeholders(text)
                if message.pluralizable:  # a plural form may leave the count out ("one call")
                    got |= {"n"} & expected
                if got != expected:
                    wrong.append(f"{lang}: {key}: {sorted(got)} instead of {sorted(expected)}")
    assert wrong == []


def test_the_messages_with_placeholders_and_only_they_are_marked_python_brace_format():
    for lang in LANGS:
        for key, message in _messages(lang).items():
            has = any(translations.placeholders(text) for text in _forms(message.id))
            assert ("python-brace-format" in message.flags) == has, f"{lang}: {key}"


def test_messages_with_plural_forms_have_two_forms_in_each_language():
    for lang in LANGS:
        for key, message in _messages(lang).items():
            if message.pluralizable:
                assert len(message.string) == 2 and len(message.id) == 2, f"{lang}: {key}"


def test_the_compile_tool_tells_a_translator_what_is_wrong_in_plain_words():
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="fr", domain="plateau")
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS["fr"])]
    catalog.add("Call saved: {path}", "Appel enregistré : {chemin}", context="saved_at")
    catalog.add("Case", "", context="case")
    found = translations.problems("fr", catalog)
    assert any("saved_at" in line and "{path} missing" in line for line in found)
    assert any("saved_at" in line and "{chemin} is not in the English text" in line for line in found)
    assert any("'case'" in line and "not translated yet" in line for line in found)


# ------------------------------------------------------------------ the compiled catalog


@pytest.mark.parametrize("lang", LANGS)
def test_the_committed_mo_file_is_exactly_what_compiling_the_po_gives(lang):
    compiled = translations.compiled(CATALOGS[lang])
    assert translations.mo_path(lang).read_bytes() == compiled, (
        f"{translations.mo_path(lang)} is not what its .po compiles to: run python -m simulator.translations compile")


def test_compiling_twice_gives_the_same_bytes():
    assert translations.compiled(translations.read("fr")) == translations.compiled(translations.read("fr"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_interface_reads_every_message_as_the_po_writes_it(lang):
    for key, message in _messages(lang).items():
        if message.pluralizable:
            values = {name: "X" for text in message.string for name in translations.placeholders(text) if name != "n"}
            for n, form in ((1, 0), (2, 1)):
                assert i18n.tn(key, n, lang, **values) == message.string[form].format(n=n, **values), f"{lang}: {key}"
        else:
            assert i18n.template(key, lang) == message.string, f"{lang}: {key}"


def test_the_package_ships_the_compiled_catalog_and_its_sources():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["simulator"]
    for lang in LANGS:
        for path in (translations.mo_path(lang), translations.po_path(lang)):
            relative = path.relative_to(ROOT / "simulator").as_posix()
            assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def test_running_plateau_reads_a_language_only_when_asked_and_never_imports_babel():
    code = ("import sys, simulator.i18n as i; assert not i._catalogs; "
            "print(i.t('stress.calm', 'fr'), sorted(i._catalogs), 'babel' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["calme", "['fr']", "False"]


# ------------------------------------------------------------------ lookups: t, tn and their fallbacks


def test_t_fills_the_placeholders_in_the_language_asked_for():
    assert i18n.t("saved_at", "fr", path="x.jsonl") == "Appel enregistré : x.jsonl"
    assert i18n.t("saved_at", "nl", path="x.jsonl") == "Oproep bewaard: x.jsonl"
    assert i18n.t("saved_at", "en", path="x.jsonl") == "Call saved: x.jsonl"


def test_a_text_missing_in_a_language_falls_back_to_english_then_to_the_key(monkeypatch):
    fr = i18n._catalog("fr")
    monkeypatch.setitem(i18n._catalogs, "fr", i18n._Catalog({k: v for k, v in fr.texts.items() if k != "stress.calm"},
                                                             fr.plurals, fr.plural))
    assert i18n.t("stress.calm", "fr") == "calm"
    assert i18n.t("stress.tense", "fr") == "tendu"
    assert i18n.t("no.such.key", "fr") == "no.such.key"
    assert i18n.tn("no.such.key", 2, "fr") == "no.such.key"
    assert i18n.t("stress.calm", "de") == "calm"  # a language Plateau does not have: English


def test_french_says_1_appel_2_appels_and_0_appel():
    assert [i18n.tn("handin.calls", n, "fr") for n in (0, 1, 2)] == ["0 appel", "1 appel", "2 appels"]


def test_zero_is_singular_in_french_but_plural_in_dutch_and_english():
    assert i18n.tn("handin.scenarios", 0, "fr") == "0 scénario"
    assert i18n.tn("handin.scenarios", 0, "nl") == "0 scenario's"
    assert i18n.tn("handin.calls", 0, "en") == "0 calls"
    assert [i18n.tn("handin.calls", n, "nl") for n in (1, 2)] == ["1 oproep", "2 oproepen"]


def test_a_plural_message_fills_its_other_placeholders_too():
    assert i18n.tn("handin.trainee", 1, "fr", names="Zoë") == "Stagiaire : Zoë"
    assert i18n.tn("handin.trainee", 2, "fr", names="Zoë, Jan") == "Stagiaires : Zoë, Jan"


def test_the_words_a_trainee_types_are_found_in_any_language():
    assert i18n.command_of("/dossier") == i18n.command_of("/file") == "file"
    assert i18n.kind_of("Dépanneuse") == i18n.kind_of("takeldienst") == i18n.kind_of("tow") == "tow"
    assert i18n.capability_of("pneus") == "tyre"
    assert i18n.kind_label("tow", "nl") == "takeldienst"
    assert i18n.capability_label("some_new_thing", "fr") == "some new thing"  # no message: its id
    assert i18n.COMMANDS["switch"] == {"fr": "/appel", "nl": "/oproep", "en": "/call"}
    assert list(i18n.COMMANDS)[:2] == ["file", "record"]


# ------------------------------------------------------------------ the code and the catalog agree
#
# The code is read, not run: every call of a function that looks a message up is found, and its key
# argument read. A literal key ("stress.calm") must exist; a key built from a prefix ("refused." + ...)
# must have its prefix listed in _suffixes_of below, with the suffixes the code can give it, each of
# which must exist; a key the scan cannot read must be listed in DYNAMIC, with where its keys come from.

# The functions that look a message up: (module, name) -> (the namespace of their keys, the position of the
# key among the arguments, how the key is used: "text", "plural", or "prefix" for those given a prefix).
LOOKUPS = {
    ("simulator.i18n", "t"): ("", 0, "text"),
    ("simulator.i18n", "template"): ("", 0, "text"),
    ("simulator.i18n", "_find"): ("", 0, "text"),
    ("simulator.i18n", "every_lang"): ("", 0, "text"),
    ("simulator.i18n", "exists"): ("", 0, "any"),
    ("simulator.i18n", "tn"): ("", 0, "plural"),
    ("simulator.i18n", "keys"): ("", 0, "prefix"),
    ("simulator.i18n", "Table"): ("", 0, "prefix"),
    ("simulator.scoring_card", "_all"): ("", 0, "text"),
    ("simulator.desk_common", "say"): ("desk.", 0, "text"),
    ("simulator.handin", "say"): ("handin.", 0, "text"),
    ("simulator.handin", "_count"): ("handin.", 0, "plural"),
    ("simulator.cohort", "word"): ("cohort.", 0, "text"),
    ("simulator.assess", "word"): ("assess.", 0, "text"),
    ("simulator.roster", "RosterFileError"): ("roster.file.", 2, "text"),
}


UNLISTED = object()


def _suffixes_of(prefix: str) -> set[str] | None:
    """The suffixes the code can put after a prefix, from the enums and constants that hold them (None: the
    keys under the prefix are checked where they are asked for; UNLISTED: a prefix missing here)."""
    from simulator import assess, engine, model, player, xapi
    from simulator.cohort import COMPLIANCE_LEVELS
    from simulator.results import Refusal
    from simulator.roster import Problem
    from simulator.rubric_loader import CRITERIA
    return {
        "outcome.": {o.value for o in model.Outcome},
        "compliance.": set(COMPLIANCE_LEVELS),
        "criterion.": set(CRITERIA),
        "tone.": {tone.value for tone in model.Tone},
        "deviation.": {level.value for level in model.DeviationLevel},
        "speaker.": {s.value for s in model.Speaker},
        "transfer.": set(model.TRANSFER_TARGETS),
        "acted.": {a.value for a in (model.ActionType.CALL_PROVIDER, model.ActionType.TRANSFER, model.ActionType.CALL_112,
                                       model.ActionType.CALL)},
        "lang.": set(LANGS),
        "refused.": {s.value for s in engine.Status} | {"other"},
        "refusal.": {r.value for r in Refusal},  # results.explain: why a transcript was not recorded
        "reason.": {"unfinished", "critical", "compliance", "minimum", "pass_mark"},
        "ev.provider_": {"best", "acceptable", "unsuitable"},  # scoring_criteria.score_provider's verdicts
        "help.": set(i18n.COMMANDS) - {"help"},
        "command.": set(i18n.COMMANDS),
        "kind.": set(model.PROVIDER_KINDS),
        "stress.": {key.split(".", 1)[1] for _, key, _ in player.STRESS_STYLES},
        "desk.": None,  # desk_common.WORDS, read as a table: the desk.* keys are asked for with say()
        "desk.status.": {"finished", "abandoned"},
        "desk.mode.": {"practice", "timed", "answers", "assess"},
        "desk.actor.not_in_roster.": {xapi.ActorKind.EMAIL.value, xapi.ActorKind.ACCOUNT.value},
        "assess.question.": set(assess.QUALITIES),
        "assess.quality.": set(assess.QUALITIES),
        "assess.advice.": set(assess.QUALITIES),
        "assess.verdict.": set(assess.VERDICT_IDS),
        "xapi.verb.": set(xapi.VERBS),
        "roster.problem.": {p.value for p in Problem},
        # The cohort report's template shows every cohort.* message without placeholders (w.NAME).
        "cohort.": set(re.findall(r"\bw\.(\w+)", (ROOT / "simulator/templates/cohort.html.j2").read_text())),
        # Labels of the capabilities that provider files list: any may appear in a scenario's directory.
        "capability.": {key.split(".", 1)[1] for key in _keys() if key.startswith("capability.")},
    }.get(prefix, UNLISTED)


# Lookups whose key the scan cannot read, by (file, enclosing function): the prefix their keys share
# (checked as the other prefixes), or None when the keys reach it from lookups checked elsewhere.
DYNAMIC = {
    ("simulator/i18n.py", "_named"): None,  # the keys of keys("kind.") and keys("capability.")
    ("simulator/player.py", "stress_words"): "stress.",  # the keys of STRESS_STYLES
    ("simulator/cohort.py", "view"): "cohort.",  # the template's words: every cohort.* without placeholders
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


class _Scan:
    """Every lookup in the package's source: literal keys, prefixes, and keys it cannot read."""

    def __init__(self) -> None:
        self.trees = {_module_name(p): (p, ast.parse(p.read_text(encoding="utf-8")))
                      for p in sorted((ROOT / "simulator").rglob("*.py"))}
        self.literal: dict[str, list[str]] = {}     # key -> where
        self.plural: dict[str, list[str]] = {}      # key asked with plural forms -> where
        self.checked: dict[str, list[str]] = {}     # key only asked whether it exists -> where
        self.prefixes: dict[str, list[str]] = {}    # prefix -> where
        self.unread: list[str] = []
        self.dynamic: set[tuple[str, str]] = set()  # the entries of DYNAMIC met
        for module in self.trees:
            self._scan(module)

    def _defines(self, module: str, name: str) -> bool:
        tree = self.trees[module][1]
        return any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name for n in tree.body)

    def _origin(self, module: str, name: str, seen=()) -> tuple[str, str] | None:
        """Where `name`, as `module` uses it, is defined: follows `from X import name` (re-exports included)."""
        if (module, name) in LOOKUPS and self._defines(module, name):
            return module, name
        for node in ast.walk(self.trees[module][1]):
            if isinstance(node, ast.ImportFrom) and node.module in self.trees and node.module not in seen:
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return self._origin(node.module, alias.name, seen + (module,))
        return None

    def _module_aliases(self, module: str) -> dict[str, str]:
        """Names bound to a module of the package: `from simulator import i18n` -> {"i18n": "simulator.i18n"}."""
        out = {}
        for node in ast.walk(self.trees[module][1]):
            if isinstance(node, ast.ImportFrom) and node.module == "simulator":
                out.update({a.asname or a.name: f"simulator.{a.name}" for a in node.names})
            elif isinstance(node, ast.Import):
                out.update({a.asname: a.name for a in node.names if a.asname and a.name in self.trees})
        return out

    def _scan(self, module: str) -> None:
        path, tree = self.trees[module]
        aliases = self._module_aliases(module)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

        def enclosing(node) -> ast.AST | None:
            while node in parents:
                node = parents[node]
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    return node
            return None

        def inside_lookup(node) -> bool:
            while node in parents:
                node = parents[node]
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and (module, node.name) in LOOKUPS:
                    return True
            return False

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            origin = None
            if isinstance(func, ast.Name):
                origin = self._origin(module, func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in aliases:
                target = aliases[func.value.id]
                origin = (target, func.attr) if (target, func.attr) in LOOKUPS else None
            if origin is None:
                continue
            namespace, position, use = LOOKUPS[origin]
            if len(node.args) <= position:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            function = enclosing(node)
            found = self._keys(node.args[position], function)
            if inside_lookup(node) and (found is None or any(kind == "prefix" for kind, _ in found)):
                continue  # a lookup passing its own key on (say -> t): its callers are checked
            if found is None:
                context = (path.relative_to(ROOT).as_posix(), function.name if function else "")
                if context in DYNAMIC:
                    self.dynamic.add(context)
                    if DYNAMIC[context]:
                        self.prefixes.setdefault(DYNAMIC[context], []).append(where)
                    continue
                self.unread.append(f"{where}: {ast.unparse(node)}")
                continue
            for kind, text in found:
                key = namespace + text
                if kind == "prefix" or use == "prefix":
                    self.prefixes.setdefault(key, []).append(where)
                elif use == "plural":
                    self.plural.setdefault(key, []).append(where)
                elif use == "any":
                    self.checked.setdefault(key, []).append(where)
                else:
                    self.literal.setdefault(key, []).append(where)

    def _keys(self, arg, function) -> list[tuple[str, str]] | None:
        """("key", text) and ("prefix", text) pairs an argument can be, or None when it cannot be read."""
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return [("key", arg.value)]
        if isinstance(arg, ast.IfExp):
            body, orelse = self._keys(arg.body, function), self._keys(arg.orelse, function)
            return None if body is None or orelse is None else body + orelse
        if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
            left = self._keys(arg.left, function)
            if left and all(kind == "key" for kind, _ in left):
                return [("prefix", text) for _, text in left]
            return None
        if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
            return [("prefix", arg.values[0].value)]
        if isinstance(arg, ast.Name) and function is not None:
            return self._bound(arg.id, function)
        return None

    def _bound(self, name: str, function) -> list[tuple[str, str]] | None:
        """The literal strings `name` runs through in `function`: `for k in ("a", "b")`, or a list assigned to it."""
        lists = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                lists[node.targets[0].id] = node.value
        for node in ast.walk(function):
            loops = [(g.target, g.iter) for g in node.generators] if isinstance(node, (ast.ListComp, ast.SetComp,
                     ast.GeneratorExp, ast.DictComp)) else [(node.target, node.iter)] if isinstance(node, ast.For) else []
            for target, iterable in loops:
                if isinstance(target, ast.Name) and target.id == name:
                    if isinstance(iterable, ast.Name):
                        iterable = lists.get(iterable.id)
                    if isinstance(iterable, (ast.List, ast.Tuple)) and all(
                            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in iterable.elts):
                        return [("key", e.value) for e in iterable.elts]
        if isinstance(lists.get(name), (ast.Constant, ast.IfExp)):  # key = "a" if ... else "b"
            return self._keys(lists[name], None)
        return None


SCAN = _Scan()


def test_the_scan_reads_every_lookup_of_the_code():
    assert SCAN.unread == [], "keys the scan cannot read; add their prefix to DYNAMIC:\n" + "\n".join(SCAN.unread)
    assert len(SCAN.literal) > 250
    assert set(DYNAMIC) - SCAN.dynamic == set(), "entries of DYNAMIC no lookup needs any more"


def test_every_key_the_code_asks_for_exists():
    english = _messages("en")
    missing = {key: where for key, where in (SCAN.literal | SCAN.checked).items() if key not in english}
    assert missing == {}


def test_a_message_with_plural_forms_is_asked_for_with_a_count():
    english = _messages("en")
    wrong = {key: where for key, where in SCAN.literal.items() if key in english and english[key].pluralizable}
    assert wrong == {}, "messages with plural forms asked for with t() instead of tn()"


def test_every_key_the_code_asks_for_with_a_count_has_plural_forms():
    english = _messages("en")
    assert {key: where for key, where in SCAN.plural.items() if not (key in english and english[key].pluralizable)} == {}


def test_every_prefix_the_code_builds_keys_from_is_listed_with_the_suffixes_it_can_take():
    unknown = {prefix: where for prefix, where in SCAN.prefixes.items() if _suffixes_of(prefix) is UNLISTED}
    assert unknown == {}, "add these prefixes, and the suffixes the code gives them, to _suffixes_of"


def test_every_key_built_from_a_prefix_exists_for_each_suffix_the_code_can_give():
    english = _messages("en")
    missing = [prefix + suffix for prefix in SCAN.prefixes if _suffixes_of(prefix) not in (None, UNLISTED)
               for suffix in sorted(_suffixes_of(prefix)) if prefix + suffix not in english]
    assert missing == []


def test_no_message_in_the_catalog_is_unused():
    used = set(SCAN.literal) | set(SCAN.plural) | set(SCAN.checked)
    for prefix in SCAN.prefixes:
        suffixes = _suffixes_of(prefix)
        if suffixes not in (None, UNLISTED):
            used |= {prefix + suffix for suffix in suffixes}
    # The debrief's templates show report.words(), read by the scan as literal keys ("debrief.title"...).
    assert sorted(_keys() - used) == []


def test_the_cohort_template_only_shows_words_the_catalog_has():
    words = _suffixes_of("cohort.")
    english = _messages("en")
    assert sorted(w for w in words if f"cohort.{w}" not in english) == []
    assert all(not translations.placeholders(english[f"cohort.{w}"].id) for w in words)
