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

# A fixed audit key ring (never used outside tests), and no anchor directory unless a test sets one.
APPUI_AUDIT_KEYS_FILE = ""
APPUI_AUDIT_KEYS = (
    '{"current": "audit1", "keys": {"audit1": "m2W0r5yXQm3mJ1k8b0Qk5XKp0m1yKpZ3p9vL0q4d9Xc=", '
    '"audit0": "Tq1cW3xY7p0aZb5nE8rU2iO4lK6jH9gF1dS3aQ5wE7o="}}'
)
APPUI_AUDIT_ANCHOR_DIR = ""
# Tests never run collectstatic: whitenoise looks for files on each request instead of indexing STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
