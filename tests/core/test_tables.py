"""Listing output: aligned text table, CSV and JSON from the same rows."""

import csv
import io
import json

from integrationsatlas.core.tables import format_rows

ROWS = [
    {"ags": "14", "name": "Sachsen", "population": 4089467, "share": 0.5},
    {"ags": "14625", "name": "Landkreis Bautzen", "population": None, "share": 12.345},
]
COLUMNS = ["ags", "name", "population", "share"]


def test_table_aligns_text_left_and_numbers_right():
    lines = format_rows(ROWS, COLUMNS, "table").splitlines()
    assert lines[0] == "ags    name               population  share"
    assert lines[1] == "-----  -----------------  ----------  -----"
    assert lines[2] == "14     Sachsen             4 089 467   0.50"
    assert lines[3] == "14625  Landkreis Bautzen              12.35"


def test_csv_keeps_raw_values_and_only_the_columns_asked_for():
    text = format_rows(ROWS, ["ags", "population"], "csv")
    assert list(csv.reader(io.StringIO(text))) == [
        ["ags", "population"],
        ["14", "4089467"],
        ["14625", ""],
    ]


def test_json_keeps_umlauts_and_nulls():
    rows = [{"name": "Görlitz", "population": None}]
    text = format_rows(rows, ["name", "population"], "json")
    assert "Görlitz" in text
    assert json.loads(text) == rows
