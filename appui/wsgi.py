"""WSGI entry point for Appui."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appui.settings")
application = get_wsgi_application()

# The threads of a server process share Python's global lock. A thread back from a database query waits until the
# running thread gives the lock up, by default after 5 ms: a page of twenty queries sharing its process with a busy
# thread took four times as long. A shorter interval makes that wait short (docs/production.md).
sys.setswitchinterval(float(os.environ.get("APPUI_GIL_SWITCH_MS", "0.5")) / 1000)

if os.environ.get("APPUI_RIGHTS_WARM_UP", "1") != "0":
    # Build and warm OpenFisca-France once (about 10 s) before serving; with gunicorn --preload this happens in
    # the master process, before the workers are forked.
    from appui.rights.engine import warm_up

    warm_up()
