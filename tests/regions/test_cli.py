"""The regions command: CSV, JSON, table, postal-code search, and the console script itself."""

from __future__ import annotations

import csv
import io
import json
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from integrationsatlas import cli

SAXONY_POPULATION = 4_089_467
SAXONY_FOREIGN = 371_050


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("regions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestRegionsCommand:
    def test_kreise_as_csv(self):
        rows = list(csv.DictReader(io.StringIO(run("--level", "kreis", "--format", "csv"))))
        assert len(rows) == 13
        assert list(rows[0]) == ["ags", "name", "level", "population", "gemeinden"]
        assert sum(int(r["population"]) for r in rows) == SAXONY_POPULATION
        assert sum(int(r["gemeinden"]) for r in rows) == 418
        bautzen = next(r for r in rows if r["ags"] == "14625")
        assert bautzen == {
            "ags": "14625",
            "name": "Landkreis Bautzen",
            "level": "kreis",
            "population": "296506",
            "gemeinden": "57",
        }

    def test_json_has_foreign_residents_at_land_and_kreis_level(self):
        land = json.loads(run("--level", "land", "--format", "json"))
        assert len(land) == 1
        assert land[0]["name"] == "Sachsen"
        assert land[0]["population"] == SAXONY_POPULATION
        assert land[0]["gemeinden"] == 418
        assert land[0]["foreign_residents"] == SAXONY_FOREIGN
        assert land[0]["foreign_reference_date"] == "2025-12-31"
        kreise = json.loads(run("--level", "kreis", "--format", "json"))
        assert len(kreise) == 13
        assert sum(k["population"] for k in kreise) == SAXONY_POPULATION
        assert sum(k["foreign_residents"] for k in kreise) == SAXONY_FOREIGN
        assert sum(k["foreign_eu27"] for k in kreise) == land[0]["foreign_eu27"]
        assert sum(k["foreign_third_country"] for k in kreise) == land[0]["foreign_third_country"]
        leipzig = next(k for k in kreise if k["ags"] == "14713")
        assert leipzig["name"] == "Leipzig"
        assert leipzig["foreign_eu27"] + leipzig["foreign_third_country"] > 0

    def test_postal_code_lists_its_gemeinden(self):
        rows = list(csv.DictReader(io.StringIO(run("--postal-code", "01796", "--format", "csv"))))
        assert {r["name"] for r in rows} == {"Pirna", "Dohma", "Struppen"}
        assert {r["level"] for r in rows} == {"gemeinde"}

    def test_table_is_the_default_format(self):
        lines = run("--parent", "14625").splitlines()
        assert lines[0].split() == ["ags", "name", "level", "population", "gemeinden"]
        assert set(lines[1]) <= {"-", " "}
        assert len(lines) == 2 + 57
        bautzen = next(line for line in lines if line.startswith("14625020"))
        assert bautzen.split() == ["14625020", "Bautzen", "gemeinde", "38", "039", "1"]

    @pytest.mark.parametrize(
        ("code", "message"),
        [("1796", "keine 5-stellige Postleitzahl"), ("99999", "99999 ist nicht geladen")],
    )
    def test_bad_postal_code(self, code, message):
        with pytest.raises(CommandError, match=message):
            run("--postal-code", code)

    def test_unknown_level_is_refused(self):
        with pytest.raises(CommandError, match="invalid choice: 'bezirk'"):
            run("--level", "bezirk")

    def test_empty_database_says_what_to_do(self):
        from integrationsatlas.regions.models import IndicatorValue, PostalCode, Region

        PostalCode.objects.all().delete()
        IndicatorValue.objects.all().delete()
        for level in ("gemeinde", "kreis", "land"):
            Region.objects.filter(level=level).delete()
        with pytest.raises(CommandError, match="integrationsatlas load-regions"):
            run()


@pytest.mark.django_db
class TestConsoleScriptInProcess:
    """cli.main: hyphenated names map to the management commands."""

    def test_hyphenated_command(self, capsys):
        cli.main(["integrationsatlas", "regions", "--level", "land", "--format", "csv"])
        lines = capsys.readouterr().out.splitlines()
        assert lines == [
            "ags,name,level,population,gemeinden",
            f"14,Sachsen,land,{SAXONY_POPULATION},418",
        ]

    @pytest.mark.parametrize(
        ("command", "option"), [("load-regions", "--data-dir"), ("regions", "--postal-code")]
    )
    def test_help(self, capsys, command, option):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["integrationsatlas", command, "--help"])
        assert exit_.value.code == 0
        assert option in capsys.readouterr().out

    def test_top_level_help_lists_both_commands(self, capsys):
        cli.main(["integrationsatlas", "help"])
        out = capsys.readouterr().out
        assert "load_regions" in out and "regions" in out

    def test_a_refused_query_exits_1_with_the_message_on_stderr(self, capsys):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["integrationsatlas", "regions", "--postal-code", "1"])
        assert exit_.value.code == 1
        assert "keine 5-stellige Postleitzahl" in capsys.readouterr().err

    def test_a_missing_data_folder_is_named_on_stderr(self, capsys, settings, tmp_path):
        settings.DATA_DIR = tmp_path / "nowhere"
        with pytest.raises(SystemExit) as exit_:
            cli.main(["integrationsatlas", "load-regions"])
        assert exit_.value.code == 1
        assert f"Datei fehlt: {tmp_path / 'nowhere' / 'manifest.json'}" in capsys.readouterr().err


