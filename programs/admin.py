from django.contrib import admin

from .models import MentoringForm, Programme, ProgrammeRisk, RoleModel


class RoleModelInline(admin.TabularInline):
    model = RoleModel
    extra = 0
    fields = ["name", "description", "order"]
    show_change_link = True


@admin.register(MentoringForm)
class MentoringFormAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    inlines = [RoleModelInline]


@admin.register(RoleModel)
class RoleModelAdmin(admin.ModelAdmin):
    list_display = ["name", "form", "order"]
    list_filter = ["form"]
    search_fields = ["name", "description"]
    filter_horizontal = ["categories"]


class ProgrammeRiskInline(admin.TabularInline):
    model = ProgrammeRisk
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "form", "status", "starts_on", "ends_on"]
    list_filter = ["status", "form"]
    search_fields = ["title", "school__short_name"]
    list_select_related = ["school", "form"]
    autocomplete_fields = ["school", "curator", "approved_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProgrammeRiskInline]
