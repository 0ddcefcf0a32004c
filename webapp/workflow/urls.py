from django.urls import include, path

from . import api, pages_cases, pages_disclose, pages_files, pages_inbox, pages_substitutes

_pages = [
    path("tasks/", pages_inbox.inbox, name="inbox"),
    path("tasks/<int:pk>/", pages_inbox.task_page, name="task"),
    path("tasks/<int:pk>/claim/", pages_inbox.claim, name="claim"),
    path("tasks/<int:pk>/unclaim/", pages_inbox.unclaim, name="unclaim"),
    path("tasks/<int:pk>/delegate/", pages_inbox.delegate, name="delegate"),
    path("tasks/substitutes/", pages_substitutes.substitutes, name="substitutes"),
    path("cases/<int:pk>/", pages_cases.case_page, name="case"),
    path("cases/<int:pk>/disclose/<slug:name>/", pages_disclose.case_disclose, name="case-disclose"),
    path("attachments/<int:pk>/", pages_files.attachment, name="attachment"),
    path("my/applications/", pages_cases.applications, name="applications"),
    path("processes/", pages_cases.start_list, name="start-list"),
    path("processes/<slug:key>/start/", pages_cases.start_page, name="start"),
]

urlpatterns = [path("", include((_pages, "workflow")))]

api_urlpatterns = [
    path("processes/", api.ProcessListView.as_view(), name="api-processes"),
    path("processes/<slug:key>/instances/", api.StartInstanceView.as_view(), name="api-process-start"),
    path("instances/<int:pk>/", api.InstanceDetailView.as_view(), name="api-instance"),
    path("instances/<int:pk>/diagram/", api.InstanceDiagramView.as_view(), name="api-instance-diagram"),
    path("tasks/", api.TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/", api.TaskDetailView.as_view(), name="api-task"),
    path("tasks/<int:pk>/claim/", api.ClaimView.as_view(), name="api-task-claim"),
    path("tasks/<int:pk>/unclaim/", api.UnclaimView.as_view(), name="api-task-unclaim"),
    path("tasks/<int:pk>/delegate/", api.DelegateView.as_view(), name="api-task-delegate"),
    path("tasks/<int:pk>/draft/", api.DraftView.as_view(), name="api-task-draft"),
    path("tasks/<int:pk>/complete/", api.CompleteView.as_view(), name="api-task-complete"),
    path("attachments/", api.AttachmentUploadView.as_view(), name="api-attachments"),
]
