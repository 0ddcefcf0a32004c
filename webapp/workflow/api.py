"""REST API for processes, cases and tasks (token or session auth; errors ``{"detail", "errors"}`` with 4xx).

One view per operation; each reads through a selector scoped to the acting user and writes through a service.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domain.errors import NotVisibleError, ProcedureError
from domain.organisations.models import User
from domain.organisations.scoping import scope_of
from processes import engine
from processes.models import ProcessInstance
from tasks import services as task_services
from tasks.attachments import store_attachment
from tasks.models import ACTIVE_STATUSES, WorkItem
from tasks.selectors import Filters, get_visible_item, inbox_list, may_see_item_data
from webapp.acting import acting_user
from webapp.api.pagination import StandardPagination

from . import serializers as s
from .actions import complete_item, start_procedure
from .cases import get_visible_instance
from .procedures import describe, procedure, procedures_for


def open_tasks(instance_id: int) -> list[dict[str, Any]]:
    rows = WorkItem.objects.filter(instance_id=instance_id, status__in=ACTIVE_STATUSES).order_by("id")
    return [{"id": pk, "name": name} for pk, name in rows.values_list("pk", "name")]


PUBLIC_VARIABLES = frozenset({"outcome", "district_code", "initiator_org_id"})


def visible_variables(user: Any, instance: ProcessInstance) -> dict[str, Any]:
    """All variables for the case's regulators; for the applicant only what it filed, its own steps' fields and
    the outcome — never internal opinions (审核意见 etc.)."""
    variables = instance.variables
    if scope_of(user).kind in ("all", "district"):
        return variables
    keys = set(PUBLIC_VARIABLES)
    start_form = describe(instance.definition).start_form or {}
    keys |= set((start_form.get("properties") or {}).keys())
    for item in WorkItem.objects.filter(instance_id=instance.pk).only(
        "form", "lane", "assignee", "completed_by"
    ):
        if may_see_item_data(user, item):
            keys |= set(((item.form or {}).get("properties") or {}).keys())
    return {k: v for k, v in variables.items() if k in keys}


def _instance_out(instance: ProcessInstance, user: Any) -> dict[str, Any]:
    history = [
        {
            "element_id": h.element_id,
            "element_name": h.element_name,
            "element_type": h.element_type,
            "actor": h.actor.username if h.actor else None,
            "on_behalf_of": h.on_behalf_of.username if h.on_behalf_of else None,
            "completed_at": h.completed_at,
            "outcome": h.outcome,
        }
        for h in engine.instance_history(instance)
    ]
    return {
        "id": instance.pk,
        "process_key": instance.process_key,
        "process_name": instance.definition.name or instance.process_key,
        "version": instance.definition.version,
        "status": instance.status,
        "business_key": instance.business_key,
        "district_code": instance.district_code,
        "subject": str(instance.subject) if instance.subject_id else None,
        "started_at": instance.started_at,
        "variables": visible_variables(user, instance),
        "open_tasks": open_tasks(instance.pk),
        "history": history,
    }


class ProcessListView(APIView):
    @extend_schema(responses=s.ProcessOut(many=True), summary="可发起的流程")
    def get(self, request: Request) -> Response:
        rows = [
            {
                "key": p.key,
                "name": p.name,
                "version": p.version,
                "start_form": p.start_form,
                "may_start": allowed,
            }
            for p, allowed in procedures_for(acting_user(request))
        ]
        return Response(s.ProcessOut(rows, many=True).data)


class StartInstanceView(APIView):
    @extend_schema(request=s.StartIn, responses={201: s.StartOut}, summary="发起流程（按启动表单校验）")
    def post(self, request: Request, key: str) -> Response:
        proc = procedure(key)
        if proc is None:
            raise NotVisibleError("未找到该流程。")
        body = s.StartIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = start_procedure(
            proc, user=acting_user(request), variables=body.validated_data["variables"]
        )
        out = {**s.instance_summary(instance), "open_tasks": open_tasks(instance.pk)}
        return Response(s.StartOut(out).data, status=status.HTTP_201_CREATED)


class InstanceDetailView(APIView):
    @extend_schema(responses=s.InstanceOut, summary="案件详情（变量、待办、办理记录）")
    def get(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        instance = get_visible_instance(user, pk)
        return Response(s.InstanceOut(_instance_out(instance, user)).data)


class InstanceDiagramView(APIView):
    @extend_schema(responses=s.DiagramOut, summary="流程图与当前进度（已完成、进行中的环节）")
    def get(self, request: Request, pk: int) -> Response:
        instance = get_visible_instance(acting_user(request), pk)
        state = engine.diagram_state(instance)
        return Response(s.DiagramOut(state).data)


class TaskListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "scope", str, enum=["mine", "available", "all"], description="我的 / 可认领 / 全部可见"
            ),
            OpenApiParameter("process", str, description="流程标识"),
            OpenApiParameter("overdue", bool, description="仅超期（true）或仅未超期（false）"),
            OpenApiParameter("q", str, description="按名称、摘要、业务编号搜索"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=s.TaskOut(many=True),
        summary="待办列表",
    )
    def get(self, request: Request) -> Response:
        query = s.TaskListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        f = Filters(process=v["process"], overdue=v["overdue"], search=v["q"])
        qs = inbox_list(acting_user(request), v["scope"], filters=f)
        paginator = StandardPagination()
        page: list[WorkItem] | None = paginator.paginate_queryset(cast(Any, qs), request, view=self)
        return paginator.get_paginated_response(s.TaskOut(page, many=True).data)


class TaskDetailView(APIView):
    @extend_schema(responses=s.TaskDetailOut, summary="待办详情（含表单 JSON Schema 与当前数据）")
    def get(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        item = get_visible_item(user, pk)
        return Response(s.TaskDetailOut(item, context={"may_see_data": may_see_item_data(user, item)}).data)


class ClaimView(APIView):
    @extend_schema(request=None, responses=s.TaskOut, summary="认领（已被他人认领时 409）")
    def post(self, request: Request, pk: int) -> Response:
        item = get_visible_item(acting_user(request), pk)
        return Response(s.TaskOut(task_services.claim(item, user=acting_user(request))).data)


class UnclaimView(APIView):
    @extend_schema(request=None, responses=s.TaskOut, summary="退回待认领")
    def post(self, request: Request, pk: int) -> Response:
        item = get_visible_item(acting_user(request), pk)
        return Response(s.TaskOut(task_services.unclaim(item, user=acting_user(request))).data)


class DelegateView(APIView):
    @extend_schema(request=s.DelegateIn, responses=s.TaskOut, summary="转办给本环节的其他候选人")
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        item = get_visible_item(user, pk)
        body = s.DelegateIn(data=request.data)
        body.is_valid(raise_exception=True)
        target = User.objects.filter(username=body.validated_data["to"], is_active=True).first()
        if target is None:
            raise ProcedureError("转办对象不存在。", errors={"to": ["用户不存在或已停用"]})
        return Response(s.TaskOut(task_services.delegate(item, user=user, to=target)).data)


class DraftView(APIView):
    @extend_schema(request=s.CompleteIn, responses=s.TaskDetailOut, summary="暂存表单草稿（不校验）")
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        item = get_visible_item(user, pk)
        body = s.CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        draft = body.validated_data["data"]
        if not isinstance(draft, dict):
            raise ProcedureError("草稿应为一个对象。", errors={"data": ["应为一个对象（JSON object）"]})
        return Response(s.TaskDetailOut(task_services.save_draft(item, user=user, data=draft)).data)


class CompleteView(APIView):
    @extend_schema(request=s.CompleteIn, responses=s.StartOut, summary="办结（按任务表单校验后推进流程）")
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        item = get_visible_item(user, pk)
        body = s.CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        instance = complete_item(item, user=user, data=body.validated_data["data"])
        out = {**s.instance_summary(instance), "open_tasks": open_tasks(instance.pk)}
        return Response(s.StartOut(out).data)


class AttachmentUploadView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: s.AttachmentOut},
        summary="上传附件（返回 id，填入表单的附件字段）",
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ProcedureError("请选择要上传的文件。", errors={"file": ["请选择要上传的文件"]})
        attachment = store_attachment(upload, user=acting_user(request), field="file")
        return Response(s.AttachmentOut(attachment).data, status=status.HTTP_201_CREATED)
