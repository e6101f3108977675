import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.mail import send_mail
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from appui.core.communes import validate_commune_code

from .enums import Role, StructureType
from .logins import normalize_login


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=normalize_login(self.normalize_email(email)), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        """Find an account by e-mail whatever its spelling: people type their address as they wish."""
        return self.get(email__iexact=normalize_login(username))

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account; it logs in by e-mail. What it may do depends on its memberships."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("créé le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def email_user(self, subject: str, message: str) -> None:
        """Send an e-mail to this user."""
        send_mail(subject, message, None, [self.email])


class StructureQuerySet(models.QuerySet["Structure"]):
    def active(self) -> "StructureQuerySet":
        return self.filter(is_active=True)


class Structure(models.Model):
    """An organisation that accompanies people: CCAS, département, association, France Services…"""

    name = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=StructureType.choices)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^\d{14}$", "Le SIRET compte 14 chiffres.")],
    )
    commune_code = models.CharField("code commune INSEE", max_length=5, validators=[validate_commune_code])
    is_active = models.BooleanField("active", default=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    dpo_contact = models.CharField(
        "contact du délégué à la protection des données", max_length=255, blank=True, help_text="E-mail ou adresse."
    )
    # CNIL référentiel « accompagnement social » (2021): active base until 2 years after the last contact.
    retention_months = models.PositiveSmallIntegerField("conservation en base active (mois)", default=24)
    archive_months = models.PositiveSmallIntegerField("conservation en archive (mois)", default=36)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    file_counter = models.PositiveIntegerField("dernier numéro de dossier", default=0, editable=False)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_body(self) -> bool:
        """Public bodies' records are public archives: their elimination needs an approved list."""
        return self.type in {StructureType.CCAS, StructureType.DEPARTEMENT, StructureType.COMMUNE}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True, structure__is_active=True)


class Membership(models.Model):
    """A user's place in a structure: a role, and whether they are bound by professional secrecy."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name="utilisateur")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="memberships", verbose_name="structure"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    # CASF L.121-6-2 and L.133-5: shared secret information stays among professionals bound by secrecy.
    bound_by_secrecy = models.BooleanField("soumis au secret professionnel", default=False)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)
    invitation_sent_at = models.DateTimeField("invitation envoyée le", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique_user_structure"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.structure} ({self.get_role_display()})"

    @property
    def invitation_pending(self) -> bool:
        """Whether the member has not chosen a password yet (their invitation link is still to be used)."""
        return self.is_active and not self.user.has_usable_password()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token, bound to one membership. Only its SHA-256 digest is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "appui_" + secrets.token_urlsafe(32)


class LoginSession(models.Model):
    """The session keys a user logged in with, so that deactivation or a factor reset can end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "session ouverte"

    def __str__(self) -> str:
        return f"Session de {self.user} ({self.created_at:%Y-%m-%d %H:%M})"
