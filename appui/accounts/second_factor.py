"""Second factor for staff accounts: TOTP (authenticator app) and single-use backup codes (django-otp).

Every staff account must have a confirmed TOTP device before reaching any page with personal data.
The services here are the only writers of OTP devices.
"""

import secrets

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record

from . import policy
from .models import Membership, User

BACKUP_CODE_COUNT = 10


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


@transaction.atomic
def totp_enrollment_start(*, user: User) -> TOTPDevice:
    """Return the user's pending (unconfirmed) authenticator device, creating it if needed."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    return pending


@transaction.atomic
def totp_enrollment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending device with a first code; return fresh backup codes, or None if the code is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = backup_codes_regenerate(user=user)
    audit_record(
        actor=user,
        structure=None,
        action=AuditAction.SECOND_FACTOR_ENROLL,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=device,
    )
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes by 10 new single-use codes; return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_reset(*, by: Membership, membership: Membership) -> None:
    """Remove a member's devices after a lost phone: they enrol again at their next login (manager only)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not policy.can_manage_members(by) or membership.structure_id != by.structure_id:
        raise PermissionDenied(
            "Seul·e le ou la responsable de la structure peut réinitialiser la double authentification."
        )
    if membership.user_id == by.user_id:
        raise ValidationError("Vous ne pouvez pas réinitialiser votre propre double authentification.")
    for device in devices_for_user(membership.user, confirmed=None):
        device.delete()
    end_sessions(user=membership.user)
    audit_record(
        actor=by.user,
        structure=by.structure,
        action=AuditAction.SECOND_FACTOR_RESET,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=membership,
    )


def end_sessions(*, user: User) -> int:
    """Delete every open session of ``user`` (recorded at login); return how many were ended."""
    from django.contrib.sessions.models import Session

    from .models import LoginSession

    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    return deleted
