"""URL routes of the interchange app: import page, template download, rollback."""

from django.urls import path

from . import mapping_views, views

app_name = "interchange"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/zuordnung/", mapping_views.mapping_page, name="mapping"),
    path("vorlage.<str:fmt>", views.template_download, name="template"),
    path("import/<int:batch_id>/zuruecknehmen/", views.rollback_batch, name="rollback"),
]
