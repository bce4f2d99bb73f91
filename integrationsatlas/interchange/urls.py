"""URL routes of the interchange app."""

urlpatterns: list = []
