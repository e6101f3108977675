"""WSGI entry point for Appui."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appui.settings")
application = get_wsgi_application()

if os.environ.get("APPUI_RIGHTS_WARM_UP", "1") != "0":
    # Build and warm OpenFisca-France once (about 10 s) before serving; with gunicorn --preload this happens in
    # the master process, before the workers are forked.
    from appui.rights.engine import warm_up

    warm_up()
