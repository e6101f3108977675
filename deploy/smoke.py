#!/usr/bin/env python3
"""Smoke journey through a running Appui: health, login with the second factor, a person, a CSV screening.

Usage::

    python3 deploy/smoke.py --url http://127.0.0.1:8000 --email social@ccas-demo.fr --password … --totp-key BASE32

It waits for ``/sante/`` to answer (database and at least one ready worker), logs in (password, then the
authenticator code computed from the account's key), opens the first person of the list, uploads the template
CSV to the caseload screening and follows it until it ends. Exit code 0 when every step worked; the first failed
step is printed otherwise. Standard library only: it runs on a server without Appui's virtualenv.

Defaults are the demo accounts of ``manage.py load_demo`` (never use them on a real server).
"""

import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import json
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

DEMO_KEY = "IFYHA5LJEBSG23ZAMRSW23ZAGIYDENQ"
TEMPLATE = Path(__file__).resolve().parent.parent / "appui" / "rights" / "data" / "reperage_modele.csv"


class SmokeError(Exception):
    pass


def totp(key_base32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """Return the code an authenticator app shows now (RFC 6238, HMAC-SHA1)."""
    key = base64.b32decode(key_base32.upper() + "=" * (-len(key_base32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


class Browser:
    """A cookie-keeping HTTP client that sends the CSRF token back like a browser's form would."""

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/", **(headers or {})})  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request(path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(
        self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes
    ) -> tuple[int, str, str]:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def csrf(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return cookie.value
        raise SmokeError("pas de jeton CSRF : la page précédente n'a pas posé le cookie csrftoken")


def step(message: str) -> None:
    print(f"- {message}", flush=True)


def wait_healthy(browser: Browser, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last = "pas de réponse"
    while time.monotonic() < deadline:
        try:
            status, _, body = browser.get("/sante/")
            if status == 200:
                return json.loads(body)
            last = f"{status} {body[:200]}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(1)
    raise SmokeError(f"/sante/ n'a pas répondu « ok » en {timeout:.0f} s : {last}")


def login(browser: Browser, email: str, password: str, key: str) -> None:
    status, _, _ = browser.get("/connexion/")
    if status != 200:
        raise SmokeError(f"page de connexion : {status}")
    status, url, body = browser.post_form("/connexion/", {"username": email, "password": password})
    if "/connexion/verification/" not in url:
        raise SmokeError(f"après le mot de passe, attendu la vérification en deux étapes, obtenu {status} {url}")
    code = totp(key)
    status, url, body = browser.post_form(
        urllib.parse.urlparse(url).path + "?" + urllib.parse.urlparse(url).query, {"token": code}
    )
    if status != 200 or "/connexion/" in urllib.parse.urlparse(url).path:
        raise SmokeError(f"code de double authentification refusé ({status} {url})")


def open_a_person(browser: Browser) -> str:
    status, _, body = browser.get("/personnes/")
    if status != 200:
        raise SmokeError(f"liste des personnes : {status}")
    match = re.search(r'href="(/personnes/\d+/)"', body)
    if not match:
        raise SmokeError("aucune fiche dans la liste des personnes")
    status, _, body = browser.get(match.group(1))
    if status != 200 or "dossier" not in body.lower():
        raise SmokeError(f"fiche {match.group(1)} : {status}")
    return match.group(1)


def screen_a_file(browser: Browser, content: bytes, timeout: float) -> str:
    status, _, _ = browser.get("/droits/reperage/")
    if status != 200:
        raise SmokeError(f"page du repérage : {status}")
    status, url, body = browser.post_file("/droits/reperage/", {"source": "fichier"}, "file", "smoke.csv", content)
    match = re.search(r"/droits/reperage/(\d+)/", url)
    if status != 200 or not match:
        raise SmokeError(f"le fichier n'a pas été accepté ({status} {url})")
    progress = f"/droits/reperage/{match.group(1)}/progression/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = browser.get(progress)
        if "Repérage terminé" in body:
            found = re.search(r"(\d+) foyers? examinés?", body)
            return found.group(0) if found else "terminé"
        if "a échoué" in body:
            raise SmokeError("le repérage a échoué : " + re.sub(r"<[^>]+>", " ", body)[:300])
        time.sleep(0.5)
    raise SmokeError(f"le repérage n'était pas terminé après {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="social@ccas-demo.fr")
    parser.add_argument("--password", default="appui-demo-2026")
    parser.add_argument("--totp-key", default=DEMO_KEY, help="clé de l'application d'authentification (base32)")
    parser.add_argument("--csv", type=Path, default=TEMPLATE, help="fichier à examiner (défaut : le modèle)")
    parser.add_argument("--timeout", type=float, default=180, help="délai d'attente de chaque étape longue (s)")
    args = parser.parse_args()
    browser = Browser(args.url)
    started = time.monotonic()
    try:
        state = wait_healthy(browser, args.timeout)
        step(f"santé : base {state['base_de_donnees']}, {state['processus_de_calcul']['actifs']} processus de calcul")
        login(browser, args.email, args.password, args.totp_key)
        step(f"connexion de {args.email} avec la double authentification")
        step(f"fiche ouverte : {open_a_person(browser)}")
        step(f"repérage d'un fichier CSV : {screen_a_file(browser, args.csv.read_bytes(), args.timeout)}")
    except SmokeError as exc:
        print(f"ÉCHEC : {exc}", file=sys.stderr)
        return 1
    print(f"Parcours de vérification réussi en {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
