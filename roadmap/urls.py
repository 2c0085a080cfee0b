from django.urls import include, path

# Each area keeps its routes beside its views.
urlpatterns = [
    path("", include("roadmap.views")),  # roadmap_*, activity_*
    path("", include("roadmap.indicator_views")),  # indicator_*
    path("", include("roadmap.department_views")),  # department_*
    path("", include("roadmap.recommendation_views")),  # recommendation_detail
]
