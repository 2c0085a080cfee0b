"""The department's target indicators: the page against plan, the fill from the seed, plans and values."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from mentoring.academic_year import AcademicYear
from mentoring.access import allow, coordinated_department, in_organisation
from mentoring.models import Role

from . import indicators
from .indicator_forms import IndicatorActualForm, IndicatorBaseForm, IndicatorPlanForm
from .models import Indicator

SECTION = "indicators"


def chosen_end_year(request: HttpRequest) -> int:
    end_year = request.GET.get("year", "")
    return (
        int(end_year)
        if end_year.isdigit() and 2000 <= int(end_year) <= 2100
        else AcademicYear.current().end_year
    )


@allow(Role.COORDINATOR)
def indicator_list(request: HttpRequest) -> HttpResponse:
    department = coordinated_department(request)
    board = indicators.indicator_board(department, chosen_end_year(request))
    context = {"section": SECTION, "board": board, "current_end_year": AcademicYear.current().end_year}
    return render(request, "roadmap/indicators/indicator_list.html", context)


@allow(Role.COORDINATOR)
@require_POST
def indicators_fill(request: HttpRequest) -> HttpResponse:
    department = coordinated_department(request)
    try:
        made = indicators.indicators_fill_from_seed(department=department)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Заполнено показателей по целевой модели: {len(made)}.")
    return redirect("indicator_list")


def department_indicator(request: HttpRequest, pk: int) -> Indicator:
    """Another department's indicator is not found."""
    indicator = in_organisation(request, Indicator.objects.select_related("department"), "department", pk=pk)
    coordinated_department(request)
    return indicator


def detail_page(
    request: HttpRequest, indicator: Indicator, plan_form=None, actual_form=None, base_form=None
) -> HttpResponse:
    end_year = AcademicYear.current().end_year
    base = {"year": indicator.base_year, "value": indicator.base_value}
    context = {
        "section": SECTION,
        "indicator": indicator,
        "plans": indicator.plans.all(),
        "base_form": base_form or IndicatorBaseForm(indicator=indicator, initial=base),
        "values": indicator.values.select_related("school").order_by("-year", "school__short_name"),
        "plan_form": plan_form or IndicatorPlanForm(indicator=indicator, initial={"year": end_year}),
        "actual_form": None
        if indicator.computed
        else actual_form or IndicatorActualForm(indicator=indicator, initial={"year": end_year}),
    }
    return render(request, "roadmap/indicators/indicator_detail.html", context)


@allow(Role.COORDINATOR)
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, department_indicator(request, pk))


def year_value_view(form_class, save, message: str, *, then=None):
    """A coordinator's post of a value for a year (the plan's, the base's, an actual one): saved by `save` and
    on to `then` (the indicator); or the indicator's page again, with the form's errors or the service's
    refusal."""

    @allow(Role.COORDINATOR)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        indicator = department_indicator(request, pk)
        form = form_class(request.POST, indicator=indicator)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save(indicator, data, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message.format(year=data["year"]))
                return redirect(then(data) if then else reverse("indicator_detail", args=[indicator.pk]))
        return detail_page(request, indicator, **{f"{form.prefix}_form": form})

    return view


indicator_plan = year_value_view(
    IndicatorPlanForm,
    lambda indicator, data, _: indicators.indicator_plan_save(
        indicator=indicator, year=data["year"], planned=data["value"]
    ),
    "Плановое значение на {year} год сохранено.",
)
indicator_base = year_value_view(
    IndicatorBaseForm,
    lambda indicator, data, _: indicators.indicator_base_save(
        indicator=indicator, year=data["year"], value=data["value"]
    ),
    "Базовое значение за {year} год сохранено.",
)
indicator_actual = year_value_view(
    IndicatorActualForm,
    lambda indicator, data, user: indicators.indicator_value_save(
        indicator=indicator, school=data["school"], year=data["year"], value=data["value"], by=user
    ),
    "Фактическое значение на {year} год сохранено.",
    then=lambda data: f"{reverse('indicator_list')}?year={data['year']}",
)


urlpatterns = [
    path("department/indicators/", indicator_list, name="indicator_list"),
    path("department/indicators/fill/", indicators_fill, name="indicators_fill"),
    path("department/indicators/<int:pk>/", indicator_detail, name="indicator_detail"),
    path("department/indicators/<int:pk>/base/", indicator_base, name="indicator_base"),
    path("department/indicators/<int:pk>/plan/", indicator_plan, name="indicator_plan"),
    path("department/indicators/<int:pk>/actual/", indicator_actual, name="indicator_actual"),
]
