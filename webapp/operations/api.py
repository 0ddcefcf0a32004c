"""REST API of process operations (流程运维) for system administrators' tooling: the cases in a given engine state
(incidents to retry, suspended cases), and the controls — retry, suspend, resume, terminate — each with a reason, as
on the case page (:mod:`webapp.operations.controls`). Errors are the API's ``{"detail", "errors"}`` with 4xx: 403 for
anyone but an administrator, 404 for a case they cannot see, 400 without a reason, 409 when the case's state does not
allow the control (any more)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from processes.models import InstanceStatus, ProcessInstance
from webapp.acting import acting_user
from webapp.api.pagination import StandardPagination
from webapp.workflow.cases import get_visible_instance, visible_instances

from .controls import CONTROLS, REASON_MAX, operate, require_operator
from .views import narrowed


class OperatedInstanceOut(serializers.Serializer):
    id = serializers.IntegerField()
    process_key = serializers.CharField()
    version = serializers.IntegerField(source="definition.version")
    status = serializers.CharField()
    business_key = serializers.CharField()
    district_code = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    error_element_id = serializers.CharField(help_text="异常环节（仅异常状态）")
    error_message = serializers.CharField(help_text="异常信息（仅异常状态）")
    held_messages = serializers.IntegerField(help_text="挂起或异常期间暂存、待投递的消息数")


class ControlIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(c.code, c.label) for c in CONTROLS.values()],
                                     help_text="retry 重试 · suspend 挂起 · resume 恢复 · terminate 终止")
    reason = serializers.CharField(max_length=REASON_MAX, help_text="操作原因（必填，记入审计日志）")


def _administrator(request: Request) -> Any:
    return require_operator(acting_user(request), "使用流程运维接口")


def _with_held(rows: QuerySet[ProcessInstance]) -> QuerySet[ProcessInstance]:
    """The cases with their definition and the number of messages held for them (``held_messages`` in the output)."""
    return rows.select_related("definition").annotate(held_messages_count=Count("held_messages"))


def _out(instance: Any) -> dict[str, Any]:
    fields = ("id", "process_key", "definition", "status", "business_key", "district_code", "started_at",
              "updated_at", "error_element_id", "error_message")
    return {**{f: getattr(instance, f) for f in fields}, "held_messages": instance.held_messages_count}


class OperatedInstanceListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="引擎状态：" + "、".join(
                f"{value} {label}" for value, label in InstanceStatus.choices)),
            OpenApiParameter("process", str, description="流程标识"),
            OpenApiParameter("q", str, description="申请编号或案件号"),
        ],
        responses=OperatedInstanceOut(many=True),
        summary="流程运维：按引擎状态列出案件（系统管理员）",
    )
    def get(self, request: Request) -> Response:
        user = _administrator(request)
        status = request.query_params.get("status", "")
        rows = narrowed(
            _with_held(visible_instances(user)),
            status=status if status in dict(InstanceStatus.choices) else "",
            process=request.query_params.get("process", "").strip()[:100],
            search=request.query_params.get("q", "").strip()[:100],
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows.order_by("-updated_at", "-id"), request, view=self) or []
        return paginator.get_paginated_response(OperatedInstanceOut([_out(i) for i in page], many=True).data)


class ControlView(APIView):
    @extend_schema(request=ControlIn, responses=OperatedInstanceOut, summary="流程管控：重试、挂起、恢复、终止（须填写原因）")
    def post(self, request: Request, pk: int) -> Response:
        user = _administrator(request)
        instance = get_visible_instance(user, pk)
        body = ControlIn(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            done = operate(user, instance, body.validated_data["action"], body.validated_data["reason"])
        return Response(OperatedInstanceOut(_out(_with_held(visible_instances(user)).get(pk=done.pk))).data)
