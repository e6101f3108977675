"""Development: the web server and one background worker together, stopped together (``make run``).

manage.py run_dev 127.0.0.1:8000

Ctrl-C stops both. A worker that stops on its own (an error) is started again after a short pause, so that
background work never silently stops while developing. Production runs them as separate services (deploy/).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lance le serveur web de développement et un processus de tâches de fond ; Ctrl-C arrête les deux."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Adresse et port du serveur web.")
        parser.add_argument(
            "--noreload", action="store_true", help="Ne pas recharger le serveur web à chaque modification."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web_command = [sys.executable, manage, "runserver", options["addrport"]]
        if options["noreload"]:
            web_command.append("--noreload")
        worker_command = [sys.executable, manage, "run_worker"]
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Each child leads its own process group, so that stopping one stops its own children too (the web
        # server's autoreloader runs the server in a child process); Ctrl-C here is passed on to both.
        web = self._start(web_command)
        worker = self._start(worker_command)
        self.stdout.write(f"Serveur web (pid {web.pid}) et processus de tâches de fond (pid {worker.pid}) lancés.")
        try:
            while not stopping:
                if web.poll() is not None:
                    self.stderr.write("Le serveur web s'est arrêté.")
                    break
                if worker.poll() is not None:
                    self.stderr.write("Le processus de tâches de fond s'est arrêté : il redémarre dans 2 secondes.")
                    time.sleep(2)
                    if not stopping:
                        worker = self._start(worker_command)
                time.sleep(0.2)
        finally:
            for process in (web, worker):
                self._signal(process, signal.SIGINT)
            deadline = time.monotonic() + 15
            for process in (web, worker):
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self._signal(process, signal.SIGKILL)
                    process.wait()
        if not stopping:
            sys.exit(1)

    @staticmethod
    def _start(command: list[str]) -> subprocess.Popen:  # type: ignore[type-arg]
        return subprocess.Popen(command, start_new_session=True)  # noqa: S603 (this interpreter, manage.py)

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:  # type: ignore[type-arg]
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass
