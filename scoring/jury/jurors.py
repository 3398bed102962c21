"""Writes of the jury side: juror profiles, invitations and reminders."""

from django.db import transaction
from django.utils import timezone

from award.collation import name_order
from award.enums import Role
from award.models import Category, Edition, EditionRole, Round, User
from award.rules import require_organiser
from award.services import audit_log
from scoring.enums import AssignmentStatus
from scoring.jury.assignments import OPEN_STATUSES, assignments_recuse
from scoring.jury.conflicts import REASON_NOMINATION, automatic_conflict_reason
from scoring.models import Assignment

# --- Jurors: invitations, profiles, reminders -----------------------------------------------


def juror_profile_save(
    *,
    actor: User | None,
    edition: Edition,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organisation: str = "",
    country: str = "",
    panels: list[Category] | None = None,
    expertise: list[Category] | None = None,
    nominated_by: str | None = None,
) -> tuple[EditionRole, bool]:
    """Create or update a juror and their role in the edition. Returns (role, user_created).

    `nominated_by`: the partner organisation that nominated the juror ("" for none; None leaves
    it as it is). Every project of that organisation or with it as a partner is then a conflict
    of interest for the juror, and an assignment to one is withdrawn."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, first_name=first_name, last_name=last_name, organisation=organisation, country=country)
        user.set_unusable_password()
        user.save()
    else:
        changed = []
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("organisation", organisation),
            ("country", country),
        ):
            if value and getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        if changed:
            user.save(update_fields=changed)
    role, _new = EditionRole.objects.get_or_create(edition=edition, user=user, role=Role.JUROR)
    if panels is not None:
        role.panels.set(panels)
    if expertise is not None:
        role.expertise.set(expertise)
    audit_log(actor=actor, action="juror.save", target=role, edition=edition, data={"email": email})
    if nominated_by is not None and " ".join(nominated_by.split()) != role.nominated_by:
        juror_nomination_set(actor=actor, role=role, nominated_by=nominated_by)
    return role, created


def juror_nomination_set(*, actor: User | None, role: EditionRole, nominated_by: str) -> EditionRole:
    """Record (or clear) the organisation that nominated the juror, and withdraw the juror's
    assignments to the projects that nomination now makes a conflict of interest."""
    nominated_by = " ".join(nominated_by.split())[:200]
    edition = role.edition
    with transaction.atomic():
        EditionRole.objects.filter(pk=role.pk).update(nominated_by=nominated_by)
        role.nominated_by = nominated_by
        audit_log(
            actor=actor,
            action="juror.nomination",
            target=role,
            edition=edition,
            data={"email": role.user.email, "nominated_by": nominated_by},
        )
        if nominated_by:
            live = (
                Assignment.objects.filter(juror=role.user, round__edition=edition)
                .exclude(status=AssignmentStatus.RECUSED)
                .select_related("project")
            )
            projects = {a.project_id: a.project for a in live}
            for project in projects.values():
                reason = automatic_conflict_reason(
                    juror=role.user, project=project, edition=edition, nominated_by=nominated_by
                )
                if reason == REASON_NOMINATION:
                    assignments_recuse(
                        actor=actor, juror=role.user, project=project, reason=f"nominated by {nominated_by}"
                    )
    return role


def jurors_invite_pending(*, actor: User, edition: Edition, site_url: str) -> int:
    """Invite every juror of the edition who has not been invited yet (the pool copied from the
    previous edition); returns how many."""
    from scoring.tasks import invitation_email_send

    require_organiser(actor, edition)
    with transaction.atomic():
        roles = list(
            EditionRole.objects.select_for_update()
            .filter(edition=edition, role=Role.JUROR, invited_at__isnull=True, user__is_active=True)
            .values_list("pk", flat=True)
        )
        EditionRole.objects.filter(pk__in=roles).update(invited_at=timezone.now())
        audit_log(
            actor=actor, action="jurors.invite_pending", target=edition, edition=edition, data={"jurors": len(roles)}
        )
        for role_id in roles:
            transaction.on_commit(
                lambda role_id=role_id: invitation_email_send.enqueue(role_id=role_id, site_url=site_url)
            )
    return len(roles)


def juror_invite(*, actor: User, edition: Edition, site_url: str, **profile) -> EditionRole:
    """Create the juror (or add the role to an existing account) and email an invitation
    with a link to set a password and accept."""
    from scoring.tasks import invitation_email_send

    require_organiser(actor, edition)
    with transaction.atomic():
        role, _created = juror_profile_save(actor=actor, edition=edition, **profile)
        role.invited_at = timezone.now()
        role.save(update_fields=["invited_at"])
        audit_log(actor=actor, action="juror.invite", target=role, edition=edition, data={"email": role.user.email})
        role_id = role.pk
        transaction.on_commit(lambda: invitation_email_send.enqueue(role_id=role_id, site_url=site_url))
    return role


def invitation_accept(*, role: EditionRole, password: str) -> EditionRole:
    with transaction.atomic():
        user = role.user
        user.set_password(password)
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        user.save(update_fields=["password", "email_confirmed_at"])
        EditionRole.objects.filter(edition=role.edition, user=user, role=Role.JUROR, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        audit_log(actor=user, action="juror.accept", target=role, edition=role.edition)
    role.refresh_from_db()
    return role


def reminder_recipients(round: Round):
    """The jurors who would get a reminder, with how many of their reviews are open (in a ranked
    final round: how many of their ballots are not cast)."""
    from django.db.models import Count, Q

    from scoring.ballot.selectors import ballots_progress

    ballots = ballots_progress([round])
    if round.pk in ballots.ranked:
        missing = ballots.missing(round.pk)
        jurors = list(
            User.objects.filter(pk__in=list(missing)).order_by(
                name_order("last_name"), name_order("first_name"), "email"
            )
        )
        for juror in jurors:
            juror.open_count = len(missing[juror.pk])
        return jurors
    return (
        User.objects.filter(assignments__round=round, assignments__status__in=OPEN_STATUSES)
        .annotate(open_count=Count("assignments", filter=Q(assignments__round=round)))
        .order_by(name_order("last_name"), name_order("first_name"), "email")
    )


def reminders_send(*, actor: User, round: Round, site_url: str = "") -> int:
    """One email per juror with unfinished assignments in the round; returns how many."""
    from scoring.tasks import reminder_email_send

    edition = round.edition
    require_organiser(actor, edition)
    from scoring.ballot.selectors import ballots_progress

    ballots = ballots_progress([round])
    if round.pk in ballots.ranked:
        juror_ids = sorted(ballots.missing(round.pk))
    else:
        juror_ids = sorted(
            set(Assignment.objects.filter(round=round, status__in=OPEN_STATUSES).values_list("juror_id", flat=True))
        )
    now = timezone.now()
    with transaction.atomic():
        EditionRole.objects.filter(edition=edition, role=Role.JUROR, user_id__in=juror_ids).update(last_reminded_at=now)
        audit_log(actor=actor, action="jurors.remind", target=round, edition=edition, data={"jurors": len(juror_ids)})
        round_id = round.pk
        for juror_id in juror_ids:
            transaction.on_commit(
                lambda juror_id=juror_id: reminder_email_send.enqueue(
                    juror_id=juror_id, round_id=round_id, site_url=site_url
                )
            )
    return len(juror_ids)


def jury_chair_set(*, actor: User, role: EditionRole, is_chair: bool) -> EditionRole:
    """Appoint the juror as the jury chair, or remove them (audited: the chair reads rankings)."""
    require_organiser(actor, role.edition)
    with transaction.atomic():
        EditionRole.objects.filter(pk=role.pk).update(is_chair=is_chair)
        role.is_chair = is_chair
        audit_log(
            actor=actor,
            action="juror.chair" if is_chair else "juror.unchair",
            target=role,
            edition=role.edition,
            data={"email": role.user.email},
        )
    return role
