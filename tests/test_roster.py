"""`plateau roster`: the class list that tells an LMS who each trainee is, read from the CSV an instructor's Excel saves."""

from __future__ import annotations

import json

import pytest

from simulator.roster import Entry, Roster, load, read_csv, save
from tests.fixtures.desk.classroom import import_class, plateau

MONS = ("Stagiaire;E-mail;Identifiant\r\n"
        "Amélie Dupont;amelie.dupont@plateau-mons.be;adupont\r\n"
        "Bram Peeters;bram.peeters@plateau-mons.be;bpeeters\r\n"
        "Chloé Martin;chloe.martin@plateau-mons.be;cmartin\r\n")


def csv_file(tmp_path, text: str, *, encoding: str = "cp1252", name: str = "classe-mons.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def roster_json(plateau_home) -> dict:
    return json.loads((plateau_home / "roster.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ reading the files Excel and LMSs save


def test_a_belgian_excel_csv_in_cp1252_with_semicolons_is_imported(tmp_path, plateau_home):
    path = csv_file(tmp_path, MONS)
    result = plateau("roster", "import", str(path), "--lang", "fr")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"3 stagiaires lus : 3 ajoutés, 0 mis à jour, 0 ligne refusée. "
                             f"La liste de la classe compte 3 stagiaires ({plateau_home / 'roster.json'}).\n")
    assert roster_json(plateau_home) == {"version": 1, "trainees": [
        {"name": "Amélie Dupont", "email": "amelie.dupont@plateau-mons.be", "username": "adupont"},
        {"name": "Bram Peeters", "email": "bram.peeters@plateau-mons.be", "username": "bpeeters"},
        {"name": "Chloé Martin", "email": "chloe.martin@plateau-mons.be", "username": "cmartin"}]}


BRAM_BY_EMAIL = Entry("Bram Peeters", "bram.peeters@plateau-mons.be")
BRAM_BY_USERNAME = Entry("Bram Peeters", None, "bpeeters")


@pytest.mark.parametrize("text, encoding, entry", [
    ("\ufeffcursist,e-mailadres\nBram Peeters,bram.peeters@plateau-mons.be\n", "utf-8", BRAM_BY_EMAIL),  # BOM, commas
    ("Trainee;lms_username\nBram Peeters;bpeeters\n", "utf-8", BRAM_BY_USERNAME),  # plain UTF-8
    ("sep=;\r\nStagiaire;Courriel\r\nBram Peeters;bram.peeters@plateau-mons.be\r\n", "cp1252", BRAM_BY_EMAIL),  # Excel's hint
    ("Naam\tGebruikersnaam\r\nBram Peeters\tbpeeters\r\n", "utf-16", BRAM_BY_USERNAME),  # Excel's "Unicode text"
    ('"Stagiaire";"Identifiant"\r\n"  Bram   Peeters ";"bpeeters"\r\n', "cp1252", BRAM_BY_USERNAME),  # quoted, spaced
], ids=["utf8-bom-commas-dutch", "utf8-english", "excel-sep-line", "utf16-tabs", "quoted"])
def test_separators_encodings_and_column_titles_in_french_dutch_and_english_are_understood(tmp_path, text, encoding,
                                                                                           entry):
    assert read_csv(csv_file(tmp_path, text, encoding=encoding)) == ([entry], [])


def test_a_moodle_export_with_first_name_surname_and_address_columns_joins_the_names(tmp_path):
    path = csv_file(tmp_path, "Prénom;Nom;Adresse de courriel;Nom d'utilisateur\r\n"
                              "Amélie;Dupont;amelie.dupont@plateau-mons.be;adupont\r\n", encoding="utf-8")
    entries, problems = read_csv(path)
    assert (entries, problems) == ([Entry("Amélie Dupont", "amelie.dupont@plateau-mons.be", "adupont")], [])


def test_accents_in_a_cp1252_file_survive(tmp_path):
    entries, _ = read_csv(csv_file(tmp_path, "Stagiaire;E-mail\r\nZoë Vandenbroucke-Ngô;zoe.v@plateau-mons.be\r\n"))
    assert entries == [Entry("Zoë Vandenbroucke-Ngô", "zoe.v@plateau-mons.be")]


# ------------------------------------------------------------------ bad rows: where, what, how to fix; the good rows kept


BAD = ("Stagiaire;E-mail\r\n"
       "Amélie Dupont;amelie.dupont@plateau-mons.be\r\n"
       "Bram Peeters;bram.peeters@\r\n"
       ";dries.janssens@plateau-mons.be\r\n"
       "Chloé Martin;\r\n"
       "\r\n"
       "AMELIE dupont;amelie.d@plateau-mons.be\r\n"
       "Zoë Claes;amelie.dupont@plateau-mons.be\r\n"
       "Dries Janssens;dries.janssens@plateau-mons.be\r\n")


@pytest.mark.parametrize("lang, lines, summary", [
    ("fr", [
        "{f}:3: « bram.peeters@ » n'est pas une adresse e-mail ; écrivez-la en entier, par exemple amelie.dupont@example.be.",
        "{f}:4: pas de nom de stagiaire ; écrivez son nom dans la colonne « Stagiaire », ou supprimez la ligne.",
        "{f}:5: ni adresse e-mail ni identifiant pour Chloé Martin ; complétez la ligne, ou supprimez-la.",
        "{f}:7: AMELIE dupont figure déjà à la ligne 2, avec une autre identité ; gardez une seule ligne par stagiaire.",
        "{f}:8: l'adresse amelie.dupont@plateau-mons.be est déjà celle d'un autre stagiaire : Amélie Dupont (ligne 2) ; "
        "chacun a la sienne, corrigez l'une des deux."],
     "2 stagiaires lus : 2 ajoutés, 0 mis à jour, 5 lignes refusées. La liste de la classe compte 2 stagiaires"),
    ("nl", [
        "{f}:3: “bram.peeters@” is geen e-mailadres; schrijf het volledig, bijvoorbeeld bram.peeters@example.be.",
        "{f}:4: geen naam van een cursist; schrijf de naam in de kolom “Stagiaire”, of verwijder de regel.",
        "{f}:5: geen e-mailadres en geen gebruikersnaam voor Chloé Martin; vul de regel aan, of verwijder ze.",
        "{f}:7: AMELIE dupont staat al op regel 2, met een andere identiteit; hou één regel per cursist.",
        "{f}:8: het adres amelie.dupont@plateau-mons.be is al dat van een andere cursist: Amélie Dupont (regel 2); "
        "elk heeft een eigen adres, verbeter een van beide."],
     "2 cursisten gelezen: 2 toegevoegd, 0 bijgewerkt, 5 regels geweigerd. De klaslijst telt 2 cursisten"),
    ("en", [
        "{f}:3: 'bram.peeters@' is not an e-mail address; write it in full, for example amelie.dupont@example.be.",
        "{f}:4: no trainee name; write the name in the 'Stagiaire' column, or delete the line.",
        "{f}:5: neither an e-mail address nor a username for Chloé Martin; fill the line in, or delete it.",
        "{f}:7: AMELIE dupont is already on line 2, with another identity; keep one line per trainee.",
        "{f}:8: the address amelie.dupont@plateau-mons.be is already another trainee's: Amélie Dupont (line 2); "
        "each has their own, correct one of them."],
     "2 trainees read: 2 added, 0 updated, 5 lines refused. The class list has 2 trainees"),
])
def test_each_bad_row_is_reported_at_its_line_in_the_interface_language_and_the_good_rows_are_kept(
        tmp_path, plateau_home, lang, lines, summary):
    path = csv_file(tmp_path, BAD)
    result = plateau("roster", "import", str(path), "--lang", lang)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line.format(f=path) for line in lines]
    assert result.stdout == f"{summary} ({plateau_home / 'roster.json'}).\n"
    assert [t["name"] for t in roster_json(plateau_home)["trainees"]] == ["Amélie Dupont", "Dries Janssens"]


def test_a_file_whose_first_line_names_no_trainee_column_is_refused_with_an_example(tmp_path, plateau_home):
    path = csv_file(tmp_path, "Amélie Dupont;amelie.dupont@plateau-mons.be\r\nBram Peeters;bram.peeters@plateau-mons.be\r\n")
    result = plateau("roster", "import", str(path), "--lang", "fr")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"plateau : {path}:1: aucune colonne pour le nom du stagiaire parmi « Amélie Dupont;"
                             "amelie.dupont@plateau-mons.be » ; la première ligne nomme les colonnes, par exemple : "
                             "stagiaire;email ou stagiaire;identifiant\n")
    assert not (plateau_home / "roster.json").exists()


