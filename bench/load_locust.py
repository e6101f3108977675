"""Locust users of ``bench/load.py``: social workers going about their day on Appui (loopback only).

Each user logs in with the password and the authenticator code of one account of the plan (``APPUI_LOAD_PLAN``),
then, with a few seconds of thought between actions: searches a person by name (the most frequent), opens a
record, records an accompaniment (form, then saving it), opens the person's rights page, and the structure's
statistics when that page exists. Request names are the kinds of page reported by ``bench/load.py``. The first
``APPUI_LOAD_WARMUP`` seconds (20) are not counted; ``APPUI_LOAD_WAIT`` ("1,3") bounds the seconds of thought
between two actions.
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from urllib.parse import urlparse

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["APPUI_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115, PTH123
_accounts = itertools.cycle(PLAN["logins"])
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_WHERE = re.compile(r'name="where" value="(lieu-\d+)"')


WARM_UP = float(os.environ.get("APPUI_LOAD_WARMUP", "20"))
WAIT = [float(x) for x in os.environ.get("APPUI_LOAD_WAIT", "1,3").split(",")]


@events.test_start.add_listener
def _loopback_only_then_warm_up(environment, **kwargs):  # type: ignore[no-untyped-def]
    host = urlparse(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"Mesure de charge sur la boucle locale seulement, pas sur {host}.")

    def forget_warm_up() -> None:
        # Logins and each server thread's first requests are not what is measured: start counting afresh.
        gevent.sleep(WARM_UP)
        environment.stats.reset_all()

    gevent.spawn(forget_warm_up)


def totp(key_base32: str, at: float) -> str:
    key = base64.b32decode(key_base32 + "=" * (-len(key_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


class SocialWorker(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        account = next(_accounts)
        self.client.get("/connexion/", name="connexion")
        response = self.client.post(
            "/connexion/",
            {"username": account["email"], "password": account["password"], "csrfmiddlewaretoken": self._csrf()},
            name="connexion",
        )
        for attempt in range(2):  # a code already used at enrolment is refused: the next one is not
            response = self.client.post(
                response.url,
                {"token": totp(account["key"], time.time() + 30 * attempt), "csrfmiddlewaretoken": self._csrf()},
                name="connexion (code)",
            )
            if "/connexion/" not in urlparse(response.url).path:
                return
            time.sleep(30 - time.time() % 30 + 0.5)
        raise RuntimeError(f"Connexion impossible pour {account['email']}")

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _person(self) -> int:
        return random.randint(PLAN["first_person"], PLAN["last_person"])  # noqa: S311

    @task(8)
    def search(self) -> None:
        self.client.get(f"/personnes/?q={random.choice(PLAN['names'])}", name="recherche")  # noqa: S311

    @task(6)
    def open_record(self) -> None:
        self.client.get(f"/personnes/{self._person()}/", name="fiche")

    @task(3)
    def record_accompaniment(self) -> None:
        person = self._person()
        form = self.client.get(f"/personnes/{person}/accompagnements/nouveau/", name="saisie (formulaire)")
        match = _CSRF.search(form.text)
        place = _WHERE.search(form.text)  # the structure's first place, as quick entry pre-selects it
        with self.client.post(
            f"/personnes/{person}/accompagnements/nouveau/",
            {
                "csrfmiddlewaretoken": match.group(1) if match else self._csrf(),
                "date": time.strftime("%Y-%m-%d"),
                "duration": "30",
                "where": place.group(1) if place else "",
                "themes": ["papiers"],
                "mode": "fait_avec",
                "notes": "Aide à la déclaration trimestrielle.",
            },
            name="saisie (enregistrement)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"enregistrement refusé ({response.status_code})")

    @task(2)
    def rights(self) -> None:
        self.client.get(f"/personnes/{self._person()}/droits/", name="droits")

    @task(1)
    def statistics(self) -> None:
        if PLAN["statistics"]:
            self.client.get(PLAN["statistics"], name="statistiques")
