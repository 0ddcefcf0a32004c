from django.urls import include, path

from . import api, outbox, timers, versions, views

_pages = [
    path("operations/processes/", views.instances, name="instances"),
    path("operations/timers/", timers.timers, name="timers"),
    path("operations/outbox/", outbox.outbox, name="outbox"),
    path("operations/outbox/requeue/", outbox.requeue_messages, name="outbox-requeue"),
    path("operations/definitions/", versions.definitions, name="definitions"),
    path("operations/definitions/<slug:key>/", versions.definition, name="definition"),
    path("operations/definitions/<slug:key>/migrate/", versions.migrate, name="migrate"),
    path("cases/<int:pk>/control/<slug:code>/", views.control, name="control"),
]

urlpatterns = [path("", include((_pages, "operations")))]

api_urlpatterns = [
    path("operations/instances/", api.OperatedInstanceListView.as_view(), name="api-operations-instances"),
    path("instances/<int:pk>/control/", api.ControlView.as_view(), name="api-instance-control"),
]
