"""URL routes of the registry app: /register/..."""

from django.urls import path

from . import figures, freshness_views, indicator_views, views

app_name = "registry"
urlpatterns = [
    path("", views.my_services, name="mine"),
    path("neu/", views.service_new, name="new"),
    path("lage/", views.locate, name="locate"),
    path("angebot/<int:pk>/", views.service_edit, name="edit"),
    path("angebot/<int:pk>/loeschen/", views.service_delete, name="delete"),
    path("angebot/<int:pk>/loeschen-rueckgaengig/", views.service_undelete, name="undelete"),
    path("angebot/<int:pk>/verlauf/", views.service_history, name="history"),
    path("angebot/<int:pk>/bestaetigen/", freshness_views.service_confirm, name="confirm"),
    path("veraltet/", freshness_views.stale_list, name="stale"),
    path(
        "angebot/<int:pk>/verlauf/<int:history_id>/wiederherstellen/",
        views.service_restore,
        name="restore",
    ),
    path("kennzahlen/", indicator_views.indicator_home, name="indicators"),
    path("kennzahlen/anlegen/", indicator_views.indicator_declare, name="indicator_declare"),
    path("kennzahlen/<int:pk>/", indicator_views.edition_detail, name="indicator_edition"),
    path(
        "kennzahlen/<int:pk>/zurueckziehen/",
        indicator_views.edition_withdraw,
        name="indicator_withdraw",
    ),
    path("angebot/<int:pk>/jahreszahlen/", figures.activity_figures, name="figures"),
    path("pruefung/", views.review_queue, name="review_queue"),
    path("pruefung/<int:pk>/", views.review_detail, name="review_detail"),
    path(
        "pruefung/<int:pk>/freigeben/",
        views.review_decide,
        {"decision": "approve"},
        name="approve",
    ),
    path(
        "pruefung/<int:pk>/zurueckgeben/",
        views.review_decide,
        {"decision": "send_back"},
        name="send_back",
    ),
]
