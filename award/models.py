import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.enums import (
    AggregationMethod,
    Country,
    EmailStatus,
    FinalMode,
    Language,
    OrganisationType,
    Role,
    RoundKind,
    TieBreakRule,
)
from award.i18n import DefaultLanguageColumnMixin


def _validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


def _default_countries() -> list[str]:
    return [c.value for c in Country]


def _default_org_types() -> list[str]:
    return [t.value for t in OrganisationType]


def _default_languages() -> list[str]:
    return [language.value for language in Language]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person; the email address is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Edition(DefaultLanguageColumnMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    year = models.PositiveIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    # The organisers' instructions to the jury, shown on the briefing that every juror
    # acknowledges before the first score (issue 18); per language like the other texts.
    juror_briefing = models.TextField(_("instructions for jurors"), blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Bratislava", validators=[_validate_timezone]
    )
    reference_prefix = models.CharField(_("reference prefix"), max_length=10, default="V4A")
    eligible_countries = models.JSONField(_("eligible countries"), default=_default_countries)
    eligible_organisation_types = models.JSONField(_("eligible organisation types"), default=_default_org_types)

    submissions_open_at = models.DateTimeField(_("submissions open"))
    submissions_close_at = models.DateTimeField(_("submission deadline"))
    ceremony_at = models.DateTimeField(_("ceremony"), null=True, blank=True)
    ceremony_place = models.CharField(_("ceremony place"), max_length=200, blank=True)
    results_published_at = models.DateTimeField(_("results publication"), null=True, blank=True)

    jurors_per_project = models.PositiveSmallIntegerField(_("jurors per project"), default=3)
    blind_review = models.BooleanField(_("blind review"), default=False)
    same_country_conflict = models.BooleanField(_("jurors from the applicant's country are conflicted"), default=False)
    aggregation_method = models.CharField(
        _("official aggregation method"),
        max_length=20,
        choices=AggregationMethod.choices,
        default=AggregationMethod.CALIBRATED,
    )
    overall_comment_required = models.BooleanField(_("overall comment required to finalise"), default=True)
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (standard deviation of totals)"), max_digits=5, decimal_places=2, default=15
    )
    leniency_threshold = models.DecimalField(
        _("leniency threshold (difference from the panel's mean total)"), max_digits=5, decimal_places=2, default=10
    )
    tie_break_rule = models.CharField(
        _("tie-break rule"), max_length=40, choices=TieBreakRule.choices, default=TieBreakRule.MEDIAN_THEN_TOP_CRITERION
    )
    bootstrap_samples = models.PositiveIntegerField(_("bootstrap resamples"), default=1000)
    feedback_to_applicants = models.BooleanField(_("show anonymised jury feedback to applicants"), default=False)
    # Some statutes (e.g. the Czech Chytrá radnice competition) give the jury chair a veto over
    # the jury's decisions, once per decision and with a written reason.
    chair_veto = models.BooleanField(_("the jury chair has a veto over the jury's decisions"), default=False)
    reference_counter = models.PositiveIntegerField(_("last reference number issued"), default=0, editable=False)
    retention_days = models.PositiveIntegerField(_("retention of personal data after the ceremony (days)"), default=730)
    logo = models.FileField(_("logo"), upload_to="editions/", blank=True)
    signatories = models.JSONField(
        _("certificate signatories"),
        default=list,
        blank=True,
        help_text=_('A list such as [{"name": "…", "title": "…"}], printed on certificates.'),
    )

    # The languages the call is published in: every organiser-typed text must be filled in each
    # of them before the call opens (award/setup/readiness.py). English is always one of them.
    languages = models.JSONField(_("languages of the call"), default=_default_languages)
    brand_primary = models.CharField(_("main colour"), max_length=7, blank=True)
    brand_secondary = models.CharField(_("second colour"), max_length=7, blank=True)
    # Nothing half-configured goes public: the call page, the list of open calls and new
    # applications only see an edition once an organiser opened its call from the set-up
    # checklist (award/setup), which refuses while anything blocking is missing.
    call_opened_at = models.DateTimeField(_("call opened at"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(submissions_close_at__gt=F("submissions_open_at")),
                name="edition_submission_window_ordered",
            ),
            models.CheckConstraint(condition=Q(jurors_per_project__gte=1), name="edition_jurors_per_project_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def call_is_public(self) -> bool:
        return self.call_opened_at is not None

    def submissions_are_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.call_is_public and self.submissions_open_at <= now < self.submissions_close_at

    def results_are_public(self, now=None) -> bool:
        now = now or timezone.now()
        return self.results_published_at is not None and self.results_published_at <= now


class Category(DefaultLanguageColumnMixin, models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"))
    description = models.TextField(_("description"), blank=True)
    finalists_count = models.PositiveSmallIntegerField(_("number of finalists"), default=3)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A size band (issue 16): the category suggested to a municipality whose population falls
    # in it. Both bounds inclusive; blank for categories that are not about size (a region,
    # national, international), which applicants choose themselves.
    population_min = models.PositiveIntegerField(_("population from (inhabitants)"), null=True, blank=True)
    population_max = models.PositiveIntegerField(_("population up to (inhabitants)"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="category_slug_unique_in_edition"),
            models.CheckConstraint(
                condition=Q(population_min__isnull=True)
                | Q(population_max__isnull=True)
                | Q(population_max__gte=F("population_min")),
                name="category_population_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(DefaultLanguageColumnMixin, models.Model):
    """A rubric line. The rubric belongs to the edition (it is published with the call)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    level_descriptors = models.TextField(
        _("level descriptors"), blank=True, help_text=_("One level per line, e.g. “0–3: no measurable impact”.")
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    min_value = models.DecimalField(_("minimum"), max_digits=5, decimal_places=2, default=0)
    max_value = models.DecimalField(_("maximum"), max_digits=5, decimal_places=2, default=10)
    step = models.DecimalField(_("step"), max_digits=5, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_value__gt=F("min_value")), name="criterion_range_ordered"),
            models.CheckConstraint(condition=Q(step__gt=0), name="criterion_step_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> list[str]:
        return [line.strip() for line in self.level_descriptors.splitlines() if line.strip()]


class Round(DefaultLanguageColumnMixin, models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("edition"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices, default=RoundKind.SHORTLIST)
    final_mode = models.CharField(
        _("how the final round decides"),
        max_length=10,
        choices=FinalMode.choices,
        default=FinalMode.SCORED,
        help_text=_("Final rounds only: score the finalists, or rank them on a ballot."),
    )
    scoring_opens_at = models.DateTimeField(_("scoring opens"))
    scoring_closes_at = models.DateTimeField(_("scoring deadline"))
    frozen = models.BooleanField(_("results frozen"), default=False)

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="round_number_unique_in_edition"),
            models.CheckConstraint(
                condition=Q(scoring_closes_at__gt=F("scoring_opens_at")), name="round_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.frozen and self.scoring_opens_at <= now < self.scoring_closes_at


class EditionRole(models.Model):
    """Who holds which role in an edition. A juror's role carries the juror profile:
    expertise categories and the category panels the juror sits on."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="roles", verbose_name=_("edition"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="edition_roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    expertise = models.ManyToManyField(Category, blank=True, related_name="experts", verbose_name=_("expertise"))
    panels = models.ManyToManyField(
        Category, blank=True, related_name="panel_members", verbose_name=_("category panels")
    )
    # The jury chair is a juror with the chair's rights (reads the ranking of the panel's
    # categories), so a flag on the juror's role: every juror rule still holds for a chair.
    is_chair = models.BooleanField(_("jury chair"), default=False)
    # A juror nominated by a partner organisation (the statute allows it): every project whose
    # applicant or partners match this name is a conflict of interest for the juror, by the
    # automatic conflicts' matching rule (scoring/jury/conflicts.py).
    nominated_by = models.CharField(_("nominated by (organisation)"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("edition role")
        verbose_name_plural = _("edition roles")
        constraints = [
            models.UniqueConstraint(fields=["edition", "user", "role"], name="edition_role_unique"),
            models.CheckConstraint(condition=Q(is_chair=False) | Q(role="juror"), name="edition_role_chair_is_juror"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.edition})"


class AuditEntry(models.Model):
    """An append-only record of a change a jury or an organiser may be asked about."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("edition"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class EmailTemplate(models.Model):
    """The organisers' own wording of one kind of email (award/emails.py) in one language. Without
    a row the kind's default text is sent. Placeholders are checked against the kind's list when
    saved and substituted by a plain formatter: the text never goes through the template engine."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="email_templates", verbose_name=_("edition")
    )
    kind = models.CharField(_("email"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["edition", "kind", "language"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [
            models.UniqueConstraint(fields=["edition", "kind", "language"], name="email_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class EmailLog(models.Model):
    """One email the task worker tried to send: to whom, which kind, and whether it went out.
    Deliberately not the text: the address, the subject and the error are all the organisers
    need to answer "did they get it?". (A kind that keeps no address logs only its domain.)"""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, null=True, blank=True, related_name="email_log", verbose_name=_("edition")
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    recipient = models.EmailField(_("recipient"))
    kind = models.CharField(_("email"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=EmailStatus.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    is_test = models.BooleanField(_("test"), default=False)
    # Retries (award/emails.py RETRY_DELAYS): how many times it was tried, when the next
    # automatic try is due (empty when sent or given up), and what rebuilds the message (the
    # address, the placeholders' values, the attachments) only while it may still be sent:
    # cleared on success, and after giving up once the organisers' window to send it again
    # (payload_expires_at) has passed, or at once for a kind that keeps no address.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    payload = models.JSONField(null=True, blank=True, editable=False)
    payload_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("email log entry")
        verbose_name_plural = _("email log")
        indexes = [models.Index(fields=["edition", "status", "-at"], name="email_log_edition_status")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.recipient} {self.status}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the key is stored; the key itself is shown
    once, when the token is created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TwoFactorDevice(models.Model):
    """A TOTP authenticator app bound to an account (optional, offered to organisers and jurors)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor", verbose_name=_("user"))
    secret = models.CharField(max_length=64, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The last 30-second step accepted: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return str(self.user)