def test_a_file_with_names_but_no_address_or_username_column_is_refused(tmp_path):
    path = csv_file(tmp_path, "Cursist;Groep\r\nBram Peeters;Gent 2026-12\r\n")
    result = plateau("roster", "import", str(path), "--lang", "nl")
    assert result.stderr == (f"plateau: {path}:1: geen kolom voor het e-mailadres of de gebruikersnaam in "
                             "“Cursist;Groep”; voeg er een toe, bijvoorbeeld: cursist;email of cursist;gebruikersnaam\n")


def test_a_file_with_only_bad_rows_changes_nothing(tmp_path, plateau_home):
    save(Roster([Entry("Amélie Dupont", "amelie.dupont@plateau-mons.be")]))
    path = csv_file(tmp_path, "Trainee;Email\r\nBram Peeters;not an address\r\n")
    result = plateau("roster", "import", str(path), "--replace", "--lang", "en")
    assert result.returncode == 1
    assert result.stdout == "Nothing imported: correct the lines above, then import the file again.\n"
    assert [e.name for e in load()] == ["Amélie Dupont"]


def test_a_file_that_does_not_exist_is_a_plain_error(tmp_path):
    result = plateau("roster", "import", str(tmp_path / "klas.csv"), "--lang", "nl")
    assert (result.returncode, result.stderr) == (1, f"plateau: er is geen bestand “{tmp_path / 'klas.csv'}”.\n")


