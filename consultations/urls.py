from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.ConsultationListView.as_view(), name="consultation-list"),
    path("<slug:slug>/", views.ConsultationDetailView.as_view(), name="consultation-detail"),
    path("<slug:slug>/repondre/", views.AnswerView.as_view(), name="consultation-answer"),
    path("<slug:slug>/merci/", views.thanks, name="consultation-thanks"),
    path("<slug:slug>/resultats/", views.ResultsView.as_view(), name="consultation-results"),
    path("<slug:slug>/restitution/", views.restitution, name="consultation-restitution"),
    path("<slug:slug>/verbatims/", views.VerbatimsView.as_view(), name="consultation-verbatims"),
    path("<slug:slug>/codes/", views.AccessCodesView.as_view(), name="consultation-codes"),
    path(
        "<slug:slug>/export/<str:kind>.<str:fmt>",
        views.ExportView.as_view(),
        name="consultation-export",
    ),
]
