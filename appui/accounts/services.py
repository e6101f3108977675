"""The only writers of structures, users, memberships and API tokens."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record

from . import policy
from .enums import Role
from .logins import normalize_login
from .models import ApiToken, Membership, Structure, User


@transaction.atomic
def structure_create(*, name: str, type: str, commune_code: str, siret: str = "", by: User | None = None) -> Structure:
    """Create a structure (from the CLI or by a superuser)."""
    structure = Structure(name=name.strip(), type=type, commune_code=commune_code.strip(), siret=siret.strip())
    structure.full_clean()
    structure.save()
    audit_record(
        actor=by,
        structure=structure,
        action=AuditAction.STRUCTURE_CREATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=structure,
    )
    return structure


@transaction.atomic
def structure_update_contact(*, membership: Membership, address: str, dpo_contact: str) -> Structure:
    """Set the structure's postal address and its DPO's contact, as told to persons (RGPD art. 13 and 15)."""
    if not policy.can_manage_members(membership):
        raise PermissionDenied("Seul·e le ou la responsable modifie les coordonnées de la structure.")
    structure = Structure.objects.select_for_update().get(pk=membership.structure_id)
    before = {"address": structure.address, "dpo_contact": structure.dpo_contact}
    structure.address = " ".join(address.split())
    structure.dpo_contact = " ".join(dpo_contact.split())
    structure.full_clean()
    structure.save(update_fields=["address", "dpo_contact"])
    audit_record(
        actor=membership.user,
        structure=structure,
        action=AuditAction.STRUCTURE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=structure,
        detail={
            "changed": sorted(name for name, value in before.items() if getattr(structure, name) != value),
        },
    )
    return structure


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    superuser: bool = False,
    by: User | None = None,
) -> User:
    """Create a staff account; without a password it cannot log in until the invitation is used.

    ``superuser`` opens the technical admin (CLI only); it gives no access to person records.
    """
    email = normalize_login(User.objects.normalize_email(email))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Un compte existe déjà avec cette adresse e-mail."})
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=superuser,
        is_superuser=superuser,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=by,
        structure=None,
        action=AuditAction.USER_CREATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=user,
        detail={"superuser": superuser},
    )
    return user


@transaction.atomic
def membership_create(
    *, user: User, structure: Structure, role: str, bound_by_secrecy: bool, by: User | None = None
) -> Membership:
    """Add a user to a structure with a role (CLI and invitations)."""
    if role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    membership, created = Membership.objects.get_or_create(
        user=user,
        structure=structure,
        defaults={"role": role, "bound_by_secrecy": bound_by_secrecy},
    )
    if not created:
        raise ValidationError({"email": "Cette personne est déjà membre de la structure."})
    audit_record(
        actor=by,
        structure=structure,
        action=AuditAction.MEMBER_INVITE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=membership,
        detail={"role": role},
    )
    return membership


def invitation_path(user: User) -> tuple[str, str]:
    """Return the (uidb64, token) pair of the link that lets an invited user choose a password."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


@transaction.atomic
def member_invite(
    *,
    by: Membership,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    bound_by_secrecy: bool,
    site_url: str,
) -> Membership:
    """Invite someone into the manager's structure; an existing account simply gains a membership.

    Someone who has no password yet receives, by e-mail and only them, the link to choose one: the manager
    never sees it (whoever holds the link could take the account). ``site_url``: "https://host", for the link.
    """
    if not policy.can_manage_members(by):
        raise PermissionDenied("Seul·e le ou la responsable de structure peut inviter des membres.")
    user = User.objects.filter(email__iexact=normalize_login(email)).first()
    if user is None:
        user = user_create(email=email, first_name=first_name, last_name=last_name, by=by.user)
    membership = membership_create(
        user=user, structure=by.structure, role=role, bound_by_secrecy=bound_by_secrecy, by=by.user
    )
    if membership.invitation_pending:
        _invitation_send(by=by, membership=membership, site_url=site_url)
    return membership


@transaction.atomic
def member_invitation_resend(*, by: Membership, membership: Membership, site_url: str) -> Membership:
    """Send the invitation e-mail again (lost, expired after 3 days), to the invitee only, with a new link."""
    if not policy.can_manage_members(by) or membership.structure_id != by.structure_id:
        raise PermissionDenied("Seul·e le ou la responsable de structure peut renvoyer une invitation.")
    if not membership.is_active:
        raise ValidationError("Cet accès est désactivé : réactivez-le avant de renvoyer l'invitation.")
    if not membership.invitation_pending:
        raise ValidationError(
            f"{membership.user} a déjà choisi son mot de passe : il n'y a pas d'invitation à renvoyer. "
            "En cas d'oubli, la page de connexion propose « Mot de passe oublié »."
        )
    _invitation_send(by=by, membership=membership, site_url=site_url)
    return membership


def invitation_validity_days() -> int:
    """Return for how many days an invitation link works (Django's password-reset token lifetime)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def _invitation_send(*, by: Membership, membership: Membership, site_url: str) -> None:
    """Record and journal the sending, then e-mail the link to the invitee once the transaction commits."""
    membership.invitation_sent_at = timezone.now()
    membership.save(update_fields=["invitation_sent_at"])
    audit_record(
        actor=by.user,
        structure=by.structure,
        action=AuditAction.MEMBER_INVITATION_SEND,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=membership,
    )
    invitee = membership.user
    uid, token = invitation_path(invitee)
    body = render_to_string(
        "accounts/invitation_email.txt",
        {
            "invitee": invitee,
            "inviter": by.user,
            "structure": by.structure,
            "role": membership.get_role_display().lower(),
            "site_url": site_url.rstrip("/"),
            "uid": uid,
            "token": token,
            "days": invitation_validity_days(),
        },
    )
    transaction.on_commit(lambda: invitee.email_user("Votre accès à Appui", body))


@transaction.atomic
def member_deactivate(*, by: Membership, membership: Membership) -> Membership:
    """Deactivate a member: from the next request on, their sessions and API tokens give no access."""
    if not policy.can_manage_members(by) or membership.structure_id != by.structure_id:
        raise PermissionDenied("Vous ne pouvez pas désactiver ce membre.")
    if membership.pk == by.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre accès.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    membership.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not Membership.objects.active().filter(user_id=membership.user_id).exclude(pk=membership.pk).exists():
        from .second_factor import end_sessions

        end_sessions(user=membership.user)
    audit_record(
        actor=by.user,
        structure=by.structure,
        action=AuditAction.MEMBER_DEACTIVATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=membership,
    )
    return membership


@transaction.atomic
def member_reactivate(*, by: Membership, membership: Membership) -> Membership:
    """Give back access to a deactivated member."""
    if not policy.can_manage_members(by) or membership.structure_id != by.structure_id:
        raise PermissionDenied("Vous ne pouvez pas réactiver ce membre.")
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        actor=by.user,
        structure=by.structure,
        action=AuditAction.MEMBER_REACTIVATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=membership,
    )
    return membership


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the raw secret, shown once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        membership=membership, name=name.strip() or "Jeton", digest=ApiToken.digest_of(raw), prefix=raw[6:14]
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.API_TOKEN_CREATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=token,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, membership: Membership, token: ApiToken) -> None:
    """Revoke one of the member's own tokens."""
    if token.membership_id != membership.pk:
        raise PermissionDenied("Ce jeton ne vous appartient pas.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.API_TOKEN_REVOKE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=token,
    )
