"""The site administrator's view of pairs, meetings and matching. Pairs are formed and moved along their
lifecycle only by the product's pages and services (they keep the mentees' statuses, the mentors' places and
the history), so here their status, members and history are read, not written."""

from django.contrib import admin

from .models import Meeting, Pair, PairMentee, PairStatusChange, PlanItem, Preference, Proposal, ProposedPair


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PairMenteeInline(ReadOnlyInline):
    model = PairMentee
    fields = ["mentee", "is_current"]


class PairStatusChangeInline(ReadOnlyInline):
    model = PairStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]


class PlanItemInline(admin.StackedInline):
    model = PlanItem
    extra = 0
    fields = [
        "number",
        "activity",
        "work_form",
        "area",
        "direction",
        "risks",
        "prevention",
        "expected_result",
        "criteria",
        "term",
        "due_on",
        "done_on",
        "done_note",
        "done_by",
    ]
    readonly_fields = ["done_by"]


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "status", "started_on", "ends_on", "school"]
    list_filter = ["status", "school"]
    search_fields = [
        "mentor__person__last_name",
        "mentor__person__first_name",
        "members__mentee__person__last_name",
        "members__mentee__person__first_name",
    ]
    list_select_related = ["mentor__person", "programme", "school"]
    fields = [
        "school",
        "programme",
        "mentor",
        "role_model",
        "status",
        "goal",
        "started_on",
        "ends_on",
        "ended_on",
        "termination_reason",
        "explanation",
        "created_by",
        "created_at",
    ]
    readonly_fields = [
        "school",
        "programme",
        "mentor",
        "status",
        "started_on",
        "ended_on",
        "termination_reason",
        "explanation",
        "created_by",
        "created_at",
    ]
    inlines = [PairMenteeInline, PlanItemInline, PairStatusChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__mentee__person")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "topic", "kind", "format", "status", "pair", "school"]
    list_filter = ["status", "kind", "format", "school"]
    search_fields = ["topic", "pair__mentor__person__last_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["pair__mentor__person", "school"]
    raw_id_fields = ["pair"]
    filter_horizontal = ["present"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pair__members__mentee__person")


class ProposedPairInline(ReadOnlyInline):
    model = ProposedPair
    fields = ["mentor", "mentee", "role_model", "score", "contributions", "by_hand"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "status", "created_by", "accepted_at", "school"]
    list_filter = ["status", "school"]
    list_select_related = ["programme", "created_by", "school"]
    fields = ["school", "programme", "status", "weights", "created_by", "created_at", "accepted_at"]
    readonly_fields = fields
    inlines = [ProposedPairInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["programme", "side", "mentor", "mentee", "rank", "school"]
    list_filter = ["side", "school"]
    search_fields = ["mentor__person__last_name", "mentee__person__last_name"]
    list_select_related = ["programme", "mentor__person", "mentee__person", "school"]
    raw_id_fields = ["programme", "mentor", "mentee"]
