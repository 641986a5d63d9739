"""Interface strings in French, Dutch and English. One place for every word the trainee reads.

The interface language (menus, debrief) is separate from the language the trainee speaks to
the caller: a French-speaking floor answers a Dutch tourist in Dutch.

The words live in one message catalog in gettext's format, simulator/locale/LANG/LC_MESSAGES/plateau.po,
which translators edit (docs/translating.md). Each message's msgctxt is its key (`stress.calm`), its msgid
the English text, its msgstr the text in that language; `python -m simulator.translations compile` turns
each .po into the .mo next to it, which is what is read here, with the standard library's gettext (Babel,
which compiles, is not needed to run Plateau). A language's catalog is read once, the first time a text
of it is asked for.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from simulator.languages import LANGS

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "plateau"
FALLBACK = "en"  # a text missing in a language is shown in English; a key missing everywhere shows as itself


class _Catalog:
    """One language's messages: key -> text, key -> plural forms, and the rule that picks a form for a count."""

    __slots__ = ("texts", "plurals", "plural")

    def __init__(self, texts: dict[str, str], plurals: dict[str, list[str]], plural) -> None:
        self.texts, self.plurals, self.plural = texts, plurals, plural


_catalogs: dict[str, _Catalog] = {}


def _read(lang: str) -> _Catalog:
    """The compiled catalog of `lang`, indexed by key (gettext keeps a message with a context as "ctxt\\x04msgid")."""
    import gettext
    try:
        with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as fp:
            compiled = gettext.GNUTranslations(fp)
    except OSError:  # an incomplete installation: English, then the keys, rather than a crash
        return _Catalog({}, {}, lambda n: int(n != 1))
    texts: dict[str, str] = {}
    forms: dict[str, dict[int, str]] = {}
    for entry, text in compiled._catalog.items():  # the parsed .mo, as gettext keeps it
        if isinstance(entry, tuple):  # one plural form: ("ctxt\x04singular", index)
            key, marked, _ = entry[0].partition("\x04")
            if marked:
                forms.setdefault(key, {})[entry[1]] = text
        else:
            key, marked, _ = entry.partition("\x04")
            if marked:
                texts[key] = text
    return _Catalog(texts, {key: [f[i] for i in sorted(f)] for key, f in forms.items()}, compiled.plural)


def _catalog(lang: str) -> _Catalog:
    lang = lang if lang in LANGS else FALLBACK
    found = _catalogs.get(lang)
    if found is None:
        found = _catalogs[lang] = _read(lang)
    return found


def _find(key: str, lang: str) -> str | None:
    """The text of `key` in `lang`, else in English (read only then), else None."""
    text = _catalog(lang).texts.get(key)
    return text if text is not None else _catalog(FALLBACK).texts.get(key)


def template(key: str, lang: str) -> str:
    """The text of `key` in `lang` with its {placeholders} still in: in English if `lang` lacks it, else the key."""
    text = _find(key, lang)
    return key if text is None else text


def exists(key: str) -> bool:
    """Whether the catalog has a message `key` (with plural forms or not)."""
    english = _catalog(FALLBACK)
    return key in english.texts or key in english.plurals


def keys(prefix: str = "") -> list[str]:
    """The keys of the messages without plural forms that start with `prefix`."""
    return [key for key in _catalog(FALLBACK).texts if key.startswith(prefix)]


def every_lang(key: str, langs: tuple[str, ...] = LANGS) -> dict[str, str]:
    """The text of `key` in each language: {"fr": ..., "nl": ..., "en": ...}."""
    return {lang: template(key, lang) for lang in langs}


