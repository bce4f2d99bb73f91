"""URL routes of the standards app: /standards/ pages and the published document schema."""

from django.urls import path

from integrationsatlas.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.set_list, name="list"),
    path("schema/standard_set.schema.json", views.schema_view, name="schema"),
    path("import/", views.set_import, name="import"),
    path("<slug:slug>/", views.set_detail, name="detail"),
    path("<slug:slug>/export.yaml", views.set_export, name="export"),
    path("<slug:slug>/kopieren/", views.set_copy, name="copy"),
    path("<slug:slug>/bearbeiten/", views.set_edit, name="edit"),
]
