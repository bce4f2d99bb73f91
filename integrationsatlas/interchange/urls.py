"""URL routes of the interchange app: import page, template download, rollback."""

from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("vorlage.<str:fmt>", views.template_download, name="template"),
    path("import/<int:batch_id>/zuruecknehmen/", views.rollback_batch, name="rollback"),
]