class Table(Mapping):
    """The messages under a prefix, read as a table of languages: `COMMANDS["file"]["fr"]` is "/dossier".

    `ids` fixes which entries there are and their order; without it, every key under the prefix.
    """

    def __init__(self, prefix: str, ids: tuple[str, ...] | None = None) -> None:
        self.prefix, self.ids = prefix, ids

    def _ids(self) -> list[str] | tuple[str, ...]:
        return self.ids if self.ids is not None else [key[len(self.prefix):] for key in keys(self.prefix)]

    def __getitem__(self, name: str) -> dict[str, str]:
        if not (isinstance(name, str) and exists(self.prefix + name)):
            raise KeyError(name)
        return every_lang(self.prefix + name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and exists(self.prefix + name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids())

    def __len__(self) -> int:
        return len(self._ids())


def t(key: str, lang: str, **values) -> str:
    """The interface text `key` in `lang`, with `{name}` placeholders filled in."""
    return template(key, lang).format(**values)


def tn(key: str, n: int, lang: str, **values) -> str:
    """The text `key` in the form `lang` uses for `n` ("1 appel", "2 appels"; "0 appel" but "0 calls"), `{n}` filled in."""
    catalog = _catalog(lang)
    forms = catalog.plurals.get(key)
    if forms is None:
        catalog = _catalog(FALLBACK)
        forms = catalog.plurals.get(key)
        if forms is None:
            return key
    return forms[min(catalog.plural(n), len(forms) - 1)].format(n=n, **values)


# Other words a trainee types for a command.
ALIASES = {"/aide": "help", "/help": "help", "/hulp": "help", "/?": "help"}

# The words of commands, kinds of provider and capabilities are messages too (command.file, kind.tow,
# capability.flatbed): the trainee reads them, and types them in any of the languages.
COMMANDS = Table("command.", ("file", "record", "providers", "speak", "note", "switch", "quit", "help"))

# Other words typed for a kind (plural forms, the English word in French...).
KIND_ALIASES = {"dépanneur": "tow", "depanneuse": "tow", "dépanneuses": "tow", "takelwagen": "tow", "sleepdienst": "tow",
                "hopital": "hospital", "hôtels": "hotel", "médecins": "doctor", "medecin": "doctor", "dokter": "doctor",
                "embassy": "consulate", "consulat": "consulate", "consulaat": "consulate", "argent": "funds"}


def kind_label(kind: str, lang: str) -> str:
    text = _find("kind." + kind, lang)
    return kind if text is None else text


def capability_label(capability: str, lang: str) -> str:
    """A capability in the trainee's words; one without a message shows its id."""
    text = _find("capability." + capability, lang)
    return capability.replace("_", " ") if text is None else text


def _named(prefix: str, word: str) -> str | None:
    """The id under `prefix` whose text, in any language, is `word` (in lower case)."""
    for key in keys(prefix):
        if any(template(key, lang).lower() == word for lang in LANGS):
            return key[len(prefix):]
    return None


def kind_of(word: str) -> str | None:
    """The kind of provider a typed word names, in any language (`dépanneuse`, `tow` -> "tow")."""
    word = word.lower()
    if exists("kind." + word):
        return word
    return KIND_ALIASES.get(word) or _named("kind.", word)


def capability_of(word: str) -> str | None:
    """The capability a typed word names, in any language (`pneus`, `tyre` -> "tyre")."""
    word = word.lower()
    if exists("capability." + word):
        return word
    return _named("capability.", word)


def command_of(word: str) -> str | None:
    """The command a typed word names, in any language (`/dossier`, `/file` -> "file")."""
    word = word.lower()
    for command, names in COMMANDS.items():
        if word in names.values():
            return command
    return ALIASES.get(word)


_chosen: str | None = None  # the --lang of the running command, for messages raised deep inside it


def choose_lang(lang: str | None) -> None:
    """Remember the command's --lang, so that errors raised anywhere speak it."""
    global _chosen
    _chosen = lang if lang in LANGS else None


def detect_lang(explicit: str | None = None) -> str:
    """--lang, else the locale (PLATEAU_LANG, LC_ALL, LC_MESSAGES, LANG), else English."""
    if explicit in LANGS:
        return explicit
    if _chosen is not None:
        return _chosen
    candidates = [os.environ.get(k, "") for k in ("PLATEAU_LANG", "LC_ALL", "LC_MESSAGES", "LANG")]
    try:
        candidates.append(locale.getlocale()[0] or "")
    except ValueError:
        pass
    for value in candidates:
        code = value[:2].lower()
        if code in LANGS:
            return code
    return "en"
