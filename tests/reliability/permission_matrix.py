"""The permission matrix as data: for every write action, what each role's attempt leads to.

Outcomes: "direkt" (applied at once), "Prüfung" (stored as a change waiting for a
coordinator), "Entwurf" (saved as a draft nobody reviews yet), "nein" (refused, nothing
changed). `test_permission_matrix.py` performs every (action, role) pair against a service of
organization A located in Kreis X and checks the outcome in the database;
`scripts/render_permission_matrix.py` writes this table into docs/security.md.
Pure data, no imports: the render script loads it without Django.
"""

ROLES = {
    "anonymous": "Anonym",
    "provider_a": "Träger A",
    "provider_b": "Träger B",
    "coordinator_x": "Koordination Kreis X",
    "coordinator_y": "Koordination Kreis Y",
    "state_admin": "Landesadmin",
}

_NO, _OK, _REVIEW, _DRAFT = "nein", "direkt", "Prüfung", "Entwurf"


def _row(anonymous, provider_a, provider_b, coordinator_x, coordinator_y, state_admin):
    return dict(zip(ROLES, (anonymous, provider_a, provider_b, coordinator_x, coordinator_y,
                            state_admin), strict=True))  # fmt: skip


REVIEWERS_OF_X = _row(_NO, _NO, _NO, _OK, _NO, _OK)
PLANNERS = _row(_NO, _NO, _NO, _OK, _OK, _OK)
SIGNED_IN = _row(_NO, _OK, _OK, _OK, _OK, _OK)

# key: URL name (or "METHOD /api/v1/path"), "#variant" when one view does several things.
MATRIX = {
    "registry:new": (
        "Angebot anlegen (Register-Seite)",
        _row(_NO, _REVIEW, _NO, _OK, _REVIEW, _OK),
    ),
    "registry:edit#submit": (
        "Angebot bearbeiten und einreichen",
        _row(_NO, _REVIEW, _NO, _OK, _NO, _OK),
    ),
    "registry:edit#draft": (
        "Angebot als Entwurf speichern",
        _row(_NO, _DRAFT, _NO, _OK, _NO, _OK),
    ),
    "registry:figures": (
        "Jahreszahlen (§ 14 KomIntAVO) eintragen",
        _row(_NO, _OK, _NO, _OK, _NO, _OK),
    ),
    "registry:approve": ("Änderung freigeben", REVIEWERS_OF_X),
    "registry:send_back": ("Änderung zurückgeben", REVIEWERS_OF_X),
    "registry:restore": ("Frühere Fassung wiederherstellen", REVIEWERS_OF_X),
    "registry:delete": ("Veröffentlichtes Angebot löschen", REVIEWERS_OF_X),
    "registry:undelete": ("Löschen rückgängig machen", REVIEWERS_OF_X),
    "registry:confirm": (
        "Angebot als aktuell bestätigen",
        _row(_NO, _OK, _NO, _OK, _NO, _OK),
    ),
    "registry:indicators": (
        "Kennzahlen-Datei für Kreis X laden (Ausgabe)",
        REVIEWERS_OF_X,
    ),
    "registry:indicator_declare": ("Neue Kennzahl anlegen", PLANNERS),
    "registry:indicator_withdraw": ("Kennzahlen-Ausgabe für Kreis X zurückziehen", REVIEWERS_OF_X),
    "interchange:import": (
        "Datei importieren (neues Angebot in Kreis X)",
        _row(_NO, _REVIEW, _REVIEW, _OK, _NO, _OK),
    ),
    "interchange:mapping": (
        "Liste mit Spaltenzuordnung importieren (neues Angebot in Kreis X)",
        _row(_NO, _REVIEW, _REVIEW, _OK, _NO, _OK),
    ),
    "interchange:rollback": ("Import zurücknehmen (Import von Koordination X)", REVIEWERS_OF_X),
    "standards:import": ("Standardsatz importieren (Entwurf)", PLANNERS),
    "standards:copy": ("Standardsatz kopieren", PLANNERS),
    "standards:edit": ("Standardsatz-Entwurf bearbeiten", PLANNERS),
    "standards:edit#published": (
        "Veröffentlichten Standardsatz bearbeiten",
        _row(_NO, _NO, _NO, _NO, _NO, _OK),
    ),
    "planning:publish": ("Bewertung veröffentlichen", _row(_NO, _NO, _NO, _NO, _NO, _OK)),
    "planning:new_assessment": ("Neue Bewertung berechnen", PLANNERS),
    "planning:scenarios": ("Szenario anlegen", PLANNERS),
    "planning:scenario#rule": ("Szenario: Regel ändern", PLANNERS),
    "planning:scenario#planned": ("Szenario: geplantes Angebot eintragen", PLANNERS),
    "planning:scenario#run": ("Szenario rechnen", PLANNERS),
    "api-tokens": ("API-Token anlegen", SIGNED_IN),
    "api-token-revoke": ("API-Token von Träger A widerrufen", _row(_NO, _OK, _NO, _NO, _NO, _NO)),
    "POST /api/v1/services": (
        "API: Angebot anlegen",
        _row(_NO, _REVIEW, _NO, _OK, _REVIEW, _OK),
    ),
    "PUT /api/v1/services/{service_id}": (
        "API: Angebot ersetzen",
        _row(_NO, _REVIEW, _NO, _OK, _NO, _OK),
    ),
    "DELETE /api/v1/services/{service_id}": ("API: Angebot löschen", REVIEWERS_OF_X),
    "POST /api/v1/indicator-editions": (
        "API: Kennzahlen-Datei für Kreis X laden (Ausgabe)",
        REVIEWERS_OF_X,
    ),
}

# Views that accept POST but change no registry, standards or planning data.
NOT_DATA_WRITES = {
    "login": "Anmelden (django-axes zählt Fehlversuche)",
    "logout": "Abmelden",
    "notifications:preference": "Eigene E-Mail-Einstellung für Benachrichtigungen",
    "notifications:mark_read": "Eigene Benachrichtigung als gelesen markieren",
    "notifications:mark_all_read": "Alle eigenen Benachrichtigungen als gelesen markieren",
    "admin:*": "Django-Admin: nur für Konten mit is_staff; keine Rolle der Matrix hat es",
}
