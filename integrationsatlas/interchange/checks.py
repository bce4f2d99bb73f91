"""Checks every import format shares: offer types, languages, regions, coordinates, contact data."""

from __future__ import annotations

from functools import cached_property

import numpy as np
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.languages import is_known
from integrationsatlas.registry.models import Funding, Service
from integrationsatlas.taxonomy.models import OfferType


class Checker:
    """Looks things up once per import; each method returns a message, or None if fine."""

    @cached_property
    def offer_types(self) -> set[str]:
        return set(OfferType.objects.values_list("code", flat=True))

    @cached_property
    def regions(self) -> set[str]:
        return set(Region.objects.values_list("ags", flat=True))

    def offer_type(self, code: str) -> str | None:
        if code in self.offer_types:
            return None
        return _("unbekannte Angebotsart „%(code)s“ (bekannt: %(known)s).") % {
            "code": code,
            "known": ", ".join(sorted(self.offer_types)),
        }

    def language(self, code: str) -> str | None:
        if is_known(code):
            return None
        return _("unbekannter Sprachcode „%(code)s“ (ISO 639, z. B. de, ar, uk, prs).") % {
            "code": code
        }

    def region(self, ags: str) -> str | None:
        if ags in self.regions:
            return None
        return _("unbekannter Regionalschlüssel „%(ags)s“.") % {"ags": ags}

    @staticmethod
    def status(value: str) -> str | None:
        if value in Service.Status.values:
            return None
        return _("unbekannter Status „%(value)s“ (erlaubt: %(known)s).") % {
            "value": value,
            "known": ", ".join(Service.Status.values),
        }

    @staticmethod
    def target_group(value: str) -> str | None:
        if value in Service.TargetGroup.values:
            return None
        return _("unbekannte Zielgruppe „%(value)s“ (erlaubt: %(known)s).") % {
            "value": value,
            "known": ", ".join(Service.TargetGroup.values),
        }

    @staticmethod
    def funder_level(value: str) -> str | None:
        if value in Funding.FunderLevel.values:
            return None
        return _("unbekannte Geldgeber-Ebene „%(value)s“ (erlaubt: %(known)s).") % {
            "value": value,
            "known": ", ".join(Funding.FunderLevel.values),
        }

    @staticmethod
    def email(value: str) -> str | None:
        try:
            EmailValidator()(value)
        except ValidationError:
            return _("„%(value)s“ ist keine gültige E-Mail-Adresse.") % {"value": value}
        return None

    @staticmethod
    def url(value: str) -> str | None:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            return _("„%(value)s“ ist keine gültige Web-Adresse (https://…).") % {"value": value}
        return None

    @staticmethod
    def coordinates(lon: float | None, lat: float | None) -> str | None:
        if lon is None or lat is None:
            return _("ungültige Koordinaten: Länge und Breite sind Pflicht für einen Standort.")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return _(
                "ungültige Koordinaten (Länge %(lon)s, Breite %(lat)s): Länge liegt zwischen "
                "-180 und 180, Breite zwischen -90 und 90 (vertauscht?)."
            ) % {"lon": lon, "lat": lat}
        return None

    @staticmethod
    def outside(points: list[tuple[float, float]]) -> list[bool]:
        """For each valid (lon, lat): True if it lies in no Gemeinde of the loaded Land."""
        if not points:
            return []
        keys = gemeinde_keys_at(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
        return [k is None for k in keys]

    @staticmethod
    def outside_message(lon: float, lat: float) -> str:
        return _(
            "Standort liegt außerhalb Sachsens (Länge %(lon)s, Breite %(lat)s); "
            "Länge und Breite vertauscht?"
        ) % {"lon": lon, "lat": lat}
