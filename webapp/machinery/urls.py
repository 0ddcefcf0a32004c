from django.urls import include, path

from . import actions, api, views

_pages = [
    path("", views.machine_list, name="list"),
    path("file/", actions.file_machine, name="file"),
    path("in-use/", views.in_use, name="in-use"),
    path("<int:pk>/", views.machine_detail, name="detail"),
    path("<int:pk>/install/", actions.notify_installation, name="install"),
    path("<int:pk>/dismantle/", actions.notify_dismantling, name="dismantle"),
    path("<int:pk>/scrap/", actions.scrap, name="scrap"),
    path("installations/<int:pk>/register/", actions.apply_registration, name="register"),
    path("registrations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("registrations/<int:pk>/confirm/", actions.confirm_use, name="confirm"),
]

urlpatterns = [path("machinery/", include((_pages, "machinery")))]

api_urlpatterns = [
    path("machinery/machines/", api.MachineListView.as_view(), name="api-machinery-machines"),
    path("machinery/machines/<int:pk>/", api.MachineDetailView.as_view(), name="api-machinery-machine"),
]
