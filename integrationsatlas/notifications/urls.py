"""URL routes of the inbox: /register/benachrichtigungen/..."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("einstellung/", views.save_preference, name="preference"),
    path("alle-gelesen/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/gelesen/", views.mark_read, name="mark_read"),
]
