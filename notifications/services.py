"""Every write of notifications: making them, queuing and sending their emails,
marking them read, each person's choices, the daily reminders and digest, and
reminders sent by hand."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import smtplib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from districts.access import membership_of, sees_every_district
from districts.models import DISTRICT_ROLES, OFFICE_ROLES, District
from kpi_portal.errors import ActionRefused
from kpi_portal.thaidate import format_datetime
from notifications.messages import target_path, words
from notifications.models import DailyRun, Email, Kind, ManualReminder, Notification, Preference

log = logging.getLogger(__name__)


# --- who hears ---------------------------------------------------------------


def _people() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("notification_preference", "membership")
        .order_by("pk")
    )


def district_staff(district_id: int, roles: Sequence[str] = DISTRICT_ROLES) -> list[Any]:
    """The district's active officers and heads (or the roles asked for)."""
    return list(_people().filter(membership__district_id=district_id, membership__role__in=roles))


def office_staff() -> list[Any]:
    """The evaluation office's active evaluators and administrators."""
    return list(_people().filter(membership__role__in=OFFICE_ROLES))


def _preference(user: Any) -> Preference:
    try:
        return user.notification_preference  # type: ignore[no-any-return]
    except Preference.DoesNotExist:
        return Preference(user=user)


def wants_email(user: Any, *, digest: bool = False) -> bool:
    """Whether to email this person: an address on file and email not turned off."""
    if not user.email:
        return False
    preference = _preference(user)
    return preference.email and (preference.digest if digest else True)


# --- making notifications ----------------------------------------------------


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    key: str,
    now: dt.datetime | None = None,
    exclude: Any = None,
    **fields: Any,
) -> list[Notification]:
    """Tell each recipient about one event, once: a notification and, where they
    want it, an email queued. Returns the notifications made now (not the ones
    an earlier call already made for the same ``key``)."""
    now = now or timezone.now()
    people = {user.pk: user for user in recipients if exclude is None or user.pk != exclude.pk}
    if not people:
        return []
    known = set(
        Notification.objects.filter(key=key, recipient_id__in=people).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [
        Notification(recipient=user, kind=kind, key=key, created_at=now, **fields)
        for pk, user in people.items()
        if pk not in known
    ]
    # A second process seeing the same event at the same moment loses quietly.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    made = list(
        Notification.objects.filter(key=key, recipient_id__in=[n.recipient_id for n in fresh])
        .filter(created_at=now)
        .select_related(
            "report__assignment__indicator__fiscal_year",
            "period__fiscal_year",
            "district",
        )
    )
    queue_emails([n for n in made if wants_email(people[n.recipient_id])], people=people, now=now)
    return made


# --- email -------------------------------------------------------------------


def portal_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def _language(user: Any) -> str:
    """The language the user reads the portal in: their emails lead with it."""
    membership = membership_of(user)
    return membership.language_or_default if membership else settings.LANGUAGE_CODE


def _in_both_languages(notification: Notification, first: str = "th") -> list[dict[str, str]]:
    """The notification's words in the reader's language, then in the other one (a
    message may be forwarded to a colleague who reads the other)."""
    parts = []
    for language in sorted(("th", "en"), key=lambda code: code != first):
        with translation.override(language):
            said = words(notification)
            parts.append({"lang": language, "headline": said.headline, "detail": said.detail})
    return parts


def render_email(template: str, context: dict[str, Any], language: str = "th") -> tuple[str, str]:
    """A message's plain text and HTML from ``notifications/email/<template>``, in
    ``language`` (the recipient's)."""
    context = {
        **context,
        "settings_url": portal_url("/notifications/settings/"),
        "portal_url": portal_url("/"),
        "language": language,
    }
    with translation.override(language):
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    return text, html


