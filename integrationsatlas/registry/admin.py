"""Django admin for state administrators: every registry model, with django-simple-history's history view."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActivityFigures,
    ChangeRequest,
    Funding,
    ImportBatch,
    Location,
    Membership,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "external_id", "is_demo", "is_deleted")
    list_filter = ("is_demo", "is_deleted")
    search_fields = ("name", "external_id")


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organization", "offer_type", "status", "is_published", "is_deleted")
    list_filter = ("offer_type", "status", "is_published", "is_deleted", "is_demo")
    search_fields = ("name", "external_id", "organization__name")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("service_area",)
    readonly_fields = ("version", "snapshot")
    inlines = [FundingInline]


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ("address", "postal_code", "city", "gemeinde", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("address", "city", "postal_code", "external_id")
    readonly_fields = ("gemeinde",)


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(SimpleHistoryAdmin):
    list_display = ("service", "location")
    raw_id_fields = ("service", "location")


@admin.register(Schedule)
class ScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "service_at_location", "service", "valid_from", "valid_to")
    raw_id_fields = ("service_at_location", "service")


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "closed", "service_at_location", "service")
    raw_id_fields = ("service_at_location", "service")


@admin.register(Funding)
class FundingAdmin(SimpleHistoryAdmin):
    list_display = ("service", "funder_level", "programme", "amount_per_year", "start", "end")
    list_filter = ("funder_level",)
    raw_id_fields = ("service",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "organization", "region")
    list_filter = ("role",)
    raw_id_fields = ("user", "organization", "region")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ("service", "state", "created_by", "submitted_at", "reviewed_by")
    list_filter = ("state",)
    raw_id_fields = ("service",)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "file_format", "created_by", "created_at", "rolled_back_at")


@admin.register(ActivityFigures)
class ActivityFiguresAdmin(SimpleHistoryAdmin):
    list_display = ("service", "year", "fte", "updated_by", "updated_at", "is_demo")
    list_filter = ("year", "is_demo")
    search_fields = ("service__name",)
    raw_id_fields = ("service",)
    readonly_fields = ("updated_by", "updated_at")
