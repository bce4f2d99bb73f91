"""URL routes of the planning app."""

urlpatterns: list = []