def queue_emails(
    notifications: Sequence[Notification], *, people: dict[int, Any], now: dt.datetime
) -> int:
    """An email in the outbox for each notification (the worker sends them)."""
    rows = []
    for notification in notifications:
        language = _language(people[notification.recipient_id])
        parts = _in_both_languages(notification, first=language)
        url = portal_url(f"/notifications/{notification.pk}/")
        text, html = render_email("notification", {"parts": parts, "url": url}, language)
        rows.append(
            Email(
                key=f"{notification.key}:{notification.recipient_id}",
                recipient_id=notification.recipient_id,
                to=people[notification.recipient_id].email,
                subject=_subject(parts[0]["headline"], language),
                text=text,
                html=html,
                notification=notification,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(Email.objects.bulk_create(rows, ignore_conflicts=True))


def _subject(headline: str, language: str = "th") -> str:
    with translation.override(language):
        name = _("ระบบรายงานตัวชี้วัด สำนักงานเขต")
    # One line: a line break in a header would be refused (or, worse, obeyed).
    return " ".join(f"[{name}] {headline}".split())[:250]


def _message(email: Email) -> EmailMultiAlternatives:
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:32]
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        to=[email.to],
        headers={
            # The same event always has the same Message-ID, so a mail server
            # that keeps seeing it may drop a copy; RFC 3834 marks it automatic.
            "Message-ID": f"<{digest}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{portal_url('/notifications/settings/')}>",
        },
    )
    message.attach_alternative(email.html, "text/html")
    return message


def _claim(now: dt.datetime) -> Email | None:
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(state=Email.State.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if email is None:
            return None
        email.state = Email.State.SENDING
        email.claimed_at = now
        email.attempts += 1
        email.save(update_fields=["state", "claimed_at", "attempts"])
    return email


def _retry_at(attempts: int, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 5 ** (attempts - 1))


def _failed(email: Email, error: Exception, now: dt.datetime, *, permanent: bool) -> None:
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or email.attempts >= settings.EMAIL_ATTEMPTS:
        email.state = Email.State.FAILED
        log.warning("email %s to %s failed for good: %s", email.pk, email.to, email.last_error)
    else:
        email.state = Email.State.QUEUED
        email.next_attempt_at = _retry_at(email.attempts, now)
    email.save(update_fields=["state", "last_error", "next_attempt_at"])


def emails_recover(now: dt.datetime | None = None) -> int:
    """Rows left ``sending`` by a worker that died: marked unknown, never resent."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.EMAIL_SENDING_STALE_SECONDS)
    return Email.objects.filter(state=Email.State.SENDING, claimed_at__lt=stale).update(
        state=Email.State.UNKNOWN,
        last_error="worker stopped while sending; not sent again so as never to send twice",
    )


def emails_deliver(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send what is due from the outbox over one connection; returns how many went.

    A refusal for one message (4xx: later, 5xx: never) is that message's; a
    server that cannot be reached stops the round, and each message keeps its
    own retry time.
    """
    now = now or timezone.now()
    emails_recover(now)
    sent = 0
    connection = mailers.default
    try:
        for _n in range(limit):
            email = _claim(now)
            if email is None:
                break
            try:
                connection.send_messages([_message(email)])
            except smtplib.SMTPResponseException as error:
                _failed(email, error, now, permanent=error.smtp_code >= 500)
                connection.close()
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _msg in error.recipients.values()]
                _failed(email, error, now, permanent=all(code >= 500 for code in codes))
                connection.close()
            except (OSError, smtplib.SMTPException) as error:
                _failed(email, error, now, permanent=False)
                break  # the server is not there: the rest wait for the next round
            except Exception as error:  # a message that cannot be made: never retried
                _failed(email, error, now, permanent=True)
            else:
                Email.objects.filter(pk=email.pk).update(
                    state=Email.State.SENT, sent_at=timezone.now(), last_error=""
                )
                sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return sent


# --- reading -----------------------------------------------------------------


