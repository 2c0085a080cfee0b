from django.urls import include, path

# Each area keeps its routes beside its views.
urlpatterns = [
    path("", include("monitoring.views")),  # questionnaire_*
    path("", include("monitoring.survey_views")),  # survey_*, respond_*
]
