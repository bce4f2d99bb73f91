"""Back up and restore everything the product keeps, in one versioned JSON file.

A backup holds every row of the project's own apps (regions, registry, standards,
assessments, API tokens, ...), their full history (django-simple-history tables) and the
user accounts, together with the schema state (the last applied migration of every app).
A restore refuses a file from another schema, writes everything in one transaction into
an empty database without writing history of its own (the file brings the history), resets
the id sequences so new rows continue after the restored ones, and before it commits reads
every table back and compares it, row by row, with the file: anything that differs rolls the
whole restore back.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils.dateparse import parse_datetime

FORMAT = "integrationsatlas-backup"
FORMAT_VERSION = 1
# Accounts and permissions come along, so history rows keep their authors.
FRAMEWORK_APPS = ("auth",)
# Permissions are created by `migrate` itself; users and groups refer to them by natural key.
SKIPPED_MODELS = {"auth.Permission"}


def project_apps() -> list[str]:
    """Every app of this project: a new app is backed up without anyone remembering to add it."""
    return [c.label for c in apps.get_app_configs() if c.name.startswith("integrationsatlas.")]


class BackupError(Exception):
    pass


def backed_up_models() -> list[type[Model]]:
    """Every concrete model to save, parents before children (Django's dependency sort)."""
    from django.core.serializers import sort_dependencies

    labels = [*FRAMEWORK_APPS, *project_apps()]
    app_list = []
    for label in labels:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models = [
            m
            for m in config.get_models()
            if not m._meta.proxy and m._meta.managed and m._meta.label not in SKIPPED_MODELS
        ]
        if models:
            app_list.append((config, models))
    return sort_dependencies(app_list, allow_cycles=True)


def schema_state() -> dict[str, str]:
    """The newest applied migration of each app: a restore needs the same schema."""
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in (*FRAMEWORK_APPS, *project_apps()) and name > state.get(app, ""):
            state[app] = name
    return state


def _rows(model: type[Model]) -> Iterator[dict[str, Any]]:
    # The base manager: a default manager may hide rows (e.g. unpublished ones).
    queryset = model._base_manager.order_by("pk")
    data = serializers.serialize(
        "python", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True
    )
    yield from data


class _Encoder(serializers.json.DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds.

    Django cuts them to milliseconds, so 12:00:05.000400 is written as "12:00:05.000" and
    comes back as 12:00:05: a restored row would differ from its backup.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _as_stored(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as the file holds them (JSON text, then read back): comparable across databases."""
    loaded: list[dict[str, Any]] = json.loads(json.dumps(objects, cls=_Encoder, ensure_ascii=False))
    return loaded


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values with times as time values: "…05.000Z" (older backups) equals "…05Z"."""
    out = {}
    for name, value in fields.items():
        moment = None
        if isinstance(value, str) and len(value) >= 19:
            try:
                moment = parse_datetime(value)
            except ValueError:  # looks like a time but is none: compared as text
                moment = None
        out[name] = moment if moment is not None else value
    return out


def create_backup(path: Path) -> dict[str, int]:
    """Write the backup to `path` (gzip when it ends in .gz); return row counts per model."""
    counts: dict[str, int] = {}
    objects: list[dict[str, Any]] = []
    with transaction.atomic():  # one consistent snapshot
        for model in backed_up_models():
            rows = list(_rows(model))
            counts[model._meta.label] = len(rows)
            objects.extend(rows)
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": datetime.now(UTC).isoformat(),
        "schema": schema_state(),
        "counts": counts,
        "objects": objects,
    }
    text = json.dumps(document, cls=_Encoder, ensure_ascii=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(tmp, "wt", encoding="utf-8") as handle:
        handle.write(text)
    tmp.replace(path)  # never leave a half-written backup under the real name
    return counts


def read_backup(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sicherungsdatei nicht gefunden: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as exc:
        raise BackupError(f"{path}: keine lesbare Sicherung ({exc}).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path}: keine Integrationsatlas-Sicherung.")
    if document.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: Format-Version {document.get('version')} wird nicht unterstützt "
            f"(erwartet {FORMAT_VERSION})."
        )
    return document


def _database_is_empty() -> list[str]:
    return [m._meta.label for m in backed_up_models() if m._base_manager.exists()]


def _save_without_history(obj: Any) -> None:
    """Save one deserialised row without django-simple-history adding rows of its own.

    `raw` saves write no history, but setting a many-to-many field (a service's area) does;
    those rows would collide with the restored history ids (PostgreSQL) or add to them (SQLite).
    """
    obj.object.skip_history_when_saving = True
    try:
        obj.save()
    finally:
        del obj.object.skip_history_when_saving


def _differences(document: dict[str, Any], models: list[type[Model]]) -> list[str]:
    """Every table read back and compared with the file: counts first, then each row's fields."""
    expected: dict[str, dict[str, Any]] = {}
    for row in document["objects"]:
        expected.setdefault(row["model"], {})[json.dumps(row["pk"])] = _comparable(row["fields"])
    problems: list[str] = []
    for model in models:
        label = model._meta.label_lower
        rows = {
            json.dumps(r["pk"]): _comparable(r["fields"]) for r in _as_stored(list(_rows(model)))
        }
        wanted = expected.get(label, {})
        if len(rows) != len(wanted):
            problems.append(f"{model._meta.label}: {len(wanted)} Zeilen erwartet, {len(rows)} da")
            continue
        differing = [pk for pk, fields in wanted.items() if rows.get(pk) != fields]
        if differing:
            first = differing[0]
            fields = sorted(
                name
                for name, value in wanted[first].items()
                if (rows.get(first) or {}).get(name, object()) != value
            )
            problems.append(
                f"{model._meta.label}: Zeile(n) {', '.join(differing[:5])} weichen ab "
                f"(Zeile {first}: {', '.join(fields) or 'fehlt'})"
            )
    return problems


def restore_backup(path: Path, *, replace: bool = False) -> dict[str, int]:
    """Restore into an empty (migrated) database; with `replace`, existing rows are removed first."""
    document = read_backup(path)
    current = schema_state()
    if document["schema"] != current:
        differing = sorted(
            app
            for app in set(document["schema"]) | set(current)
            if document["schema"].get(app) != current.get(app)
        )
        raise BackupError(
            "Die Sicherung passt nicht zum Datenbankschema (Apps: "
            + ", ".join(differing)
            + "). Erst `integrationsatlas migrate` auf denselben Stand bringen."
        )
    models = backed_up_models()
    with transaction.atomic():
        occupied = _database_is_empty()
        if occupied and not replace:
            raise BackupError(
                "Die Datenbank ist nicht leer (" + ", ".join(occupied[:5]) + ", …). "
                "Wiederherstellen nur in eine leere Datenbank, oder mit --replace."
            )
        if replace:
            _delete_everything(models)
        counts: dict[str, int] = {}
        for obj in serializers.deserialize("python", document["objects"]):
            _save_without_history(obj)
            label = obj.object._meta.label
            counts[label] = counts.get(label, 0) + 1
        _reset_sequences(models)
        expected = {k: v for k, v in document["counts"].items() if v}
        problems = _differences(document, models)
        if counts != expected or problems:
            # Raised inside the transaction: nothing of this restore stays.
            raise BackupError(
                "Die wiederhergestellten Daten weichen von der Sicherung ab, nichts wurde "
                "übernommen: " + "; ".join(problems or [f"erwartet {expected}, gelesen {counts}"])
            )
    return counts


def _delete_everything(models: list[type[Model]]) -> None:
    """Raw deletes, children first: the rows go, no signals or PROTECT checks in between."""
    for model in reversed(models):
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through._base_manager.all()._raw_delete(connection.alias)
        model._base_manager.all()._raw_delete(connection.alias)


def _reset_sequences(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