def test_the_data_folder_comes_from_the_environment(monkeypatch, tmp_path):
    """settings.py reads INTEGRATIONSATLAS_DATA_DIR; without it, data/ in the project."""
    settings_file = project_dir() / "integrationsatlas" / "settings.py"
    monkeypatch.setenv("SECRET_KEY", "s" * 50)  # no key file written under var/
    monkeypatch.setenv("INTEGRATIONSATLAS_DATA_DIR", str(tmp_path / "edition"))
    assert runpy.run_path(str(settings_file))["DATA_DIR"] == tmp_path / "edition"
    monkeypatch.delenv("INTEGRATIONSATLAS_DATA_DIR")
    assert runpy.run_path(str(settings_file))["DATA_DIR"] == project_dir() / "data"


def console_script() -> Path:
    return Path(sys.executable).with_name("integrationsatlas")


def project_dir() -> Path:
    """The folder whose data/ the console script reads unless told otherwise."""
    return Path(cli.__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="uses its own SQLite file; run once, in the SQLite pass",
)
def test_real_console_script(tmp_path):
    """The installed `integrationsatlas` on a fresh SQLite file: migrate, load, query."""
    assert console_script().is_file(), "install the project first: make setup"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite3'}",
        "INTEGRATIONSATLAS_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("INTEGRATIONSATLAS_DATA_DIR", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def script(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(console_script()), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    # One process per step a user takes; the error paths and --help run in-process above
    # (TestConsoleScriptInProcess, TestRegionsCommand, test_load_regions.py).
    started = time.monotonic()
    result = script("migrate", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    result = script("load-regions")
    assert result.returncode == 0, result.stderr
    assert f"Regionen geladen aus {project_dir() / 'data'}" in result.stdout
    assert "regions: 432 (432 neu)" in result.stdout

    result = script("regions", "--postal-code", "01796", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["name"] for r in rows} == {"Pirna", "Dohma", "Struppen"}

    result = script("regions", "--level", "kreis", "--format", "json")
    assert result.returncode == 0, result.stderr
    kreise = json.loads(result.stdout)
    assert len(kreise) == 13
    assert sum(k["population"] for k in kreise) == SAXONY_POPULATION
    assert sum(k["foreign_residents"] for k in kreise) == SAXONY_FOREIGN
    print(f"console script round trip: {time.monotonic() - started:.1f} s")


def test_database_is_the_one_configured():
    """Guards the skip above: on PostgreSQL the test database really is PostgreSQL."""
    on_pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert (connection.vendor == "postgresql") == on_pg
