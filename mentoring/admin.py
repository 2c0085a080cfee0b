"""The site administrator's tools; schools work in the product's own pages, not here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import (
    AccessRecord,
    Consent,
    Membership,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Nomination,
    Organisation,
    Person,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Личные данные", {"fields": ("last_name", "first_name", "patronymic", "email")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    list_display = ["username", "last_name", "first_name", "patronymic", "is_active", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "patronymic", "email"]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "department", "locality", "director_name"]
    list_filter = ["kind", "department"]
    search_fields = ["short_name", "full_name", "inn"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__short_name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(MenteeCategory)
class MenteeCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ["given_by", "representative_name", "date", "revoked_at", "revocation_note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "grade", "class_letter", "school", "archived_at"]
    list_filter = ["kind", "school"]
    search_fields = ["last_name", "first_name", "patronymic"]
    list_select_related = ["school"]
    autocomplete_fields = ["school", "user"]
    inlines = [ConsentInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["person", "given_by", "date", "revoked_at", "school"]
    list_filter = ["given_by", "school"]
    search_fields = ["person__last_name", "person__first_name", "representative_name"]
    list_select_related = ["person", "school"]
    autocomplete_fields = ["person", "school"]


@admin.register(MentorEntry)
class MentorEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "status", "capacity", "school", "archived_at"]
    list_filter = ["status", "school"]
    search_fields = ["person__last_name", "person__first_name"]
    list_select_related = ["person", "school"]
    autocomplete_fields = ["person", "school"]


@admin.register(MenteeEntry)
class MenteeEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "status", "school", "archived_at"]
    list_filter = ["status", "school", "categories"]
    search_fields = ["person__last_name", "person__first_name"]
    list_select_related = ["person", "school"]
    autocomplete_fields = ["person", "school"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["person", "reason", "status", "nominated_by", "created_at", "school"]
    list_filter = ["status", "reason", "school"]
    search_fields = ["person__last_name", "person__first_name"]
    list_select_related = ["person", "nominated_by", "school"]
    autocomplete_fields = ["person", "school"]
    raw_id_fields = ["nominated_by", "decided_by"]


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read only: an entry of the access log is never added, changed or deleted by hand."""

    list_display = ["at", "school", "user", "action", "person", "what", "rows"]
    list_filter = ["action", "school"]
    date_hierarchy = "at"
    list_select_related = ["school", "user", "person"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
