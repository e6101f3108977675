"""An accompaniment being typed, kept in the session while the worker creates the missing mandate.

"Fait à sa place" needs a mandate of the person. When there is none, "Créer le mandat" on the accompaniment form
keeps what was typed here, under a random key, and the mandate form brings the worker back to the accompaniment
form, restored, with the new mandate chosen. Without JavaScript: only submit buttons and redirects.

The typed text may hold notes (encrypted in the database, docs/chiffrement.md): the draft is sealed with the
field keys too, bound to its key, so the session table never holds it in clear.
"""

import json
import secrets
import time
from typing import Any

from django.http import HttpRequest, QueryDict

from appui.core import crypto

SESSION_KEY = "accompaniment_drafts"
MAX_DRAFTS = 5  # a few tabs at once; the oldest is forgotten beyond
MAX_AGE_SECONDS = 12 * 60 * 60  # a session lasts at most 12 hours (SESSION_ABSOLUTE_SECONDS)
# What the form posts besides its fields: never restored.
NOT_KEPT = {"csrfmiddlewaretoken", "creer_mandat", "brouillon", "version"}


def _aad(key: str) -> bytes:
    return crypto.associated_data(table="django_session", column=SESSION_KEY, row=key)


def _drafts(request: HttpRequest) -> dict[str, dict[str, Any]]:
    drafts = request.session.get(SESSION_KEY) or {}
    now = time.time()
    return {key: draft for key, draft in drafts.items() if now - draft.get("at", 0) < MAX_AGE_SECONDS}


def draft_save(request: HttpRequest, *, person_pk: int, data: QueryDict) -> str:
    """Keep the posted accompaniment form of this person; return the draft's key."""
    values = {name: data.getlist(name) for name in data if name not in NOT_KEPT}
    key = secrets.token_urlsafe(12)
    drafts = _drafts(request)
    drafts[key] = {
        "person": person_pk,
        "at": time.time(),
        "mandate": None,
        "values": crypto.seal(json.dumps(values), aad=_aad(key)),
    }
    for old in sorted(drafts, key=lambda k: drafts[k]["at"])[:-MAX_DRAFTS]:
        del drafts[old]
    request.session[SESSION_KEY] = drafts
    return key


def draft_get(request: HttpRequest, key: str | None, *, person_pk: int) -> dict[str, Any] | None:
    """Return the draft ``{"values": {name: [values]}, "mandate": pk or None}`` of this person, or None."""
    draft = _drafts(request).get(key or "")
    if draft is None or draft["person"] != person_pk:
        return None
    try:
        values = json.loads(crypto.unseal(draft["values"], aad=_aad(str(key))))
    except crypto.DecryptionError:  # the field keys changed meanwhile: the draft is lost, not shown wrong
        return None
    return {"values": values, "mandate": draft["mandate"]}


def draft_set_mandate(request: HttpRequest, key: str, *, mandate_pk: int) -> None:
    """Note the mandate created for the draft: the accompaniment form comes back with it chosen."""
    drafts = _drafts(request)
    if key in drafts:
        drafts[key]["mandate"] = mandate_pk
        request.session[SESSION_KEY] = drafts


def draft_drop(request: HttpRequest, key: str | None) -> None:
    drafts = _drafts(request)
    if drafts.pop(key or "", None) is not None:
        request.session[SESSION_KEY] = drafts
