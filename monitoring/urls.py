from django.urls import include, path

# Each area keeps its routes beside its views.
urlpatterns = [
    path("", include("monitoring.views")),  # questionnaire_*
    path("", include("monitoring.survey_views")),  # survey_*, survey_links
    path("", include("monitoring.respond_views")),  # respond, respond_link
    path("", include("monitoring.paper_views")),  # invitation_paper
    path("", include("monitoring.answer_views")),  # response_detail, my_answers
    path("", include("monitoring.stage_views")),  # stage1_*, stage2_*
    path("", include("monitoring.portfolio_views")),  # mentor_portfolio, my_portfolio
]