def notification_open(*, notification: Notification, now: dt.datetime | None = None) -> str:
    """Mark it read and say where it leads."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now or timezone.now()
        )
    return target_path(notification)


def notifications_mark_read(
    *, user: Any, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the person's notifications read: these, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=now or timezone.now())


def preference_set(*, user: Any, email: bool, digest: bool) -> Preference:
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "digest": digest}
    )
    return preference


# --- the daily run: reminders, publications, the office's digest -------------


def deadline_reminders(today: dt.date, now: dt.datetime) -> int:
    """Districts that have not handed in every report of a quarter whose
    deadline (their own, extensions included) is ``REMINDER_DAYS`` away or
    nearer: each of their officers and heads is told once per threshold."""
    from notifications.selectors import open_quarters_status

    thresholds = sorted(settings.NOTIFY_REMINDER_DAYS)
    if not thresholds:
        return 0
    count = 0
    for cell in open_quarters_status(today, horizon=thresholds[-1]):
        if cell.handed_in >= cell.total or cell.deadline is None:
            continue
        days = (cell.deadline - today).days
        due = [n for n in thresholds if 0 <= days <= n]
        if not due:
            continue
        threshold = due[0]
        count += len(
            notify(
                district_staff(cell.district_id),
                kind=Kind.DEADLINE,
                key=f"deadline:{cell.period.pk}:{cell.deadline.isoformat()}:{threshold}",
                now=now,
                district_id=cell.district_id,
                period=cell.period,
                deadline=cell.deadline,
                data={"days": days, "missing": cell.total - cell.handed_in, "total": cell.total},
            )
        )
    return count


def publication_notices(today: dt.date, now: dt.datetime, *, period_id: int | None = None) -> int:
    """Districts whose quarter's evaluations became public today (or lately,
    if the worker was down): their staff are told once per publication."""
    from notifications.selectors import published_lately

    count = 0
    for period, district_ids in published_lately(today, period_id=period_id):
        for district_id in district_ids:
            count += len(
                notify(
                    district_staff(district_id),
                    kind=Kind.PUBLISHED,
                    key=f"published:{period.pk}:{period.assessment_published_on}",
                    now=now,
                    district_id=district_id,
                    period=period,
                )
            )
    return count


def office_digests(today: dt.date, since: dt.datetime, now: dt.datetime) -> int:
    """The office's daily email: what was handed in since the last one, and the
    districts late today. Nothing new, no email."""
    from notifications.selectors import digest_for

    digest = digest_for(today, since)
    if not digest.submissions and not digest.late_today:
        return 0
    people = [user for user in office_staff() if wants_email(user, digest=True)]
    rows = []
    for language in sorted({_language(user) for user in people}):
        with translation.override(language):
            context = {
                "digest": digest,
                "board_url": portal_url("/office/completeness/"),
                "since": format_datetime(since),
            }
            headline = _("สรุปประจำวัน: ส่งใหม่ %(new)s รายงาน เลยกำหนดวันนี้ %(late)s เขต") % {
                "new": digest.submission_count,
                "late": len(digest.late_today),
            }
        text, html = render_email("digest", context, language)
        rows += [
            Email(
                key=f"digest:{today.isoformat()}:{user.pk}",
                recipient=user,
                to=user.email,
                subject=_subject(headline, language),
                text=text,
                html=html,
                next_attempt_at=now,
                created_at=now,
            )
            for user in people
            if _language(user) == language
        ]
    return len(Email.objects.bulk_create(rows, ignore_conflicts=True))


def daily_run(today: dt.date | None = None, now: dt.datetime | None = None) -> DailyRun | None:
    """Reminders, publication notices and the digest, once a day: a second call
    the same day (another worker, a restart, cron and the worker both) does
    nothing. Returns the day's record when this call did the work."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        previous = DailyRun.objects.filter(day__lt=today).order_by("-day").first()
        run, created = DailyRun.objects.get_or_create(day=today, defaults={"ran_at": now})
        if not created:
            return None
        since = previous.ran_at if previous else now - dt.timedelta(days=1)
        run.reminders = deadline_reminders(today, now) + publication_notices(today, now)
        run.digests = office_digests(today, since, now)
        run.save(update_fields=["reminders", "digests"])
    notifications_prune(now)
    return run


# Nothing is pruned younger than this, whatever the settings say: an event's
# key must outlive every window in which the same event can be seen again
# (publications are looked back on for 7 days, reminders only before their
# deadline), or a pruned notice would come back.
PRUNE_FLOOR_DAYS = 30


