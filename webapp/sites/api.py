"""Site-supervision API: permit intake and summary pull for the approval system (signed, no user login), and
draws/sites for logged-in users."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domain.errors import PermissionDeniedError
from domain.organisations.models import District
from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of
from domain.sites import selectors, services
from domain.sites.models import DrawRound, Site
from domain.sites.summary import supervision_summary
from integrations.approval_system import SignatureError, verify
from webapp.acting import acting_user


def _check_signature(request: Request, body: bytes) -> Response | None:
    try:
        verify(
            settings.PERMIT_API_SECRET,
            timestamp=request.headers.get("X-Timestamp", ""),
            signature=request.headers.get("X-Signature", ""),
            method=request.method or "GET",
            path=request.path,
            body=body,
        )
    except SignatureError as exc:
        return Response({"detail": f"身份认证失败：{exc}"}, status=status.HTTP_401_UNAUTHORIZED)
    return None


class PermitIntakeView(APIView):
    """``POST /api/integrations/permits/`` — the approval system pushes a construction permit (JSON or XML)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="接收施工许可证（审批系统推送，HMAC-SM3 签名）",
        request={"application/json": {"type": "object"}, "application/xml": {"type": "string"}},
        responses={201: dict, 200: dict, 400: dict, 401: dict, 409: dict},
    )
    def post(self, request: Request) -> Response:
        body = request.body
        denied = _check_signature(request, body)
        if denied:
            return denied
        permit, created = services.receive_permit(body=body, content_type=request.content_type or "")
        site = Site.objects.filter(permit=permit).first()
        return Response(
            {
                "permit_number": permit.permit_number,
                "created": created,
                "is_general_decoration": bool(site and site.is_general_decoration),
                "site_id": site.pk if site else None,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SupervisionSummaryView(APIView):
    """``GET /api/integrations/sites/{permit_number}/supervision-summary/`` — pulled by the approval system when
    the employer applies for completion filing (竣工备案, M21)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="获取工地监督小结（竣工备案，HMAC-SM3 签名）", responses={200: dict, 401: dict, 404: dict})
    def get(self, request: Request, permit_number: str) -> Response:
        denied = _check_signature(request, b"")
        if denied:
            return denied
        site = get_object_or_404(Site.objects.select_related("permit", "district"), permit__permit_number=permit_number)
        data, pdf = supervision_summary(site)
        data["summary_pdf_base64"] = base64.b64encode(pdf).decode()
        return Response(data)


class SiteSerializer(serializers.ModelSerializer):
    permit_number = serializers.CharField(source="permit.permit_number")
    district_name = serializers.CharField(source="district.name")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Site
        fields = ["id", "name", "permit_number", "district", "district_name", "is_general_decoration",
                  "classification_reason", "drawn", "state", "state_display"]


class SiteListView(APIView):
    @extend_schema(
        summary="项目查询（含一般类装饰装修标识）",
        parameters=[OpenApiParameter("q", str), OpenApiParameter("district", str),
                    OpenApiParameter("general_decoration", bool), OpenApiParameter("drawn", bool)],
        responses=SiteSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        def flag(name: str) -> bool | None:
            value = request.query_params.get(name)
            return None if value in (None, "") else value in ("1", "true", "True")

        qs = selectors.search_sites(
            acting_user(request),
            text=request.query_params.get("q", "").strip(),
            district=request.query_params.get("district", ""),
            general_decoration=flag("general_decoration"),
            drawn=flag("drawn"),
        )
        from webapp.api.pagination import StandardPagination

        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SiteSerializer(page, many=True).data)


class DrawInput(serializers.Serializer):
    district_code = serializers.CharField(max_length=6)
    round_key = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])(-[A-Za-z0-9]{1,8})?$", max_length=20,
                                       error_messages={"invalid": "轮次格式应为 YYYY-MM（可加后缀，如 2026-11-b）"})
    proportion = serializers.CharField(max_length=8, required=False)


def start_draw(
    user, *, district_code: str, round_key: str, proportion: str | None = None
) -> tuple[DrawRound, bool]:
    """An officer starts the draw of a district: district officers only for their own district."""
    if not (user.has_role(Role.CASE_OFFICER) or user.is_sysadmin):
        raise PermissionDeniedError("只有经办人可以发起随机抽查。")
    scope = scope_of(user)
    if scope.kind == "district" and scope.district_code != district_code:
        raise PermissionDeniedError("只能为本区发起随机抽查。")
    district = District.objects.filter(pk=district_code).first()
    if district is None:
        raise serializers.ValidationError({"district_code": ["未知的行政区划代码"]})
    try:
        ratio = Decimal(proportion) if proportion else services.DEFAULT_PROPORTION
    except InvalidOperation:
        raise serializers.ValidationError({"proportion": ["抽取比例应为 0 到 1 之间的小数"]}) from None
    record, created = services.commit_draw(district=district, round_key=round_key, proportion=ratio, acting_user=user)
    record = services.reveal_draw(record=record, acting_user=user)
    return record, created


class DrawListView(APIView):
    @extend_schema(summary="发起某区的随机抽查（同一轮次重复发起不产生新结果）", request=DrawInput, responses={201: dict, 200: dict})
    def post(self, request: Request) -> Response:
        data = DrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        record, created = start_draw(acting_user(request), **data.validated_data)
        body = services.public_record(record)
        body["id"] = record.pk
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DrawRecordView(APIView):
    """The published record of a round, for anyone to re-run the verification (no login)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="随机抽查公开记录（用于独立验证）", responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        record = get_object_or_404(DrawRound, pk=pk)
        return Response(services.public_record(record))
