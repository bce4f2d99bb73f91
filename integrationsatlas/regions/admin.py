"""Regions in Django's admin, read-mostly: they come from open data via load-regions."""

from django.contrib import admin

from .models import IndicatorValue, PostalCode, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("ags", "name", "level", "kind", "parent")
    list_filter = ("level",)
    search_fields = ("ags", "name")
    exclude = ("boundary",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("region", "code", "reference_date", "value", "is_demo")
    list_filter = ("code", "is_demo")
    search_fields = ("region__name", "region__ags")


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "place_names", "gemeinde")
    search_fields = ("code", "place_names")
