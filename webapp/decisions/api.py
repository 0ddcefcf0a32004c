"""``GET /api/decisions/`` and ``POST /api/decisions/{key}/evaluate/`` (regulator staff and administrators)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions import api
from decisions.engine.model import DecisionTable

from .access import can_test, can_view


def _table_out(table: DecisionTable) -> dict[str, Any]:
    return {
        "key": table.id,
        "name": table.name,
        "version": table.version,
        "hit_policy": table.hit_policy,
        "aggregation": table.aggregation or None,
        "file": table.file,
        "inputs": [
            {"label": i.title, "expression": i.text, "type": i.type_ref or "any"} for i in table.inputs
        ],
        "outputs": [{"name": o.name, "label": o.title, "type": o.type_ref or "any"} for o in table.outputs],
        "rules": len(table.rules),
        "required": table.required,
        "findings": [f.as_dict() for f in table.findings],
    }


class DecisionListView(APIView):
    @extend_schema(
        summary="决策表列表",
        responses={
            200: inline_serializer(
                "DecisionList", {"results": serializers.ListField(child=serializers.DictField())}
            )
        },
    )
    def get(self, request: Request) -> Response:
        if not can_view(request.user):
            raise PermissionDenied("只有监管部门工作人员和系统管理员可以查看决策表。")
        return Response({"results": [_table_out(t) for t in api.list_decisions()]})


class EvaluateInput(serializers.Serializer):
    inputs = serializers.DictField(help_text='输入变量，例如 {"amount": 500}')


class DecisionEvaluateView(APIView):
    @extend_schema(
        summary="试算决策表",
        request=EvaluateInput,
        responses={
            200: inline_serializer(
                "DecisionResult",
                {
                    "outputs": serializers.JSONField(),
                    "matched_rules": serializers.ListField(child=serializers.DictField()),
                    "explanation": serializers.CharField(),
                    "version": serializers.CharField(),
                },
            )
        },
        examples=[
            OpenApiExample("输入", value={"inputs": {"violations": 3, "rectified": False}}, request_only=True)
        ],
    )
    def post(self, request: Request, key: str) -> Response:
        if not can_test(request.user):
            raise PermissionDenied("您没有试算决策表的权限。")
        data = EvaluateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = api.evaluate(key, data.validated_data["inputs"])
        except api.DecisionError as exc:
            return Response({"detail": exc.message}, status=exc.status_code)
        payload = result.as_dict()
        return Response(
            {
                k: payload[k]
                for k in (
                    "decision_id",
                    "name",
                    "version",
                    "hit_policy",
                    "outputs",
                    "matched_rules",
                    "used_default",
                    "explanation",
                    "required",
                )
            }
        )
