"""URL routes of the standards app."""

urlpatterns: list = []
