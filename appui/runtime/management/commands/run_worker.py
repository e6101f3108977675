"""Run one background worker: caseload screenings, scheduled jobs, any queued task (see appui.runtime.worker).

manage.py run_worker                 # one worker; start one per core (systemd: appui-worker@1, @2…)
manage.py run_worker --batch         # run what is queued, then stop (scripts, tests)
"""

import logging
import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from appui.runtime.worker import AppuiWorker


class Command(BaseCommand):
    help = "Lance un processus de tâches de fond (repérages, tâches planifiées). Un par cœur est un bon début."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--queues", default="*", help="Files traitées, séparées par des virgules (défaut : toutes)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Secondes entre deux regards sur la file quand elle est vide (défaut : APPUI_WORKER_POLL_SECONDS).",
        )
        parser.add_argument("--batch", action="store_true", help="Traiter ce qui est en file, puis s'arrêter.")
        parser.add_argument("--max-tasks", type=int, default=None, help="S'arrêter après ce nombre de tâches.")
        parser.add_argument("--worker-id", default="", help="Identifiant unique du processus (défaut : machine-pid).")
        parser.add_argument(
            "--no-warm-up", action="store_true", help="Ne pas préparer le moteur de calcul au démarrage."
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Ne pas lancer les tâches planifiées depuis ce processus."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["verbosity"] > 0:
            # Each task's start and end, each lost task given back, the engine's warm-up: through the settings'
            # console handler (journald on a server).
            for name in ("appui", "django_tasks_db", "django_tasks"):
                logging.getLogger(name).setLevel(logging.INFO)
        worker_id = options["worker_id"] or f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        queues = [q for q in options["queues"].split(",") if q]
        interval = options["interval"] if options["interval"] is not None else settings.APPUI_WORKER_POLL_SECONDS
        worker = AppuiWorker(
            queue_names=queues,
            interval=interval,
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id[:64],
            excluded_queue_names=[],
            warm_up=not options["no_warm_up"],
            schedule=not options["no_schedule"] and not options["batch"],
        )
        worker.configure_signals()
        worker.run()