# ------------------------------------------------------------------ the list kept in the data directory


def test_a_trainee_is_found_whatever_the_accents_capitals_and_spaces():
    roster = Roster([Entry("Amélie Dupont", "amelie.dupont@plateau-mons.be")])
    assert roster.get("  AMELIE   dupont ") == Entry("Amélie Dupont", "amelie.dupont@plateau-mons.be")
    assert roster.get("Amélie Dupond") is None


def test_importing_again_adds_newcomers_updates_changes_and_keeps_what_the_file_does_not_say(tmp_path, plateau_home):
    assert plateau("roster", "import", str(csv_file(tmp_path, MONS)), "--lang", "en").returncode == 0
    second = csv_file(tmp_path, "Trainee;E-mail\r\nChloe MARTIN;chloe.martin@forem-mons.be\r\n"
                                "Dries Janssens;dries.janssens@plateau-mons.be\r\n", name="week-2.csv")
    result = plateau("roster", "import", str(second), "--lang", "en")
    assert result.stdout.startswith("2 trainees read: 1 added, 1 updated, 0 lines refused. The class list has 4 trainees")
    assert [(e.name, e.email, e.username) for e in load()] == [
        ("Amélie Dupont", "amelie.dupont@plateau-mons.be", "adupont"),
        ("Bram Peeters", "bram.peeters@plateau-mons.be", "bpeeters"),
        ("Chloe MARTIN", "chloe.martin@forem-mons.be", "cmartin"),  # the username the second file did not give is kept
        ("Dries Janssens", "dries.janssens@plateau-mons.be", None)]


def test_replace_forgets_the_trainees_kept_so_far(tmp_path):
    plateau("roster", "import", str(csv_file(tmp_path, MONS)))
    other = csv_file(tmp_path, "Cursist;Email\r\nDries Janssens;dries.janssens@plateau-mons.be\r\n", name="gent.csv")
    assert plateau("roster", "import", str(other), "--replace").returncode == 0
    assert [e.name for e in load()] == ["Dries Janssens"]


