import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.model_fields import (
    account_field,
    district_field,
    network_field,
    school_field,
    user_field,
)


class User(AbstractUser):
    """A person who logs in: teacher, school staff or district staff."""

    prefix = models.CharField(_("prefix"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("th", "ภาษาไทย"), ("en", "English")],
        default="th",
        help_text=_("Language of the screens and of documents made for this person."),
    )
    # Two-factor authentication (carecore/mfa.py): when the grace period of a person who must
    # use it began (their first log-in once it applied), and whether they have an authenticator
    # app or a passkey (kept in step with allauth's authenticators, so that no page needs a
    # query to know).
    mfa_grace_started = models.DateTimeField(
        _("two-factor grace period started"), null=True, blank=True, editable=False
    )
    mfa_enrolled = models.BooleanField(
        _("uses two-factor authentication"), default=False, editable=False
    )
    # Set when someone else (a coordinator, a district administrator) set this account's
    # password; the person is sent to the password change page until they choose their own
    # (carecore.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.prefix}{self.first_name} {self.last_name}".strip()
        return name or self.username


class Role(models.TextChoices):
    # School roles
    HOMEROOM = "homeroom", _("Homeroom teacher")
    COUNSELLOR = "counsellor", _("Guidance counsellor")
    DISCIPLINE = "discipline", _("Discipline office")
    NURSE = "nurse", _("School nurse")
    COORDINATOR = "coordinator", _("Care-system coordinator")
    DIRECTOR = "director", _("Director")
    # Network role
    NETWORK_SUPERVISOR = "network_supervisor", _("Network supervisor")
    # District roles
    DISTRICT_SUPERVISOR = "district_supervisor", _("District supervisor")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    # National role (OBEC, สพฐ.): the figures of every district, never a student.
    NATIONAL_OFFICER = "national_officer", _("OBEC officer")


SCHOOL_ROLES = frozenset(
    {Role.HOMEROOM, Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE, Role.COORDINATOR, Role.DIRECTOR}
)
NETWORK_ROLES = frozenset({Role.NETWORK_SUPERVISOR})
DISTRICT_ROLES = frozenset({Role.DISTRICT_SUPERVISOR, Role.DISTRICT_ADMIN})
NATIONAL_ROLES = frozenset({Role.NATIONAL_OFFICER})

# Separation of duties: the rank of each role, used wherever one person gives a role to another
# or changes another's password, e-mail or two-factor (carecore.access, "separation of duties").
# Nobody grants a role at or above their own rank at the place, nor changes the credentials of
# someone holding one; superusers are above every role. The director and coordinator roles are
# further reserved to the district administrator (``LEADER_ROLES``).
ROLE_RANK: dict[str, int] = {
    Role.HOMEROOM: 10,
    Role.COUNSELLOR: 10,
    Role.DISCIPLINE: 10,
    Role.NURSE: 10,
    Role.COORDINATOR: 20,
    Role.DIRECTOR: 30,
    Role.NETWORK_SUPERVISOR: 40,
    Role.DISTRICT_SUPERVISOR: 50,
    Role.DISTRICT_ADMIN: 60,
    Role.NATIONAL_OFFICER: 70,
}
SUPERUSER_RANK = 100
# School roles that only the district administrator of the school's district gives or takes.
LEADER_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})


def _roles_at(roles, place: str | None) -> Q:
    """One of ``roles``, held at ``place`` and at no other kind of place (``None``: nowhere,
    the whole country)."""
    others = {f"{kind}__isnull": kind != place for kind in ("school", "network", "district")}
    return Q(role__in=sorted(roles), **others)


