from django.urls import include, path

from . import api, files, views

_pages = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_new, name="new"),
    path("officer/", views.officer_desk, name="officer"),
    path("notices/", views.notice_list, name="notices"),
    path("announcements/", views.announcement_list, name="announcements"),
    path("public/<int:pk>/", views.public_detail, name="public"),
    path("public/<int:pk>/settlement/", views.settlement_comparison, name="comparison"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/start/", views.contract_start, name="start"),
    path("<int:pk>/act/<str:element>/", views.contract_act, name="act"),
    path("<int:pk>/object/", views.contract_object, name="object"),
    path("<int:pk>/payments/", views.payment_apply, name="pay"),
    path("<int:pk>/payments/<int:payment_id>/act/<str:element>/", views.payment_act, name="payment-act"),
    path("<int:pk>/changes/", views.change_file, name="change"),
    path("<int:pk>/changes/<int:change_id>/act/<str:element>/", views.change_act, name="change-act"),
    path("<int:pk>/changes/<int:change_id>/agreement/", files.change_agreement, name="change-agreement"),
    path("<int:pk>/settlement/", views.settlement_upload, name="settle"),
    path("<int:pk>/settlement/<str:step>/", views.settlement_step, name="settle-step"),
]

urlpatterns = [path("contracts/", include((_pages, "contracts")))]

api_urlpatterns = [
    path("contracts/", api.ContractListView.as_view(), name="api-contracts"),
    path("contracts/notices/", api.PublicNoticeListView.as_view(), name="api-contract-notices"),
    path("contracts/announcements/", api.AnnouncementListView.as_view(), name="api-contract-announcements"),
    path("contracts/<int:pk>/", api.ContractDetailView.as_view(), name="api-contract"),
    path("contracts/<int:pk>/start/", api.StartSigningView.as_view(), name="api-contract-start"),
    path("contracts/<int:pk>/act/", api.ActView.as_view(), name="api-contract-act"),
    path("contracts/<int:pk>/objections/", api.ObjectionView.as_view(), name="api-contract-objections"),
    path("contracts/<int:pk>/payments/", api.PaymentView.as_view(), name="api-contract-payments"),
    path("contracts/<int:pk>/payments/<int:payment_id>/act/", api.PaymentActView.as_view(),
         name="api-contract-payment-act"),
    path("contracts/<int:pk>/changes/", api.ChangeView.as_view(), name="api-contract-changes"),
    path("contracts/<int:pk>/settlement/", api.SettlementView.as_view(), name="api-contract-settlement"),
    path("contracts/<int:pk>/settlement/comparison/", api.ComparisonView.as_view(),
         name="api-contract-comparison"),
]
