"""URL routes of the planning app, all under /planung/."""

from django.urls import path

from . import allocation_views, reach_views, views
from .teilhabebericht import views as teilhabe

app_name = "planning"

urlpatterns = [
    path("", views.index, name="index"),
    path("bewertungen/neu/", views.new_assessment, name="new_assessment"),
    path("bewertungen/<int:pk>/", views.state_view, name="state"),
    path("bewertungen/<int:pk>/zeilen/<int:row_id>/", views.row_detail, name="row"),
    path("bewertungen/<int:pk>/2030/", views.future_view, name="future"),
    path("bewertungen/<int:pk>/kosten/", views.costs, name="costs"),
    path("bewertungen/<int:pk>/kosten.<str:fmt>", views.costs_export, name="costs_export"),
    path("bewertungen/<int:pk>/gerechtigkeit/", views.equity_view, name="equity"),
    path("bewertungen/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("bewertungen/<int:pk>/zielgruppen.<str:fmt>", views.group_export, name="group_export"),
    path("bewertungen/<int:pk>/veroeffentlichen/", views.publish, name="publish"),
    path("regionen/<str:ags>.pdf", views.region_pdf, name="region_pdf"),
    path("regionen/<str:ags>/", views.region_report, name="region"),
    path("teilhabebericht/", teilhabe.chooser, name="teilhabebericht"),
    path(
        "teilhabebericht/<str:ags>/<int:year>/",
        teilhabe.report_page,
        name="teilhabebericht_region",
    ),
    path(
        "teilhabebericht/<str:ags>/<int:year>.<str:fmt>",
        teilhabe.report_file,
        name="teilhabebericht_file",
    ),
    path("szenarien/", views.scenario_list, name="scenarios"),
    path("szenarien/<int:pk>/", views.scenario_detail, name="scenario"),
    path("vergleich/", views.compare_view, name="compare"),
    path("zuweisung/", allocation_views.allocation_page, name="allocation"),
    path("erreichbarkeit/angebote/", reach_views.offer_list, name="offer_reach_list"),
    path("erreichbarkeit/angebot/<int:pk>/", reach_views.offer_page, name="offer_reach"),
    path("erreichbarkeit/angebot/<int:pk>.csv", reach_views.offer_csv, name="offer_reach_csv"),
]
