"""
WSGI config for kpi_portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpi_portal.settings")

application = get_wsgi_application()

from kpi_portal import gc_tuning  # noqa: E402 (after Django is set up)

gc_tuning.settle()
