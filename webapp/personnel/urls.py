from django.urls import include, path

from . import views_disclose, views_help, views_office, views_person, views_public

_pages = [
    path("", views_person.home, name="home"),
    path("apply/", views_person.apply, name="apply"),
    path("profile/", views_person.profile, name="profile"),
    path("change-employer/", views_person.change_employer, name="change-employer"),
    path("certificates/<int:pk>/", views_person.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/download/", views_person.download, name="download"),
    path("certificates/<int:pk>/<slug:action>/", views_person.certificate_action, name="certificate-action"),
    path("query/", views_office.query, name="query"),
    path("query/export.xlsx", views_office.export, name="export"),
    path("archive/", views_office.my_archive, name="my-archive"),
    path("archive/<int:pk>/", views_office.archive, name="archive"),
    path("archive/<int:pk>/correct/", views_office.correct_identity, name="correct"),
    path("archive/<int:pk>/disclose/<slug:field>/", views_disclose.disclose, name="disclose"),
    path("renames/", views_office.renames, name="renames"),
    path("renames/<int:pk>/", views_office.rename_detail, name="rename"),
    path("renames/<int:pk>/progress/", views_office.rename_progress, name="rename-progress"),
    path("renames/<int:pk>/resume/", views_office.rename_resume, name="rename-resume"),
    path("notices/", views_public.notices, name="notices"),
    path("help/", views_help.help_page, name="help"),
    path("help/ask/", views_help.ask, name="ask"),
    path("help/queue/", views_help.queue, name="help-queue"),
]

urlpatterns = [path("personnel/", include((_pages, "personnel")))]