class Membership(models.Model):
    """A role a user holds at exactly one school, network or district. A user may hold several."""

    user = account_field("memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    school = school_field("memberships", null=True, blank=True)
    network = network_field("memberships", null=True, blank=True)
    district = district_field("memberships", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = user_field(blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    _roles_at(SCHOOL_ROLES, "school")
                    | _roles_at(NETWORK_ROLES, "network")
                    | _roles_at(DISTRICT_ROLES, "district")
                    | _roles_at(NATIONAL_ROLES, None)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "network"],
                condition=Q(network__isnull=False),
                name="membership_unique_network_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="membership_unique_district_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.place}"

    @property
    def place(self):
        return self.school or self.network or self.district or _("The whole country")


def generated_file_path(instance, filename: str) -> str:
    # A random directory per file: the name alone never finds a file, and nothing serves
    # MEDIA_ROOT anyway (downloads go through the access layer).
    return f"generated/{instance.pk}/{filename}"


class JobStatus(models.TextChoices):
    """Where a background job is: a generated file's, a retention run's."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class GeneratedFile(models.Model):
    """A file a job produces for one person (a PDF or a spreadsheet), with its progress.

    The view that starts the job creates the row; the task fills it. Only the person who asked
    may download it, and only while they still hold the permission that the job needed."""

    Status = JobStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    created_by = account_field("generated_files", verbose_name=_("asked by"))
    school = school_field(null=True, blank=True)
    district = district_field(null=True, blank=True)
    permission = models.CharField(max_length=50)
    language = models.CharField(max_length=5, default="th")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(_("file"), upload_to=generated_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                name="generated_file_progress_0_100", condition=Q(progress__lte=100)
            ),
        ]

    def __str__(self):
        return self.title


class AuditEvent(models.Model):
    """Who viewed or changed which student's record, when and from where. Append-only: on
    PostgreSQL a trigger refuses every UPDATE and DELETE of these rows.

    The references are plain ids (no foreign keys), so deleting a user, a school or a student
    never touches the log; the names at the time are kept beside them."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Printed or exported")
        IMPORT = "import", _("Imported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(_("user"), null=True, blank=True, db_index=True)
    user_name = models.CharField(_("user"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    school_id = models.BigIntegerField(null=True, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    student_name = models.CharField(_("student"), max_length=200, blank=True)
    object_type = models.CharField(_("record"), max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("what"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # The hash chain (carecore/auditchain.py): on PostgreSQL a trigger fills these three on
    # insert, whatever the inserting code wrote, under a lock on AuditChainHead. The position
    # in the chain, the previous row's hash, and sha256(prev_hash + this row's content).
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["school_id", "-at"], name="audit_school_at"),
            models.Index(fields=["district_id", "-at"], name="audit_district_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.student_name}"


class AuditChainHead(models.Model):
    """The end of the audit hash chain: one row (id 1), the last event's position and hash.

    The insert trigger locks this row (SELECT ... FOR UPDATE) before it chains an event, so
    concurrent writers append one after the other and the chain never forks. Written only by
    that trigger (SECURITY DEFINER); the application's database role may only read it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"{self.seq} {self.hash[:12]}"


class AuditVerification(models.Model):
    """One walk of the audit hash chain (``manage.py audit_verify``, nightly): what was found.

    ``problems`` holds the first problems as data (kind, position, id) for the operators; the
    district administrator's page shows only when and how many."""

    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("verified"), db_index=True)
    rows = models.BigIntegerField(_("entries checked"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problems = models.JSONField(default=list, blank=True)
    head_seq = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit log verification")
        ordering = ["-finished", "-id"]

    def __str__(self):
        return f"{self.finished:%Y-%m-%d %H:%M} {self.problem_count}"

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class Notification(models.Model):
    """Something waiting for one person: a referral sent to them, a result written back, a
    dropout case that is late. Shown on their home page and announced by e-mail.

    The text never names the child or the problem (e-mails leave the system); the link leads
    to the page, where the access layer decides what they may see."""

    class Kind(models.TextChoices):
        REFERRAL_RECEIVED = "referral_received", _("A student was referred to you")
        REFERRAL_ACCEPTED = "referral_accepted", _("Your referral was accepted")
        REFERRAL_RESULT = "referral_result", _("A referral you sent has a result")
        REFERRAL_OVERDUE = "referral_overdue", _("A referral waits for your answer")
        CASE_ASSIGNED = "case_assigned", _("A dropout case was given to you")
        CASE_LATE = "case_late", _("A dropout case you own is late")
        CASE_REPORTED = "case_reported", _("A dropout case was reported to your office")
        LOGIN_SLOWED = (
            "login_slowed",
            _(
                "Wrong passwords were tried many times on your account, so logging in was paused "
                "for a while. If it was not you, change your password"
            ),
        )
        PASSWORD_SET = (
            "password_set",
            _("Someone else set your password: choose your own at your next log-in"),
        )
        # Staff: attendance, families and students (docs/attendance.md, docs/portal.md).
        ATTENDANCE_FLAG = "attendance_flag", _("A student's attendance needs your attention")
        FAMILY_MESSAGE_IN = "family_message_in", _("A parent sent you a message")
        APPOINTMENT_ANSWERED = (
            "appointment_answered",
            _("A parent answered a home-visit appointment"),
        )
        HELP_REQUEST = "help_request", _("A student asked for help")
        # Homeroom teachers: the early warning (docs/early-warning.md); the class, never the child.
        EARLY_WARNING_HIGH = (
            "early_warning_high",
            _("A student of your class has reached high risk on the early warning"),
        )
        # School leaders: the district's deadlines (docs/district-work.md, "Deadlines").
        DEADLINE_SOON = "deadline_soon", _("A deadline of the district office is near")
        DEADLINE_LATE = "deadline_late", _("A deadline of the district office has passed")
        # The district's work (docs/district-work.md): supervision, good practices, the fund and
        # the self-assessment. Never a child's name: the kind and the school only.
        SUPERVISION_SENT = (
            "supervision_sent",
            _("The district office sent your school a supervision visit"),
        )
        SUPERVISION_ANSWERED = "supervision_answered", _("A school answered a supervision visit")
        PRACTICE_SUBMITTED = "practice_submitted", _("A school sent a good practice for review")
        PRACTICE_PUBLISHED = "practice_published", _("Your good practice was published")
        PRACTICE_RETURNED = "practice_returned", _("Your good practice was sent back to you")
        FUND_DECIDED = "fund_decided", _("The fund committee decided on your nominations")
        ASSESSMENT_OPENED = "assessment_opened", _("A self-assessment round is open")
        ASSESSMENT_RELEASED = (
            "assessment_released",
            _("The results of your school's self-assessment are released"),
        )
        # Parents and students: what waits for them in their portal. Outside the portal (LINE,
        # e-mail) every one of these reads only "new message from the school" (carecore/channels).
        FAMILY_ABSENCE = "family_absence", _("Your child was absent")
        FAMILY_BEHAVIOUR = "family_behaviour", _("A behaviour notice about your child")
        FAMILY_APPOINTMENT = "family_appointment", _("The teacher proposes a home visit")
        FAMILY_CONSENT = "family_consent", _("The school asks for your consent")
        FAMILY_MESSAGE = "family_message", _("A message from the school")
        FAMILY_FORM = "family_form", _("A screening form waits for you")
        HELP_ANSWERED = "help_answered", _("The counsellor answered your request")

    user = account_field("notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    url = models.CharField(_("link"), max_length=300)
    # Where it comes from, for the list ("at <school>"); never the child.
    place = models.CharField(_("place"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read = models.DateTimeField(_("read"), null=True, blank=True)
    emailed = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read", "-created"], name="notification_unread")]

    def __str__(self):
        return f"{self.user} {self.kind}"


class ProcessHeartbeat(models.Model):
    """A Celery worker or beat process saying it is alive (carecore.health): written every few
    seconds while it runs, deleted when it stops cleanly; one that died just stops writing."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("Worker")
        BEAT = "beat", _("Scheduler")

    name = models.CharField(_("process"), max_length=200, primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("process heartbeat")
        indexes = [models.Index(fields=["kind", "seen_at"])]

    def __str__(self):
        return self.name


# --- notification channels (carecore/channels.py, docs/notifications.md) ---------------------
class LineAccount(models.Model):
    """A LINE Official Account that pushes notifications (the Messaging API), usually a school's
    or a district office's. ``owner`` says whose: "school:<id>" or "district:<id>"; the people of
    that place are shown this account to add as a friend (carecore.channels.line_accounts_for).
    The secret and token are edited in the admin and never logged."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.CharField(
        _("owner"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_('Whose account it is: "school:<id>" or "district:<id>".'),
    )
    basic_id = models.CharField(
        _("LINE ID"),
        max_length=40,
        help_text=_("The account's basic ID with its @ (people add it as a friend)."),
    )
    channel_id = models.CharField(_("channel ID"), max_length=40)
    channel_secret = models.CharField(_("channel secret"), max_length=100)
    access_token = models.TextField(_("channel access token"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("LINE Official Account")
        verbose_name_plural = _("LINE Official Accounts")
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.basic_id})"

    @property
    def add_friend_url(self) -> str:
        return f"https://line.me/R/ti/p/{self.basic_id}"


class NotificationPreference(models.Model):
    """How one person wants to be told outside the portal. No row: e-mail, at once."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Only in the system")
        EMAIL = "email", _("E-mail")
        LINE = "line", _("LINE")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, one message each time")
        DAILY = "daily", _("Once a day, a summary")

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # The LINE user this person linked by sending their code to ``line_account`` (a LINE user
    # ID belongs to one provider: pushes go through the account it came from).
    line_account = models.ForeignKey(
        LineAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("LINE Official Account"),
    )
    line_user_id = models.CharField(_("LINE user ID"), max_length=64, blank=True)
    line_linked = models.DateTimeField(_("LINE linked"), null=True, blank=True)
    # The code to send to the account: its SHA-256, valid until ``link_code_expires``.
    link_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    link_code_expires = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user} {self.channel} {self.frequency}"

    @property
    def line_ready(self) -> bool:
        return bool(self.line_user_id and self.line_account_id)


class NotificationDelivery(models.Model):
    """One message outside the portal: a notification (at once) or a person's daily summary.
    Kept with its tries, so a failure is seen and tried again (carecore.channels)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = account_field("notification_deliveries")
    channel = models.CharField(
        _("channel"), max_length=10, choices=NotificationPreference.Channel.choices
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    # A daily summary: its day and how many notifications it counts.
    digest_date = models.DateField(_("summary of"), null=True, blank=True)
    count = models.PositiveIntegerField(_("notifications"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_attempt = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # Sent as LINE's X-Line-Retry-Key: a retry of a push LINE already accepted is not sent twice.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "digest_date"],
                condition=Q(digest_date__isnull=False),
                name="delivery_one_digest_a_day",
            ),
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_notification",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.channel} {self.status}"
