"""The anchor file: signed heads of the audit chain, appended one JSON line each, outside the database.

The file lives in the directory named by ``APPUI_AUDIT_ANCHOR_DIR``, which the DPO keeps (a mount the
application may only append to, copied elsewhere; see docs/audit.md). It is read whole by ``verify_audit``.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .chain import Anchor

ANCHOR_FILE = "audit-anchors.jsonl"


class AnchorFileError(Exception):
    """The anchor file cannot be read or written, or one of its lines is not an anchor."""


@dataclass(frozen=True)
class AnchorFile:
    path: Path

    def read(self) -> list[Anchor]:
        """Return every anchor of the file (none if the file does not exist yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise AnchorFileError(f"Fichier des ancres illisible ({self.path}) : {exc.strerror}.") from None
        anchors = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                anchors.append(
                    Anchor(
                        seq=int(data["seq"]),
                        hash=str(data["hash"]),
                        at=str(data["at"]),
                        key_id=str(data["key_id"]),
                        signature=str(data["signature"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise AnchorFileError(f"Ligne {number} du fichier des ancres illisible ({exc}).") from None
        return anchors

    def append(self, anchor: Anchor) -> None:
        """Append one anchor and flush it to disk (the file is opened in append mode only)."""
        line = json.dumps(anchor.as_json(), sort_keys=True) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise AnchorFileError(f"Impossible d'écrire l'ancre dans {self.path} : {exc.strerror}.") from None


def configured_anchor_file() -> AnchorFile | None:
    """Return the anchor file of ``APPUI_AUDIT_ANCHOR_DIR``, or None when no directory is configured."""
    directory = getattr(settings, "APPUI_AUDIT_ANCHOR_DIR", "")
    return AnchorFile(Path(directory) / ANCHOR_FILE) if directory else None
