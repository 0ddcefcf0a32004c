from django.urls import include, path

from . import timers, versions, views

_pages = [
    path("operations/processes/", views.instances, name="instances"),
    path("operations/timers/", timers.timers, name="timers"),
    path("operations/definitions/", versions.definitions, name="definitions"),
    path("operations/definitions/<slug:key>/", versions.definition, name="definition"),
    path("operations/definitions/<slug:key>/migrate/", versions.migrate, name="migrate"),
    path("cases/<int:pk>/control/<slug:code>/", views.control, name="control"),
]

urlpatterns = [path("", include((_pages, "operations")))]
