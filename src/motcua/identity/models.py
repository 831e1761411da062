"""Who uses the platform: accounts, applicants, representation and officials' roles.

Two kinds of account share one user table, told apart by ``kind``:

- an *applicant* account is created on first login through the electronic identity provider
  (OIDC); it has no usable password and is linked to one individual ``Applicant``;
- an *official* account has a username, a password and a TOTP device, and acts through
  ``RoleAssignment`` rows, each binding one role to one agency.

An ``Applicant`` is whoever a dossier is filed for: an individual (by personal ID number) or an
organisation (by enterprise code). A person acts for another applicant through a
``Representation``: a parent for a minor child, a legal representative for an organisation,
or anyone under an authorisation (ủy quyền) with a scope and an expiry.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Agency


class UserKind(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    OFFICIAL = "official", "Official"


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(username=username, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A login. Applicants' usernames are ``eid:<issuer-subject>``; officials choose theirs."""

    username = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=16, choices=UserKind.choices)
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name", "kind"]

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(kind__in=UserKind.values), name="user_kind_valid")]

    def __str__(self) -> str:
        return self.username

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def is_applicant(self) -> bool:
        return self.kind == UserKind.APPLICANT


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class Applicant(models.Model):
    """Someone a dossier can be filed for. ``public_id`` is the only identifier used in URLs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=ApplicantKind.choices)
    personal_id = models.CharField(max_length=12, unique=True, null=True, blank=True)
    enterprise_code = models.CharField(max_length=14, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    birthdate = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="applicant"
    )
    assurance_level = models.PositiveSmallIntegerField(default=0)  # 0: never logged in; 1 or 2: eID level
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ApplicantKind.INDIVIDUAL, personal_id__isnull=False, enterprise_code__isnull=True)
                    | Q(
                        kind=ApplicantKind.ORGANISATION,
                        personal_id__isnull=True,
                        enterprise_code__isnull=False,
                    )
                ),
                name="applicant_identifier_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(assurance_level__lte=2), name="applicant_assurance_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.kind == ApplicantKind.ORGANISATION


class RepresentationBasis(models.TextChoices):
    PARENT = "parent", _("Parent or guardian of a minor")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative of an organisation")
    AUTHORISATION = "authorisation", _("Authorisation")


class Representation(models.Model):
    """``representative`` may act for ``represented`` for the procedures in ``scope`` until
    ``valid_until`` (exclusive of revoked ones). An empty scope means every procedure."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    representative = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="represents")
    represented = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="represented_by")
    basis = models.CharField(max_length=24, choices=RepresentationBasis.choices)
    scope = models.JSONField(default=list, blank=True)  # procedure codes; [] = all procedures
    valid_from = models.DateField()
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(representative=models.F("represented")), name="representation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="representation_period_valid"
            ),
        ]
        indexes = [models.Index(fields=["representative", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.basis}:{self.public_id}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day < self.valid_until

    def covers(self, procedure_code: str) -> bool:
        return not self.scope or procedure_code in self.scope


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception officer")
    HANDLER = "handler", _("Handling specialist")
    APPROVER = "approver", _("Leader / approver")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    FINANCE = "finance", _("Finance officer")  # the agency's fees: ledger, reconciliation, refunds


class RoleAssignment(models.Model):
    """One role of one official at one agency (the platform administrator's has no agency)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_assignment_per_role_and_agency",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, role="platform_admin"),
                name="one_active_platform_admin_assignment",
            ),
            models.CheckConstraint(
                condition=Q(role="platform_admin", agency__isnull=True)
                | (~Q(role="platform_admin") & Q(agency__isnull=False)),
                name="role_agency_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}@{self.agency_id}"


# --- integrator clients: agency systems calling the API without a browser (docs/api.md) -------

# The roles an agency system may act in: the officials' own roles, minus those that belong to a
# person — approving (which signs the result in the approver's name) and administering people.
INTEGRATOR_ROLES = (Role.RECEPTION, Role.HANDLER, Role.SUPERVISOR)


class ClientAuthMethod(models.TextChoices):
    """How a client proves itself at the token endpoint (RFC 7591 names)."""

    PRIVATE_KEY_JWT = "private_key_jwt", "Signed client assertion (RFC 7523)"
    CLIENT_SECRET = "client_secret_basic", "Client secret"


class IntegratorClient(models.Model):
    """An agency system allowed to call the API: bound to one agency and to some of the roles
    officials hold there, so that the officials' scoped selectors and checks apply to it too.

    Nothing it could sign in with is stored readable: a secret only as its SHA-256 (the secret
    is 256 random bits, shown once), a key client's public key only. Revoking it
    (``revoked_at``) ends every token it holds on the next request."""

    client_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="integrator_clients")
    roles = models.JSONField(default=list)  # a subset of INTEGRATOR_ROLES
    auth_method = models.CharField(max_length=32, choices=ClientAuthMethod.choices)
    secret_hash = models.CharField(max_length=64, blank=True)
    public_jwk = models.JSONField(default=dict, blank=True)
    rate_limit = models.CharField(max_length=32, blank=True)  # "" = the default for clients
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(auth_method="client_secret_basic") & ~Q(secret_hash="")
                    | Q(auth_method="private_key_jwt", secret_hash="")
                ),
                name="integrator_client_one_credential",
            ),
        ]

    def __str__(self) -> str:
        return self.client_id

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IntegratorToken(models.Model):
    """A short-lived bearer token, stored only as the SHA-256 of its value."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(IntegratorClient, on_delete=models.CASCADE, related_name="tokens")
    roles = models.JSONField(default=list)  # the roles this token carries (the scope asked for)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.client_id}:{self.expires_at:%Y-%m-%d %H:%M}"


class ClientAssertionUse(models.Model):
    """A client assertion's ``jti``, kept until the assertion expires so it cannot be replayed."""

    client = models.ForeignKey(IntegratorClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "jti"], name="client_assertion_used_once")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.jti}"
