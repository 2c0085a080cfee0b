from django.urls import include, path

# Each area keeps its routes beside its views.
urlpatterns = [
    path("", include("pairs.views")),  # pair_list, pair_detail, pair_status, plan items
    path("", include("pairs.matching_views")),  # matching_start, proposal_*, preference_*
    path("", include("pairs.meeting_views")),  # meeting_*, calendar_*
    path("", include("pairs.agreement_views")),  # pair_paper_make
    path("", include("pairs.class_views")),  # my_class: the class teacher's pupils and their pairs
    path("", include("pairs.hours_views")),  # hours_*, my_hours
]
