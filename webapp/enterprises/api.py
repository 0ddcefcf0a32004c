"""Enterprise supervision API (read-only): qualification/licence verification cases (核查整改案件), the credentials
(资质证书、安全生产许可证) and revocation cases (撤回/撤销), each scoped like the pages — an enterprise sees its own,
a district its district's, the city everything. Lists are paginated; bad filters are a 400 with the field named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated

from domain.enterprises import selectors
from domain.enterprises.models import (
    CaseState,
    CheckCase,
    Qualification,
    RevocationCase,
    SafetyLicence,
    SignOff,
)
from domain.organisations.scoping import scope_of
from webapp.acting import acting_user


class QualificationOut(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    issuing_authority = serializers.CharField(source="issuing_authority.name", default="")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Qualification
        fields = ["id", "enterprise", "credit_code", "category", "grade", "certificate_number", "issuing_authority",
                  "valid_from", "valid_to", "required_staff", "registered_staff", "state", "state_label"]


class LicenceOut(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    issuing_authority = serializers.CharField(source="issuing_authority.name", default="")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = SafetyLicence
        fields = ["id", "enterprise", "credit_code", "licence_number", "issuing_authority", "valid_from", "valid_to",
                  "project_managers", "required_constructors", "suspended_until", "state", "state_label"]


class LicenceDetailOut(LicenceOut):
    suspensions = serializers.SerializerMethodField()

    class Meta(LicenceOut.Meta):
        fields = [*LicenceOut.Meta.fields, "suspensions"]

    def get_suspensions(self, licence: SafetyLicence) -> list[dict[str, Any]]:
        return [
            {"outcome": s.outcome, "days": s.days, "starts_on": s.starts_on, "ends_on": s.ends_on, "basis": s.basis,
             "restored_at": s.restored_at}
            for s in licence.suspensions.order_by("-id")
        ]


class CaseOut(serializers.ModelSerializer):
    batch = serializers.CharField(source="batch.number")
    kind = serializers.CharField(source="batch.kind")
    enterprise = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    district = serializers.CharField(source="district.name")
    certificate = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = CheckCase
        fields = ["id", "batch", "kind", "enterprise", "credit_code", "district", "certificate", "deadline",
                  "returns", "state", "state_label", "created_at", "closed_at"]

    def get_certificate(self, case: CheckCase) -> str:
        if case.qualification is not None:
            return case.qualification.certificate_number
        return case.licence.licence_number if case.licence is not None else ""


class CaseDetailOut(CaseOut):
    submissions = serializers.SerializerMethodField()
    sign_offs = serializers.SerializerMethodField()

    class Meta(CaseOut.Meta):
        fields = [*CaseOut.Meta.fields, "findings", "process_instance_id", "submissions", "sign_offs"]

    def get_submissions(self, case: CheckCase) -> list[dict[str, Any]]:
        return [
            {"round": s.round, "submitted_at": s.submitted_at, "content_sm3": s.content_digest,
             "document_id": s.document_id, "evidence": [e.name for e in s.evidence.all()]}
            for s in case.submissions.prefetch_related("evidence").order_by("round")
        ]

    def get_sign_offs(self, case: CheckCase) -> list[dict[str, Any]]:
        rows = SignOff.objects.filter(case_type="check", case_id=case.pk).select_related("user").order_by("id")
        return [
            {"stage": s.stage, "step": s.step, "result": s.result, "opinion": s.opinion,
             "by": s.user.display_name, "at": s.signed_at}
            for s in rows
        ]


class RevocationOut(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    district = serializers.CharField(source="district.name")
    kind_label = serializers.CharField(source="get_kind_display")
    ground_label = serializers.CharField(source="get_ground_display")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = RevocationCase
        fields = ["id", "number", "enterprise", "credit_code", "district", "kind", "kind_label", "ground",
                  "ground_label", "defence_due_on", "decided_at", "state", "state_label", "opened_at"]


class RevocationDetailOut(RevocationOut):
    class Meta(RevocationOut.Meta):
        fields = [*RevocationOut.Meta.fields, "facts", "reasons", "basis", "defence_days", "defence_statement",
                  "defence_adopted", "hearing_offered", "hearing_requested", "hearing_record", "decision_text",
                  "documents", "process_instance_id"]
        # the legal review opinion (法制审核意见) is internal: regulators get it added below

    def to_representation(self, instance: RevocationCase) -> dict[str, Any]:
        data = super().to_representation(instance)
        regulator = bool(self.context.get("regulator"))
        data["documents"] = instance.documents_for(regulator=regulator)
        if regulator:
            data["legal_opinion"] = instance.legal_opinion
        return data


def _date(params: Any, name: str) -> dt.date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({name: f"日期格式应为 YYYY-MM-DD，收到 {value}。"}) from exc


def _choice(params: Any, name: str, choices: Any) -> str:
    value = (params.get(name) or "").strip()
    if value and value not in choices.values:
        raise ValidationError({name: f"未知的状态 {value}，可选：{'、'.join(choices.values)}。"})
    return value


def _by_enterprise(qs: Any, params: Any) -> Any:
    """Narrow a credential queryset by ``enterprise`` (part of the name, or the credit code)."""
    text = params.get("enterprise", "").strip()
    if text:
        qs = qs.filter(enterprise__name__icontains=text) | qs.filter(enterprise__credit_code=text.upper())
    return qs.order_by("enterprise__name", "id")


def _visible(qs: Any, pk: Any, missing: str) -> Any:
    """The row ``pk`` of an already scoped queryset, or a 404 saying ``missing``."""
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(missing)
    return found


class CaseListView(generics.ListAPIView):
    """Verification cases the caller may see; filters ``batch``, ``enterprise`` (name or credit code),
    ``district``, ``state``, ``from``/``to`` (date the case was opened)."""

    serializer_class = CaseOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        p = self.request.query_params
        return selectors.search_cases(
            acting_user(self.request),
            batch=p.get("batch", "").strip(),
            enterprise=p.get("enterprise", "").strip(),
            district=p.get("district", "").strip(),
            state=_choice(p, "state", CaseState),
            date_from=_date(p, "from"),
            date_to=_date(p, "to"),
        ).order_by("-id")


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = CaseDetailOut
    permission_classes = [IsAuthenticated]

    def get_object(self) -> CheckCase:
        return _visible(selectors.cases_visible_to(acting_user(self.request)), self.kwargs["pk"], "案件不存在或无权查看。")


class QualificationListView(generics.ListAPIView):
    """Qualification certificates the caller may see (``enterprise``: name or credit code)."""

    serializer_class = QualificationOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _by_enterprise(selectors.qualifications_visible_to(acting_user(self.request)), self.request.query_params)


class LicenceListView(generics.ListAPIView):
    """Safety production licences the caller may see (``enterprise``: name or credit code)."""

    serializer_class = LicenceOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _by_enterprise(selectors.licences_visible_to(acting_user(self.request)), self.request.query_params)


class LicenceDetailView(generics.RetrieveAPIView):
    serializer_class = LicenceDetailOut
    permission_classes = [IsAuthenticated]

    def get_object(self) -> SafetyLicence:
        return _visible(selectors.licences_visible_to(acting_user(self.request)), self.kwargs["pk"], "许可证不存在或无权查看。")


class RevocationListView(generics.ListAPIView):
    """Revocation cases the caller may see."""

    serializer_class = RevocationOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.revocations_visible_to(acting_user(self.request)).order_by("-id")


class RevocationDetailView(generics.RetrieveAPIView):
    serializer_class = RevocationDetailOut
    permission_classes = [IsAuthenticated]

    def get_serializer_context(self) -> dict[str, Any]:
        regulator = scope_of(acting_user(self.request)).kind != "enterprise"
        return {**super().get_serializer_context(), "regulator": regulator}

    def get_object(self) -> RevocationCase:
        return _visible(
            selectors.revocations_visible_to(acting_user(self.request)), self.kwargs["pk"], "案件不存在或无权查看。"
        )
