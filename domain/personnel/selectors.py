"""Reads for safety-management staff, always scoped: regulators by district (city level sees all), an enterprise
its own staff's certificates, a person their own."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from domain.errors import NotVisibleError
from domain.organisations.scoping import scope_of, scope_queryset

from .models import (
    CertificateEvent,
    HelpRequest,
    HelpRequestState,
    Person,
    PublicNotice,
    RenameBatch,
    SafetyCertificate,
)


def person_of(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def certificates_visible_to(user: Any) -> QuerySet[SafetyCertificate]:
    own = Q(person__user=user) if getattr(user, "is_authenticated", False) else None
    qs = SafetyCertificate.objects.select_related("person", "employer", "district")
    return scope_queryset(qs, user, organisation_fields=["employer"], district_field="district", extra_q=own)


def get_certificate(user: Any, pk: int) -> SafetyCertificate:
    cert = certificates_visible_to(user).filter(pk=pk).first()
    if cert is None:
        raise NotVisibleError("证书不存在或您无权查看。")
    return cert


def search_certificates(user: Any, *, text: str = "", klass: str = "", state: str = "", employer: str = "") -> QuerySet[SafetyCertificate]:
    qs = certificates_visible_to(user)
    if text:
        by_id = Person.objects.filter(id_number=text).values("pk") if len(text) == 18 else Person.objects.none().values("pk")
        qs = qs.filter(Q(number__icontains=text) | Q(person__name__icontains=text) | Q(person__in=by_id))
    if klass:
        qs = qs.filter(klass=klass)
    if state:
        qs = qs.filter(state=state)
    if employer:
        qs = qs.filter(employer_name__icontains=employer)
    return qs.order_by("-applied_at", "-id")


def statistics(user: Any) -> dict[str, Any]:
    """Counts by class and by state of the certificates the user may see (统计)."""
    qs = certificates_visible_to(user).order_by()
    by_class = {row["klass"]: row["n"] for row in qs.values("klass").annotate(n=Count("id"))}
    by_state = {row["state"]: row["n"] for row in qs.values("state").annotate(n=Count("id"))}
    return {"by_class": by_class, "by_state": by_state, "total": sum(by_class.values())}


def people_visible_to(user: Any) -> QuerySet[Person]:
    scope = scope_of(user)
    if scope.kind == "all":
        return Person.objects.all()
    if scope.kind == "district":
        return Person.objects.filter(certificates__district_id=scope.district_code).distinct()
    if scope.kind == "enterprise":
        # current staff only: a former employer no longer reads the person's file (new employer, trainings, …)
        return Person.objects.filter(
            employments__enterprise_id=scope.organisation_id, employments__ended_on__isnull=True
        ).distinct()
    return Person.objects.filter(user=user) if getattr(user, "is_authenticated", False) else Person.objects.none()


def get_person(user: Any, pk: int) -> Person:
    person = people_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise NotVisibleError("人员不存在或您无权查看。")
    return person


def staff_of(user: Any) -> QuerySet[Person]:
    """The enterprise's staff currently employed (本单位人员)."""
    scope = scope_of(user)
    if scope.kind != "enterprise":
        return Person.objects.none()
    return (Person.objects.filter(employments__enterprise_id=scope.organisation_id, employments__ended_on__isnull=True)
            .prefetch_related("certificates").distinct().order_by("name"))


def applications_of(certificates: QuerySet[SafetyCertificate] | list[SafetyCertificate]) -> Any:
    """The procedure instances (申请) about the given certificates, newest first."""
    from processes.models import ProcessInstance

    from .procedures import ALL_KEYS

    ids = [str(c.pk) for c in certificates]
    ct = ContentType.objects.get_for_model(SafetyCertificate)
    return (ProcessInstance.objects.filter(process_key__in=ALL_KEYS, subject_type=ct, subject_id__in=ids)
            .select_related("definition").order_by("-id"))


def archive(user: Any, person: Person) -> dict[str, Any]:
    """The electronic archive (电子档案) of one person: every certificate, step, notice and document."""
    from documents.models import Document

    certs = list(certificates_visible_to(user).filter(person=person).order_by("-applied_at"))
    events = CertificateEvent.objects.filter(certificate__in=certs).select_related("certificate", "actor", "document")
    ct = ContentType.objects.get_for_model(SafetyCertificate)
    documents = Document.objects.filter(subject_type=ct, subject_id__in=[str(c.pk) for c in certs]).order_by("-issued_at")
    applications = applications_of(certs)
    from tasks.models import Attachment

    attachments = Attachment.objects.filter(instance_id__in=[a.pk for a in applications]).order_by("-uploaded_at")
    return {
        "person": person,
        "certificates": certs,
        "events": events.order_by("-created_at", "-id"),
        "notices": PublicNotice.objects.filter(certificate__in=certs).order_by("-starts_on", "-id"),
        "documents": documents,
        "attachments": attachments,
        "applications": applications,
        "trainings": person.trainings.all(),
        "penalties": person.penalties.all(),
        "employments": person.employments.select_related("enterprise").all(),
    }


def renames_visible_to(user: Any) -> QuerySet[RenameBatch]:
    return scope_queryset(RenameBatch.objects.select_related("enterprise"), user, organisation_fields=["enterprise"],
                          district_field="enterprise__district")


def help_requests_of(user: Any) -> QuerySet[HelpRequest]:
    if not getattr(user, "is_authenticated", False):
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(asked_by=user).order_by("-created_at")


def help_queue(user: Any) -> QuerySet[HelpRequest]:
    """Hand-offs for regulator staff (人工客服队列), scoped like their work items: the city's case officers answer
    them (the ``safety_staff_help`` work item is theirs), so city-level staff see every request and a district's
    staff only those whose hand-off was routed to their district. Questions can carry personal details.
    Unanswered questions come first, the longest waiting at the top; then the answered ones, newest first."""
    from processes.models import ProcessInstance

    scope = scope_of(user)
    waiting = Case(When(state=HelpRequestState.OPEN, then=F("created_at")), default=None)
    qs = HelpRequest.objects.select_related("asked_by").order_by(
        Case(When(state=HelpRequestState.OPEN, then=Value(0)), default=Value(1)),
        waiting.asc(nulls_last=True), "-created_at", "-id",
    )
    if scope.kind == "all":
        return qs
    if scope.kind == "district":
        routed = ProcessInstance.objects.filter(district_code=scope.district_code).values("id")
        return qs.filter(instance_id__in=routed)
    return HelpRequest.objects.none()


def public_notices(*, kind: str = "") -> QuerySet[PublicNotice]:
    """公示公告 are public by law: review opinions under notice and announced results (no ID numbers)."""
    qs = PublicNotice.objects.select_related("certificate")
    if kind in PublicNotice.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "-id")
