"""The `plateau` command's argument parser, in the interface language.

argparse writes a few words of its own: "usage: ", the "options" heading, the help of -h, and its error
messages. Here they come from the message catalog (the cli.* messages) through argparse's own hooks: a
parser made without argparse's -h, which adds its own with a translated help and renames its two headings;
a help formatter that gives "usage: " in the language; and error() turning argparse's English messages
into the language. The command's --lang is read from the command line before the parser is built
(`early_lang`), so that `plateau play --help --lang nl` is in Dutch too.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from functools import partial

from simulator.cli_common import EXIT_USAGE
from simulator.i18n import detect_lang, t, tn
from simulator.languages import LANGS

__all__ = ["Parser", "HelpFormatter", "early_lang", "argparse_message"]


def early_lang(argv: list[str]) -> str | None:
    """The language a command line asks for with --lang (the last one given), read before it is parsed.

    Only a language Plateau has counts: a wrong one is left to the parser, which says so."""
    found = None
    words = iter(argv)
    for word in words:
        if word == "--":  # what follows is not options
            break
        if word == "--lang":
            value = next(words, None)
        elif word.startswith("--lang="):
            value = word.partition("=")[2]
        else:
            continue
        if value in LANGS:
            found = value
    return found


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help in `lang`: "usage: " translated; descriptions and examples kept as written."""

    def __init__(self, prog: str, *, lang: str = "en", **kwargs) -> None:
        super().__init__(prog, **kwargs)
        self.lang = lang

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, t("cli.usage", self.lang) if prefix is None else prefix)

    def _get_help_string(self, action) -> str:
        # The help texts come from the catalog, where a % is a plain percent sign, not a %(default)s.
        return (action.help or "").replace("%", "%%")


class Parser(argparse.ArgumentParser):
    """A parser whose own words (-h, headings, usage, errors) are in `lang` (default: the interface language).

    Its subcommands' parsers are Parsers too: give `lang=` to add_parser."""

    def __init__(self, prog: str | None = None, *, lang: str | None = None, add_help: bool = True, **kwargs) -> None:
        self.lang = lang if lang in LANGS else detect_lang()
        super().__init__(prog, add_help=False, formatter_class=partial(HelpFormatter, lang=self.lang), **kwargs)
        # The two headings argparse makes itself; it offers no parameter for them.
        self._positionals.title = _heading(t("cli.positionals", self.lang), self.lang)
        self._optionals.title = _heading(t("cli.options", self.lang), self.lang)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help", self.lang))

    def error(self, message: str):  # never returns
        """A usage error: the usage line, the message in the interface language, exit 2 (never a traceback)."""
        self.print_usage(sys.stderr)
        print(t("err.prefix", self.lang) + argparse_message(message, self.lang), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _heading(title: str, lang: str) -> str:
    """A heading of the help as argparse wants it, without the colon it adds: the catalog writes "{heading} :"
    in French, so that argparse's "options" + ":" becomes "options :"."""
    return t("cli.heading", lang, heading=title).removesuffix(":")


def _unquoted(text: str) -> str:
    """A value as argparse quotes it with repr ('de'), without its quotes."""
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


# argparse's error messages, in English (Python 3.11 to 3.13), and the same in `lang`. Texts not found here
# (ours, already in the language) are kept as they are. The patterns are compiled on the first usage error
# only: every command builds the parser, few make a mistake.
_ARGPARSE_ERRORS: list[tuple[str, Callable[[re.Match[str], str], str]]] = [
    (r"argument (?P<name>.+?): (?P<message>.+)",
     lambda m, lang: t("cli.err.argument", lang, name=m["name"], message=argparse_message(m["message"], lang))),
    (r"the following arguments are required: (?P<names>.+)",
     lambda m, lang: t("cli.err.required", lang, names=m["names"])),
    (r"one of the arguments (?P<names>.+) is required",
     lambda m, lang: t("cli.err.one_required", lang, names=m["names"])),
    (r"unrecognized arguments: (?P<words>.+)",
     lambda m, lang: t("cli.err.unrecognized", lang, words=m["words"])),
    (r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
     lambda m, lang: t("cli.err.choice", lang, value=_unquoted(m["value"]), choices=m["choices"])),
    (r"invalid int value: (?P<value>.+)",
     lambda m, lang: t("cli.err.int", lang, value=_unquoted(m["value"]))),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)",
     lambda m, lang: t("cli.err.value", lang, value=_unquoted(m["value"]))),
    (r"expected one argument", lambda m, lang: t("cli.err.one_value", lang)),
    (r"expected at most one argument", lambda m, lang: t("cli.err.at_most_one", lang)),
    (r"expected at least one argument", lambda m, lang: t("cli.err.at_least_one", lang)),
    (r"expected (?P<n>\d+) arguments?", lambda m, lang: tn("cli.err.values", int(m["n"]), lang)),
    (r"not allowed with argument (?P<name>.+)",
     lambda m, lang: t("cli.err.not_with", lang, name=m["name"])),
    (r"ignored explicit argument (?P<value>.+)",
     lambda m, lang: t("cli.err.no_value", lang, value=_unquoted(m["value"]))),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
     lambda m, lang: t("cli.err.ambiguous", lang, option=m["option"], matches=m["matches"])),
]


def argparse_message(message: str, lang: str) -> str:
    """One of argparse's error messages in `lang` ("argument --lang: invalid choice: ..." included)."""
    for pattern, say in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            return say(found, lang)
    return message
