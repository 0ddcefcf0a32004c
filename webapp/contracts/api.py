"""Contracts API: draft, start signing, act on the signing case, objections, payments, changes, settlement; public
notices and announcements without login. Every signing step goes through the real BPMN (``act``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domain.contracts import changes, payments, selectors, services, settlement, workflow
from domain.contracts.models import Contract, PaymentApplication, TenderAward
from domain.errors import NotVisibleError
from domain.organisations.models import Organisation, OrganisationKind
from webapp.acting import acting_user
from webapp.api.pagination import StandardPagination

from .actions import direct_actions, ready_for


class ContractSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name")
    project_code = serializers.CharField(source="project.code")
    district = serializers.CharField(source="project.district.name")
    employer_name = serializers.CharField(source="employer.name")
    contractor_name = serializers.CharField(source="contractor.name")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Contract
        fields = ["id", "number", "title", "project_name", "project_code", "district", "employer_name",
                  "contractor_name", "contract_type", "scope", "price", "pricing_method", "duration_days",
                  "quality_standard", "project_manager_name", "tendered", "state", "state_display",
                  "public_notice_required", "notice_working_days", "notice_starts_on", "notice_ends_on",
                  "signed_on", "filing_due_on", "filing_overdue", "announced_at", "document_id",
                  "announcement_document_id", "process_instance_id"]


class PublicContractSerializer(ContractSerializer):
    class Meta(ContractSerializer.Meta):
        fields = ["id", "number", "title", "project_name", "project_code", "district", "employer_name",
                  "contractor_name", "contract_type", "scope", "price", "pricing_method", "duration_days",
                  "quality_standard", "project_manager_name", "state", "state_display", "notice_starts_on",
                  "notice_ends_on", "signed_on", "announced_at"]


class DraftInput(serializers.Serializer):
    project_id = serializers.IntegerField()
    contractor_id = serializers.IntegerField()
    award_id = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    scope = serializers.CharField(max_length=4000)
    price = serializers.CharField(max_length=20)
    pricing_method = serializers.CharField(max_length=20)
    duration_days = serializers.CharField(max_length=10)
    start_date = serializers.CharField(max_length=10, required=False, allow_blank=True)
    quality_standard = serializers.CharField(max_length=100)
    project_manager_name = serializers.CharField(max_length=50)
    project_manager_cert_no = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contract_type = serializers.CharField(max_length=20, required=False)


def draft_contract(user: Any, data: dict[str, Any]) -> Contract:
    project = selectors.projects_of(user).filter(pk=data.pop("project_id")).first()
    if project is None:
        raise serializers.ValidationError({"project_id": ["找不到该项目，或您不是该项目的建设单位。"]})
    contractor = Organisation.objects.filter(pk=data.pop("contractor_id"), kind=OrganisationKind.ENTERPRISE).first()
    if contractor is None:
        raise serializers.ValidationError({"contractor_id": ["找不到该承包人企业。"]})
    award_id = data.pop("award_id", None)
    award = TenderAward.objects.filter(pk=award_id, project=project).first() if award_id else None
    if award_id and award is None:
        raise serializers.ValidationError({"award_id": ["该中标结果不属于本项目。"]})
    return services.contract_draft(project=project, contractor=contractor, data=data, acting_user=user, award=award)


def _form(request: Request) -> Any:
    return request.data if hasattr(request.data, "get") else {}


def _visible(request: Request, pk: int) -> Contract:
    contract = selectors.contracts_visible_to(acting_user(request)).filter(pk=pk).first()
    if contract is None:
        raise NotVisibleError("合同不存在或您无权查看。")
    return contract


class ContractListView(APIView):
    @extend_schema(summary="我的合同 / 合同查询（按项目、当事人、合同编号）",
                   parameters=[OpenApiParameter("q", str), OpenApiParameter("state", str)],
                   responses=ContractSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.search_contracts(acting_user(request), text=request.query_params.get("q", "").strip(),
                                        state=request.query_params.get("state", ""))
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ContractSerializer(page, many=True).data)

    @extend_schema(summary="发包人起草合同", request=DraftInput, responses={201: ContractSerializer})
    def post(self, request: Request) -> Response:
        data = DraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        contract = draft_contract(acting_user(request), dict(data.validated_data))
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailView(APIView):
    @extend_schema(summary="合同详情（含当前可办理的环节）", responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        contract = _visible(request, pk)
        body = dict(ContractSerializer(contract).data)
        body["ready"] = [{"element": i.element_id, "name": i.name, "form": i.form} for i in ready_for(contract, user)]
        body["actions"] = direct_actions(contract, user)
        return Response(body)


class StartSigningView(APIView):
    @extend_schema(summary="启动合同网签流程", request=None, responses=ContractSerializer)
    def post(self, request: Request, pk: int) -> Response:
        contract = workflow.start_signing(contract=_visible(request, pk), acting_user=acting_user(request))
        return Response(ContractSerializer(contract).data)


class ActInput(serializers.Serializer):
    element = serializers.RegexField(r"^[a-z_]{1,60}$", error_messages={"invalid": "环节标识无效。"})
    data = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]


class ActView(APIView):
    @extend_schema(summary="办理合同网签流程的当前环节（确认、答复、认定、签章、报送）", request=ActInput,
                   responses=ContractSerializer)
    def post(self, request: Request, pk: int) -> Response:
        contract = _visible(request, pk)
        data = ActInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.act(instance_id=contract.process_instance_id, element_id=data.validated_data["element"],
                     data=data.validated_data["data"], acting_user=acting_user(request))
        return Response(ContractSerializer(_visible(request, pk)).data)


class ObjectionView(APIView):
    @extend_schema(summary="对公示中的合同提出异议（任何登录用户）",
                   request={"application/json": {"type": "object", "properties": {"grounds": {"type": "string"}}}},
                   responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        contract = selectors.public_contract(pk)
        if contract is None:
            raise NotVisibleError("该合同不在公示中。")
        objection = services.objection_file(contract=contract, grounds=str(_form(request).get("grounds", "")),
                                            acting_user=acting_user(request))
        return Response({"id": objection.pk, "state": objection.state}, status=status.HTTP_201_CREATED)


class PaymentView(APIView):
    @extend_schema(summary="承包人申请进度款", request=dict, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        payment = payments.payment_apply(contract=_visible(request, pk), data=dict(_form(request)),
                                         acting_user=acting_user(request))
        return Response(_payment(payment), status=status.HTTP_201_CREATED)


def _payment(payment: PaymentApplication) -> dict[str, Any]:
    return {"id": payment.pk, "period_no": payment.period_no, "state": payment.state,
            "interim_amount": str(payment.interim_amount), "net_payable": str(payment.net_payable),
            "verify_due_on": payment.verify_due_on.isoformat(), "flags": payment.flags,
            "process_instance_id": payment.process_instance_id}


class PaymentActView(APIView):
    @extend_schema(summary="发包人核实或登记支付（办理支付流程的当前环节）", request=ActInput, responses=dict)
    def post(self, request: Request, pk: int, payment_id: int) -> Response:
        contract = _visible(request, pk)
        payment = get_object_or_404(PaymentApplication, pk=payment_id, contract=contract)
        data = ActInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.act(instance_id=payment.process_instance_id, element_id=data.validated_data["element"],
                     data=data.validated_data["data"], acting_user=acting_user(request))
        return Response(_payment(PaymentApplication.objects.get(pk=payment.pk)))


class ChangeView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="报送合同变更（15日内）", request=dict, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        contract = _visible(request, pk)
        upload = request.FILES.get("agreement")
        form = _form(request)
        try:
            changed_on = dt.date.fromisoformat(str(form.get("changed_on", "")))
        except ValueError:
            raise serializers.ValidationError({"changed_on": ["请填写变更发生日期（YYYY-MM-DD）。"]}) from None
        change = changes.change_file(
            contract=contract, kind=str(form.get("kind", "")), changed_on=changed_on,
            data={k: form.get(k) for k in ("project_manager_name", "project_manager_cert_no", "party",
                                                   "new_name", "summary")},
            reason=str(form.get("reason", "")), acting_user=acting_user(request),
            agreement=upload.read() if upload else None, agreement_name=upload.name if upload else "")
        return Response({"id": change.pk, "state": change.state, "due_on": change.due_on.isoformat(),
                         "late": change.late}, status=status.HTTP_201_CREATED)


class SettlementView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="承包人提交竣工结算清单（XML / JSON / Excel）", request=dict, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        contract = _visible(request, pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["请选择结算清单文件（.xml、.json 或 .xlsx）。"]})
        result = settlement.settlement_submit(contract=contract, data=upload.read(), filename=upload.name or "",
                                              acting_user=acting_user(request))
        return Response({"id": result.pk, "state": result.state, "total": str(result.bill.total),
                         "totals": result.comparison.get("totals")}, status=status.HTTP_201_CREATED)


class PublicNoticeListView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="合同公示（无需登录）", responses=PublicContractSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PublicContractSerializer(selectors.public_notices()[:200], many=True).data)


class AnnouncementListView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="合同公告查询（无需登录；按项目、当事人、合同编号）", parameters=[OpenApiParameter("q", str)],
                   responses=PublicContractSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.announcements(text=request.query_params.get("q", "").strip()[:100])
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PublicContractSerializer(page, many=True).data)


class ComparisonView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="已公布的结算对比（无需登录）", responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        published = selectors.published_settlement(pk)
        if published is None:
            raise NotVisibleError("该合同的竣工结算尚未公布。")
        return Response({"contract_number": published.contract.number, **published.comparison})

