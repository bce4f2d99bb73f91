"""URL routes of the finder app."""

urlpatterns: list = []
