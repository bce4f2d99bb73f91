"""The import page's mapping step: a list in another layout is mapped once, previewed, then imported.

The upload (views.import_page) hands over any CSV/XLSX whose header is not the template's.
This page shows each column with a few of its values and a choice of template column
(recognised German headers come preselected), checks the whole file as a dry run ("preview"),
and imports it only on a second click. The mapping can be saved as a profile file for the
command line (`integrationsatlas import LISTE.csv --mapping profil.json`) and loaded again.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from integrationsatlas.registry import permissions
from integrationsatlas.taxonomy.models import OfferType

from . import staging
from .flat import LOCATION_COLUMNS, SERVICE_COLUMNS
from .importer import ImportResult, import_file, may_import
from .mapping import HOUSE_NUMBER, IGNORE, STREET, Profile, is_template, propose, read_profile
from .problems import ImportRefused
from .summary import describe_file
from .tabular import Table, read_table_info

SESSION_KEY = "interchange_staged"
SAMPLES = 3


def needs_mapping(data: bytes, fmt: str) -> bool:
    """A readable CSV/XLSX whose header is not the template's; unreadable files go on as before."""
    if fmt not in ("csv", "xlsx"):
        return False
    try:
        return not is_template(read_table_info(data, fmt).header)
    except ImportRefused:
        return False


def stage(
    request: HttpRequest, data: bytes, file_name: str, fmt: str, options: dict
) -> HttpResponse:
    previous = request.session.get(SESSION_KEY)
    if previous:
        staging.discard(previous.get("token", ""))
    request.session[SESSION_KEY] = {
        "token": staging.keep(data),
        "file_name": file_name[:300],
        "fmt": fmt,
        **options,
    }
    return redirect("interchange:mapping")


def _target_choices() -> list[tuple[str, str]]:
    described = [(c, f"{c}: {meaning}") for c, meaning in SERVICE_COLUMNS + LOCATION_COLUMNS]
    return [
        (IGNORE, _("— ignorieren —")),
        (STREET, _("Straße (wird mit der Hausnummer zu address)")),
        (HOUSE_NUMBER, _("Hausnummer (wird an die Straße angehängt)")),
        *described,
    ]


def _profile_from_post(request: HttpRequest, header: list[str]) -> Profile:
    """The profile as chosen on the page; an uploaded profile file replaces the choices."""
    upload = request.FILES.get("profile_file")
    if upload is not None:
        return read_profile(upload.read(200_000).decode("utf-8", "replace"), upload.name)
    columns = {}
    for index, column in enumerate(header):
        value = request.POST.get(f"column-{index}")
        if value is not None and value != "?":  # "?": not chosen yet, reported as unmapped
            columns[column] = value
    prefix = (request.POST.get("id_prefix") or "liste").strip()
    document = {
        "columns": columns,
        "offer_type": request.POST.get("offer_type", ""),
        "id_prefix": prefix,
    }
    return read_profile(json.dumps(document), _("Zuordnung"))


def _columns(table: Table, proposal: dict[str, str | None]) -> list[dict]:
    return [
        {
            "index": index,
            "name": column or _("Spalte %(n)d (ohne Namen)") % {"n": index + 1},
            "target": proposal.get(column),
            "samples": [row.get(column, "") for _n, row in table.rows[:SAMPLES]],
        }
        for index, column in enumerate(table.header)
    ]


def _run(request, staged: dict, data: bytes, profile: Profile, dry_run: bool) -> ImportResult:
    organization = None
    if staged.get("organization"):
        organization = (
            permissions.editable_organizations(request.user)
            .filter(pk=staged["organization"])
            .first()
        )
    return import_file(
        data,
        staged["file_name"],
        staged["fmt"],
        user=request.user,
        dry_run=dry_run,
        organization=organization,
        skip_invalid=bool(staged.get("skip_invalid")),
        default_offer_type=staged.get("offer_type", ""),
        profile=profile,
    )


def _download(profile: Profile) -> HttpResponse:
    body = json.dumps(profile.as_dict(), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zuordnung.json"'
    return response


@login_required
def mapping_page(request: HttpRequest) -> HttpResponse:
    staged = request.session.get(SESSION_KEY)
    data = staging.read(staged.get("token", "")) if staged else None
    if not may_import(request.user) or staged is None or data is None:
        messages.error(request, _("Bitte die Datei (erneut) hochladen."))
        return redirect("interchange:import")
    context: dict = {"file_name": staged["file_name"], "problems": [], "result": None}
    table = read_table_info(data, staged["fmt"])
    profile = Profile(offer_type=staged.get("offer_type", ""))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        try:
            profile = _profile_from_post(request, table.header)
        except ImportRefused as refused:
            context["problems"] = [str(p) for p in refused.problems]
            action = ""
    if action == "download":
        return _download(profile)
    if action in ("preview", "import"):
        try:
            result = _run(request, staged, data, profile, dry_run=action == "preview")
        except ImportRefused as refused:
            context["problems"] = [str(p) for p in refused.problems]
        else:
            context.update(result=result, about=describe_file(result))
            context["problems"] = [str(p) for p in result.problems]
            if result.written:
                staging.discard(staged["token"])
                del request.session[SESSION_KEY]
    proposal = propose(table.header, profile)
    context.update(
        columns=_columns(table, proposal),
        targets=_target_choices(),
        offer_types=OfferType.objects.filter(is_active=True).order_by("code"),
        profile=profile,
        rows=len(table.rows),
        encoding=table.encoding,
        skip_invalid=bool(staged.get("skip_invalid")),
    )
    return render(request, "interchange/mapping.html", context)