def test_an_address_kept_for_another_trainee_is_refused_in_a_later_file(tmp_path):
    plateau("roster", "import", str(csv_file(tmp_path, MONS)))
    later = csv_file(tmp_path, "Trainee;Email\r\nAmélie Dupond;amelie.dupont@plateau-mons.be\r\n", name="typo.csv")
    result = plateau("roster", "import", str(later), "--lang", "en")
    assert result.stderr == (f"{later}:2: the address amelie.dupont@plateau-mons.be is already another trainee's: "
                             "Amélie Dupont in the class list; each has their own, correct one of them.\n")


def test_the_list_is_written_whole_as_utf8_with_nothing_left_beside_it(plateau_home):
    save(Roster([Entry("Zoë Vandenbroucke-Ngô", "zoe.v@plateau-mons.be")]))
    save(Roster([Entry("Zoë Vandenbroucke-Ngô", "zoe.v@plateau-mons.be"), Entry("Bram Peeters", None, "bpeeters")]))
    assert sorted(p.name for p in plateau_home.iterdir()) == ["roster.json"]
    assert (plateau_home / "roster.json").read_bytes().decode("utf-8") == (
        '{\n  "version": 1,\n  "trainees": [\n'
        '    {\n      "name": "Bram Peeters",\n      "email": null,\n      "username": "bpeeters"\n    },\n'
        '    {\n      "name": "Zoë Vandenbroucke-Ngô",\n      "email": "zoe.v@plateau-mons.be",\n      "username": null\n    }\n'
        '  ]\n}\n')


def test_a_damaged_list_is_a_plain_error_that_says_how_to_start_again(plateau_home):
    plateau_home.mkdir(parents=True)
    (plateau_home / "roster.json").write_text("{not json", encoding="utf-8")
    result = plateau("roster", "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.startswith(f"plateau: the class list {plateau_home / 'roster.json'} cannot be read (")
    assert result.stderr.endswith("import it again with plateau roster import FILE.csv --replace.\n")


# ------------------------------------------------------------------ plateau roster: what the list holds, who is missing


def test_the_list_shows_each_trainee_and_who_has_calls_but_no_entry(tmp_path, plateau_home):
    import_class(tmp_path / "class")
    plateau("roster", "import", str(csv_file(tmp_path, MONS)))
    result = plateau("roster", "--lang", "en")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Trainee       ┃ E-mail                        ┃ Username\n"
        "━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━\n"
        "Amélie Dupont │ amelie.dupont@plateau-mons.be │ adupont \n"
        "Bram Peeters  │ bram.peeters@plateau-mons.be  │ bpeeters\n"
        "Chloé Martin  │ chloe.martin@plateau-mons.be  │ cmartin \n"
        f"3 trainees in the class list ({plateau_home / 'roster.json'}).\n"
        "Not in the list, with recorded calls: Dries Janssens.\n")


def test_the_list_as_json(tmp_path):
    plateau("roster", "import", str(csv_file(tmp_path, MONS)))
    assert json.loads(plateau("roster", "--json").stdout)[0] == {
        "name": "Amélie Dupont", "email": "amelie.dupont@plateau-mons.be", "username": "adupont"}


def test_an_empty_list_says_how_to_import_one(plateau_home):
    result = plateau("roster", "--lang", "fr")
    assert (result.returncode, result.stdout) == (0, "La liste de la classe est vide. Importez-la avec : plateau roster "
                                                     "import FICHIER.csv (colonnes stagiaire;email ou stagiaire;identifiant).\n")


@pytest.mark.parametrize("args", [["roster"], ["roster", "import"]])
def test_roster_and_roster_import_have_help_with_an_example(args):
    result = plateau(*args, "--help")
    assert result.returncode == 0
    assert "Example:\n  plateau roster import " in result.stdout
