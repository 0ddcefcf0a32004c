"""Output and input shapes of the process/task API (documented in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from processes.models import ProcessInstance
from tasks.models import ACTIVE_STATUSES, WorkItem


class ProcessOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    start_form = serializers.JSONField(allow_null=True, help_text="启动所需数据的 JSON Schema（无则为 null）")
    may_start = serializers.BooleanField(help_text="当前用户能否发起")


class StartIn(serializers.Serializer):
    variables = serializers.JSONField(required=False, default=dict)


class OpenTaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StartOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    business_key = serializers.CharField()
    open_tasks = OpenTaskOut(many=True)


class HistoryOut(serializers.Serializer):
    element_id = serializers.CharField()
    element_name = serializers.CharField()
    element_type = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    on_behalf_of = serializers.CharField(allow_null=True)
    completed_at = serializers.DateTimeField()
    outcome = serializers.CharField()


class InstanceOut(serializers.Serializer):
    id = serializers.IntegerField()
    process_key = serializers.CharField()
    process_name = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    business_key = serializers.CharField()
    district_code = serializers.CharField(allow_null=True)
    subject = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField()
    variables = serializers.JSONField()
    open_tasks = OpenTaskOut(many=True)
    history = HistoryOut(many=True)


class DiagramOut(serializers.Serializer):
    bpmn_xml = serializers.CharField()
    active = serializers.ListField(child=serializers.CharField())
    completed = serializers.ListField(child=serializers.CharField())


class TaskOut(serializers.ModelSerializer):
    assignee: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "name",
            "element_id",
            "process_key",
            "process_name",
            "instance_id",
            "business_key",
            "district_code",
            "summary",
            "status",
            "priority",
            "assignee",
            "created_at",
            "due_at",
            "overdue",
        ]

    def get_overdue(self, item: WorkItem) -> bool:
        return bool(item.status in ACTIVE_STATUSES and item.due_at and item.due_at < timezone.now())


class TaskDetailOut(TaskOut):
    form = serializers.JSONField(allow_null=True)
    ui_schema = serializers.JSONField(allow_null=True)
    data = serializers.SerializerMethodField()  # type: ignore[assignment]
    documentation = serializers.CharField()
    completed_by: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)
    completed_for: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(TaskOut.Meta):
        fields = [
            *TaskOut.Meta.fields,
            "form",
            "ui_schema",
            "data",
            "documentation",
            "completed_by",
            "completed_for",
        ]

    def get_data(self, item: WorkItem) -> dict[str, Any] | None:
        if not self.context.get("may_see_data", True):
            return None
        return item.data if item.status not in ACTIVE_STATUSES else item.draft


class TaskListQuery(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["mine", "available", "all"], default="mine", required=False)
    process = serializers.CharField(required=False, default="", allow_blank=True)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)


class DelegateIn(serializers.Serializer):
    to = serializers.CharField(max_length=150, help_text="转办对象的用户名")


class CompleteIn(serializers.Serializer):
    data = serializers.JSONField()  # type: ignore[assignment]


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    sm3 = serializers.CharField()


def instance_summary(instance: ProcessInstance) -> dict[str, Any]:
    return {"id": instance.pk, "status": instance.status, "business_key": instance.business_key}
