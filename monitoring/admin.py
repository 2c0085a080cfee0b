"""The site administrator's view of questionnaires and surveys. Respondents are chosen and answer through the
product's pages (personal links, one response each), so a survey's invitations are read here, not written."""

from django.contrib import admin

from .models import Invitation, Question, Questionnaire, Survey


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        "order",
        "text",
        "help_text",
        "kind",
        "required",
        "choices",
        ("scale_min", "scale_max"),
        ("scale_min_label", "scale_max_label"),
        ("measures", "topic"),
    ]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "purpose", "audience", "school", "code", "mentor_sees_answers", "updated_at"]
    list_filter = ["purpose", "audience", "mentor_sees_answers"]
    search_fields = ["title", "code", "school__short_name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["based_on"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [QuestionInline]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = False
    # The token is the respondent's personal link: it is not shown even here.
    fields = ["person", "respondent", "role", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "programme", "phase", "opens_on", "closes_on", "school"]
    list_filter = ["phase", "school"]
    search_fields = ["title", "questionnaire__title"]
    date_hierarchy = "opens_on"
    list_select_related = ["questionnaire", "programme", "school"]
    raw_id_fields = ["questionnaire", "programme"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [InvitationInline]
