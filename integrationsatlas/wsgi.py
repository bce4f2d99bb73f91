"""WSGI entry point for gunicorn (`integrationsatlas serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrationsatlas.settings")
application = get_wsgi_application()
