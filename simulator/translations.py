"""The message catalog's tool: check the .po files translators edit and compile them to the .mo files Plateau reads.

    python -m simulator.translations compile          check every .po, then write the .mo next to it
    python -m simulator.translations compile --check  only say whether every .mo is up to date (exit 1 if not)

Each language has simulator/locale/LANG/LC_MESSAGES/plateau.po (see docs/translating.md). A message's
msgctxt is the key the code asks for, its msgid the English text, its msgstr the text in that language.
Compiling needs Babel (pip install babel, or pip install -e .[test]); running Plateau does not.

The same .po always gives the same .mo, byte for byte, whichever Babel version compiles it (Babel's own
version, which it writes in the header, is left out): the tests compare the committed .mo files with
what compiling gives, so a .po edited without compiling is caught.
"""

from __future__ import annotations

import argparse
import io
import string
import sys
from pathlib import Path

from simulator.i18n import DOMAIN, LOCALE_DIR
from simulator.languages import LANGS

EXIT_OK, EXIT_FAILED = 0, 1


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def read(lang: str):
    """The catalog of `lang` as Babel reads it (a babel.messages.catalog.Catalog)."""
    from babel.messages.pofile import read_po
    with open(po_path(lang), "rb") as fp:
        return read_po(fp, locale=lang, domain=DOMAIN, abort_invalid=True)


def placeholders(text: str) -> set[str]:
    """The {names} a text fills in ("{n} calls" -> {"n"}); "{{" and "}}" are plain braces."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _texts(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def problems(lang: str, catalog) -> list[str]:
    """What would make a message wrong on screen, in words a translator can act on."""
    found = []
    if catalog.num_plurals != 2:
        found.append(f"{lang}: the header's Plural-Forms should give 2 forms (nplurals=2), not {catalog.num_plurals}")
    seen: set[str] = set()
    for message in catalog:
        if not message.id:  # the header
            continue
        where = f"{po_path(lang).relative_to(LOCALE_DIR.parent.parent)}, {message.context or message.id!r}"
        if not message.context:
            found.append(f"{where}: the message has no msgctxt (its key): put it back as it was")
        elif message.context in seen:
            found.append(f"{where}: two messages have this msgctxt (key): keep one")
        seen.add(message.context)
        strings = _texts(message.string)
        if message.fuzzy:
            found.append(f"{where}: marked fuzzy (“needs work” in Poedit): check it, then remove the mark")
        if not all(s.strip() for s in strings):
            found.append(f"{where}: not translated yet (empty msgstr)")
            continue
        ids = _texts(message.id)
        expected = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            try:
                got = placeholders(text)
            except ValueError as exc:  # a lone { or }
                found.append(f"{where}: a brace {{ or }} is not closed ({exc}); write {{{{ or }}}} for a plain brace")
                continue
            if message.pluralizable:  # a form may leave the count out ("one call"), never add a name
                missing, extra = expected - got - {"n"}, got - expected
            else:
                missing, extra = expected - got, got - expected
            if missing:
                found.append(f"{where}: {', '.join('{' + n + '}' for n in sorted(missing))} missing in “{text}”")
            if extra:
                found.append(f"{where}: {', '.join('{' + n + '}' for n in sorted(extra))} is not in the English text "
                             "(keep the names between braces as they are)")
    return found


class _Compiled:
    """What Babel's write_mo reads of a catalog (its messages and its charset), with the header's
    "Generated-By: Babel x.y" line left out, so that the .mo depends on the .po alone."""

    def __init__(self, catalog) -> None:
        self.charset = catalog.charset
        header, *messages = list(catalog)
        header.string = "\n".join(line for line in header.string.split("\n") if not line.startswith("Generated-By:"))
        self._messages = [header, *messages]

    def __iter__(self):
        return iter(self._messages)


def compiled(catalog) -> bytes:
    """The .mo file of a catalog, as bytes."""
    from babel.messages.mofile import write_mo
    out = io.BytesIO()
    write_mo(out, _Compiled(catalog), use_fuzzy=False)
    return out.getvalue()


def compile_all(*, check: bool = False, out=None) -> int:
    """Check each language's .po and write its .mo (with `check`, only compare); EXIT_FAILED if anything is wrong."""
    out = out or sys.stdout
    try:
        from babel.messages.pofile import PoFileError
    except ImportError:
        print("Compiling the catalog needs Babel: pip install babel", file=out)
        return EXIT_FAILED
    status = EXIT_OK
    for lang in LANGS:
        try:
            catalog = read(lang)
        except (OSError, PoFileError) as exc:
            print(f"{po_path(lang)}: cannot be read: {exc}", file=out)
            status = EXIT_FAILED
            continue
        found = problems(lang, catalog)
        for line in found:
            print(line, file=out)
        if found:
            status = EXIT_FAILED
            continue
        data = compiled(catalog)
        target = mo_path(lang)
        current = target.read_bytes() if target.exists() else None
        if check:
            if current != data:
                print(f"{target} is out of date: run python -m simulator.translations compile", file=out)
                status = EXIT_FAILED
            continue
        if current != data:
            target.write_bytes(data)
            print(f"{target}: written ({sum(1 for m in catalog if m.id)} messages)", file=out)
        else:
            print(f"{target}: up to date", file=out)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.translations",
                                     description="Check the message catalog (.po) and compile it (.mo).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compile", help="check every .po and write the .mo next to it")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a .mo is not what its .po gives")
    args = parser.parse_args(argv)
    return compile_all(check=args.check)


if __name__ == "__main__":
    sys.exit(main())
