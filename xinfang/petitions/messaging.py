"""Who hears what when a case moves: the petitioner (SMS, or e-mail if given) and the units' staff
(in-system, and the channels each chose). Called by the services inside their transaction
(`after_step` from `_apply`, `after_intake` from the intakes); notifications.services writes the messages
and sends them after commit. The bulk path (import, generator) does not notify.

Access rules hold here too: a confidential petitioner (or one who accuses) is never named in what
reaches a unit, and the accused unit is never told (dispatch to it is refused in the first place).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from xinfang.accounts.models import Role
from xinfang.core import crypto
from xinfang.notifications.events import Event as E
from xinfang.notifications.services import (
    Notice,
    NoticeItem,
    Recipient,
    mask_email,
    notify_event,
    notify_events,
)

from . import steps
from .models import Event, Petition, PetitionerContact, Purpose
from .workflow import Action

OFFICE_DESK = (Role.DISPATCHER,)
INTAKE_DESK = (Role.CLERK, Role.DISPATCHER)
UNIT_DESK = (Role.HANDLER, Role.HEAD)
HEADS = (Role.HEAD,)


def portal_link(p: Petition) -> str:
    return settings.XINFANG_PORTAL_URL.rstrip("/") + "/lookup/?number=" + p.number


def staff_link(case_id: int) -> str:
    return reverse("petitions:detail", args=[case_id])


_UNKNOWN = PetitionerContact()  # "not looked up yet", as opposed to None: "the case has none"


def petitioner(p: Petition, contact: PetitionerContact | None = _UNKNOWN) -> Recipient:
    if contact is _UNKNOWN:
        contact = PetitionerContact.objects.filter(petition=p).first()
    return Recipient.person(
        phone_enc=p.phone_enc,
        phone_hash=p.phone_hash,
        phone_masked=p.phone_masked,
        email_enc=contact.email_enc if contact else "",
        email_masked=contact.email_masked if contact else "",
    )


def _hidden_names(p: Petition) -> tuple[str, ...]:
    """Names that must not reach a unit: a confidential petitioner's (until the office releases it) and
    an accuser's, with their representatives'."""
    accusation = p.purpose == Purpose.ACCUSATION or bool(p.accused_unit_id)
    if not ((p.confidential and not p.identity_released) or accusation):
        return ()
    names = [p.petitioner_name, *(r.name for r in p.representatives.all())]  # names are sealed: decrypt
    return tuple(sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True))


def _staff_title(p: Petition) -> str:
    return f"{p.number} {p.title}".strip()


def _notice(p: Petition, event: str, key: str, *, to_staff: bool = True, **context: str) -> Notice:
    """`to_staff=False`: the notice reaches the petitioner alone, and the names to hide from staff are not
    looked up (a confidential case's representatives: a query, and a decryption per name)."""
    return Notice(
        event=event,
        key=key,
        context={"title": p.title, "link": portal_link(p), **context},
        hide_from_staff=_hidden_names(p) if to_staff else (),
        case_id=p.pk,
        case_number=p.number,
    )


def _to_petitioner(
    p: Petition, event: str, key: str, text: str, contact: PetitionerContact | None = _UNKNOWN, **secrets: str
) -> NoticeItem | None:
    """The notice to the petitioner, or None when the case has no phone or mailbox to reach them at."""
    who = petitioner(p, contact)
    if not (who.phone_enc or who.email_enc):
        return None
    notice = _notice(p, event, key, to_staff=False, text=text)
    notice.secrets.update({k: v for k, v in secrets.items() if v})
    return notice, [who]


def _to_unit(
    p: Petition, event: str, key: str, unit_id: int | None, roles: tuple[str, ...], subject: str, detail: str = ""
) -> NoticeItem | None:
    """The notice to the holders of `roles` in the unit, or None when there is no unit."""
    if unit_id is None:
        return None
    notice = _notice(p, event, key, subject=subject, detail=detail or _staff_title(p))
    return notice, [Recipient.unit(unit_id, *roles)]


def after_intake(
    p: Petition, *, action: Action, event: Event, query_code: str = "", email: str = "", send_code: bool = False
) -> None:
    """A case registered by a clerk (REGISTER) or submitted online (SUBMIT). `event` is its first timeline
    event, inserted by the caller's transaction (the intake): the messages are keyed by it."""
    contact: PetitionerContact | None = None  # a new case: none unless given now
    if email or send_code:
        contact, _ = PetitionerContact.objects.update_or_create(
            petition=p,
            defaults={
                "email_enc": crypto.encrypt(email) if email else "",
                "email_masked": mask_email(email) if email else "",
                "query_code_by_sms": send_code,
            },
        )
    key = f"case:{p.pk}:ev:{event.pk}"
    # As printed for the clerk (services.format_query_code): groups of four.
    code = "-".join(query_code[i : i + 4] for i in range(0, len(query_code), 4)) if send_code else ""
    if action == Action.SUBMIT:
        items = [
            _to_petitioner(p, E.SUBMITTED, key, event.public_text, contact, query_code=code),
            _to_unit(p, E.NEW_ONLINE, key, p.office_unit_id, INTAKE_DESK, f"新的网上信访待登记：{p.number}"),
        ]
    else:
        items = [
            _to_petitioner(p, E.REGISTERED, key, event.public_text, contact, query_code=code),
            _to_unit(p, E.NEW_CASE, key, p.office_unit_id, OFFICE_DESK, f"新登记信访事项待分办：{p.number}"),
        ]
    # Both notices in one INSERT. `event` was inserted by this transaction a moment ago, so no message can
    # carry its key yet: no savepoint, no fallback (notifications.services.notify_events, new_keys).
    notify_events(items=[item for item in items if item is not None], new_keys=True)


def after_step(p: Petition, eff: steps.Effect, event: Event) -> None:
    """The messages of one workflow step (services._common._apply), keyed by its timeline event: the
    step's notices in one INSERT, without a savepoint (`new_keys`: the event was inserted by this same
    transaction, so no message can carry its key yet; notifications.services.notify_events)."""
    key = f"case:{p.pk}:ev:{event.pk}"
    items: list[NoticeItem | None] = []
    act, text = eff.action, eff.public_text
    office, current = p.office_unit_id, p.current_unit_id
    if act == Action.REGISTER:
        # The 查询码 went out at submission if it was asked for; it is not kept to be sent again.
        items.append(_to_petitioner(p, E.REGISTERED, key, text))
        items.append(_to_unit(p, E.NEW_CASE, key, office, OFFICE_DESK, f"新登记信访事项待分办：{p.number}"))
    elif act == Action.DISPATCH:
        items.append(_to_petitioner(p, E.DISPATCHED_PETITIONER, key, text))
        label = "交办件" if p.dispatch_mode == "assign" else "转送件"
        due = f"，交办期限{p.assign_due_date:%Y-%m-%d}" if p.assign_due_date else ""
        items.append(_to_unit(p, E.DISPATCHED, key, current, UNIT_DESK, f"新的{label}：{_staff_title(p)}{due}"))
    elif act in (Action.HANDLE_DIRECTLY, Action.ACCEPT):
        items.append(_to_petitioner(p, E.ACCEPTED, key, text))
    elif act == Action.REJECT:
        items.append(_to_petitioner(p, E.NOT_ACCEPTED, key, text))
    elif act == Action.OBJECT:
        items.append(_to_unit(p, E.OBJECTION, key, office, OFFICE_DESK, f"异议退回待重新分办：{p.number}", eff.note))
    elif act == Action.REQUEST_EXTENSION:
        items.append(_to_unit(p, E.EXTENSION_PENDING, key, current, HEADS, f"延期申请待审批：{p.number}", eff.note))
    elif act == Action.APPROVE_EXTENSION:
        items.append(_to_petitioner(p, E.EXTENDED, key, text))
    elif act == Action.SUBMIT_REPLY:
        items.append(_to_unit(p, E.REPLY_PENDING, key, current, HEADS, f"处理意见书待审批：{p.number}"))
    elif act == Action.RETURN_REPLY:
        items.append(
            _to_unit(p, E.REPLY_RETURNED, key, current, (Role.HANDLER,), f"处理意见书被退回修改：{p.number}", eff.note)
        )
    elif act == Action.APPROVE_REPLY:
        items.append(_to_petitioner(p, E.REPLIED, key, text))
    elif act == Action.RATE_UNSATISFIED:
        comment = str(eff.fields.get("rating_comment") or "")
        items.append(
            _to_unit(p, E.UNSATISFIED, key, office, OFFICE_DESK, f"信访人不满意，待回访研判：{p.number}", comment)
        )
    elif act == Action.REHANDLE:
        items.append(_to_petitioner(p, E.REHANDLE_PETITIONER, key, text))
        items.append(_to_unit(p, E.REHANDLE, key, current, UNIT_DESK, f"责成重新办理：{p.number}", eff.note))
    elif act in (Action.REQUEST_REVIEW, Action.REQUEST_RECHECK):
        label = "复查" if act == Action.REQUEST_REVIEW else "复核"
        items.append(_to_unit(p, E.REVIEW_ASSIGNED, key, p.review_unit_id, UNIT_DESK, f"新的{label}申请：{p.number}"))
    elif act == Action.DECIDE_REVIEW:
        items.append(_to_petitioner(p, E.REVIEW_DECIDED, key, text))
    elif act == Action.DECIDE_RECHECK:
        items.append(_to_petitioner(p, E.RECHECK_DECIDED, key, text))
    elif act == Action.RETURN_VISIT and eff.data.get("method") == "sms":
        items.append(_to_petitioner(p, E.RETURN_VISIT, key, text))
    notify_events(items=[item for item in items if item is not None], new_keys=True)


def deadline_warning(
    p: Petition, *, deadline_id: int, state: str, unit_id: int | None, subject: str, detail: str
) -> bool:
    """The sweep's warning, once per deadline and threshold (即将到期, 已超期): True when it went to someone."""
    event = E.DEADLINE_SOON if state == "soon" else E.DEADLINE_OVERDUE
    if unit_id is None:
        return False
    roles = OFFICE_DESK if unit_id == p.office_unit_id and p.current_unit_id != unit_id else UNIT_DESK
    notice = _notice(p, event, f"deadline:{deadline_id}:{state}", subject=subject, detail=detail)
    return bool(notify_event(notice=notice, recipients=[Recipient.unit(unit_id, *roles)]))


def return_visit_due(p: Petition, *, days: int) -> bool:
    notice = _notice(
        p,
        E.RETURN_VISIT_DUE,
        f"revisit:{p.pk}:{p.replied_at:%Y%m%d%H%M%S}" if p.replied_at else f"revisit:{p.pk}",
        subject=f"回访任务：{p.number}答复已{days}日未评价，请回访",
        detail=_staff_title(p),
    )
    return bool(notify_event(notice=notice, recipients=[Recipient.unit(p.office_unit_id, *OFFICE_DESK)]))