def notifications_prune(now: dt.datetime | None = None) -> dict[str, int]:
    """Forget what no one needs any more: emails that reached a final state
    more than ``EMAIL_KEEP_DAYS`` ago (queued ones are never touched), and
    notifications older than ``NOTIFY_KEEP_DAYS``. Part of the daily run."""
    now = now or timezone.now()
    email_days = max(settings.EMAIL_KEEP_DAYS, PRUNE_FLOOR_DAYS)
    notice_days = max(settings.NOTIFY_KEEP_DAYS, PRUNE_FLOOR_DAYS)
    emails, _kinds = Email.objects.filter(
        state__in=[Email.State.SENT, Email.State.FAILED, Email.State.UNKNOWN],
        created_at__lt=now - dt.timedelta(days=email_days),
    ).delete()
    notices, _kinds = Notification.objects.filter(
        created_at__lt=now - dt.timedelta(days=notice_days)
    ).delete()
    if emails or notices:
        log.info("pruned %d emails and %d notifications", emails, notices)
    return {"emails": emails, "notifications": notices}


def daily_due(now: dt.datetime) -> bool:
    local = timezone.localtime(now)
    return (
        local.time() >= settings.NOTIFY_DAILY_AT
        and not DailyRun.objects.filter(day=local.date()).exists()
    )


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """What the worker does every few seconds: the daily run when it is due,
    then the outbox."""
    now = now or timezone.now()
    ran = daily_run(now=now) if daily_due(now) else None
    sent = emails_deliver(now)
    return {"daily": 1 if ran else 0, "sent": sent}


# --- the office reminds by hand ----------------------------------------------


def reminder_cooldown() -> dt.timedelta:
    return dt.timedelta(minutes=settings.NOTIFY_MANUAL_COOLDOWN_MINUTES)


@transaction.atomic
def reminders_send(
    *,
    actor: Any,
    period: Any,
    districts: Sequence[District],
    now: dt.datetime | None = None,
) -> list[ManualReminder]:
    """The office reminds districts of a quarter now. A district reminded within
    the cool-down is skipped (refused when it is the only one asked for), and
    one that has handed everything in is not bothered."""
    from notifications.selectors import quarter_status

    if not sees_every_district(actor):
        raise ActionRefused(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ส่งการเตือนได้"))
    if not period.fiscal_year.is_open:
        raise ActionRefused(_("ปีงบประมาณนี้ปิดแล้ว สำนักงานเขตแก้ไขรายงานไม่ได้ จึงไม่ต้องส่งการเตือน"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    recent = set(
        ManualReminder.objects.filter(
            period=period,
            district__in=districts,
            at__gt=now - reminder_cooldown(),
        ).values_list("district_id", flat=True)
    )
    status = {cell.district_id: cell for cell in quarter_status(period, today, districts)}
    sent = []
    for district in districts:
        cell = status.get(district.pk)
        if district.pk in recent or cell is None or cell.handed_in >= cell.total:
            continue
        reminder = ManualReminder.objects.create(
            district=district, period=period, actor=actor, at=now
        )
        made = notify(
            district_staff(district.pk),
            kind=Kind.REMINDER,
            key=f"manual:{reminder.pk}",
            now=now,
            actor=actor,
            district=district,
            period=period,
            deadline=cell.deadline,
            data={
                "days": (cell.deadline - today).days if cell.deadline else 0,
                "missing": cell.total - cell.handed_in,
                "total": cell.total,
            },
        )
        reminder.recipients = len(made)
        reminder.save(update_fields=["recipients"])
        sent.append(reminder)
    if len(districts) == 1 and not sent:
        district = districts[0]
        if district.pk in recent:
            raise ActionRefused(
                _("เพิ่งเตือน%(district)sไปเมื่อไม่นานนี้ เตือนซ้ำได้อีกครั้งหลัง %(minutes)s นาที")
                % {
                    "district": district.office_name,
                    "minutes": settings.NOTIFY_MANUAL_COOLDOWN_MINUTES,
                }
            )
        raise ActionRefused(_("เขตนี้ส่งรายงานไตรมาสนี้ครบแล้ว ไม่ต้องเตือน"))
    return sent
