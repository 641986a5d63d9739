"""plateau new: a scaffold that lints clean, has every path followed without a problem, and plays to an ending."""

from __future__ import annotations

import json

from tests.test_cli import plateau


def test_the_scaffold_lints_clean_and_plays_its_best_call_to_a_pass(tmp_path):
    made = plateau("new", "e19-battery", cwd=tmp_path)
    assert (made.returncode, made.stdout) == (0, "e19-battery.yaml\n")
    text = (tmp_path / "e19-battery.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "\nid: e19-battery\n" in text

    lint = plateau("lint", "--strict", "e19-battery.yaml", cwd=tmp_path)
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")

    paths = plateau("paths", "e19-battery.yaml", "--json", "--save-best", "best.yaml", cwd=tmp_path)
    report = json.loads(paths.stdout)
    assert (paths.returncode, report["complete"], report["problems"]) == (0, True, [])
    assert set(report["endings"]) == {"resolved", "unsafe"}
    assert report["score"]["max"] >= 90 and report["score"]["min"] < 50

    played = plateau("play", "e19-battery.yaml", "--answers", "best.yaml", "--json", "--transcript", "t.jsonl", cwd=tmp_path)
    final = json.loads(played.stdout)
    assert (played.returncode, final["ending"], final["score"]["passed"]) == (0, "resolved", True)


def test_the_schema_header_points_at_the_shipped_schema(tmp_path):
    plateau("new", "a-call", "-o", str(tmp_path / "sub" / "a-call.yaml"))
    first = (tmp_path / "sub" / "a-call.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = (tmp_path / "sub" / first.split("$schema=")[1]).resolve()
    assert target.name == "scenario.schema.json" and target.is_file()


def test_an_existing_file_is_not_overwritten(tmp_path):
    (tmp_path / "mine.yaml").write_text("keep me\n", encoding="utf-8")
    result = plateau("new", "mine", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1, "plateau: mine.yaml already exists; choose another name, or add --force to overwrite it.\n")
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "keep me\n"


def test_a_name_that_cannot_be_an_id_is_refused(tmp_path):
    result = plateau("new", "My Call", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("plateau: 'My Call' cannot be a scenario id")
    assert list(tmp_path.iterdir()) == []
