"""Test settings: the real settings, with a fast password hasher and in-memory e-mail."""

import os

os.environ.setdefault("APPUI_DEBUG", "1")
os.environ.setdefault("APPUI_RIGHTS_WARM_UP", "0")  # tests build the rules engine only when they need it

from appui.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# django-otp slows retries after a wrong code (1 s, 2 s, 4 s…). Tests type codes instantly, so the delay is
# switched off here; tests/security/test_authentication.py switches it back on to check it.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# A fixed test key ring (never used outside tests): two keys, "test1" current.
APPUI_FIELD_KEYS_FILE = ""
APPUI_FIELD_KEYS = (
    '{"current": "test1", "keys": {"test1": "02vWrm94YhaAcDsejn1lyINKbsXVSZmh6TL3n90lTys=", '
    '"test0": "1Bq0trQ/USWPZxj1lMwsal39dnSGBym3fWFKdmrPXOg="}}'
)

# Tests never run collectstatic: whitenoise looks for files on each request instead of indexing STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
