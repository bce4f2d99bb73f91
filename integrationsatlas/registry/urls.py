"""URL routes of the registry app."""

urlpatterns: list = []
