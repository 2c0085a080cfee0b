from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest
from django.urls import reverse

from .models import BASE_READERS, BASE_WRITERS, Role


@dataclass(frozen=True)
class NavItem:
    title: str
    url_name: str
    section: str

    @cached_property  # reversed once per process, not twice per page for each item of the menu
    def url(self) -> str:
        return reverse(self.url_name)


BASE_VIEWERS = BASE_READERS | {Role.COORDINATOR}

# Each item with the roles that may use it; the side menu shows only those of the current organisation.
NAVIGATION = [
    (NavItem("Главная", "home", "home"), None),
    (NavItem("Участники", "person_list", "people"), BASE_VIEWERS),
    (NavItem("База наставников", "mentor_list", "mentors"), BASE_VIEWERS),
    (NavItem("База наставляемых", "mentee_list", "mentees"), BASE_VIEWERS),
    (NavItem("Представления педагогов", "nomination_list", "nominations"), BASE_WRITERS),
    (NavItem("Мой класс", "my_class", "my_class"), {Role.TEACHER}),
    (NavItem("Импорт списков", "import_upload", "import"), BASE_WRITERS),
    (NavItem("Программы наставничества", "programme_list", "programmes"), BASE_VIEWERS),
    (NavItem("Пары и группы", "pair_list", "pairs"), BASE_VIEWERS | {Role.MENTOR, Role.MENTEE}),
    (NavItem("Школы", "department_schools", "department_schools"), {Role.COORDINATOR}),
    (NavItem("Целевые показатели", "indicator_list", "indicators"), {Role.COORDINATOR}),
    (NavItem("Анкеты", "questionnaire_list", "questionnaires"), BASE_READERS),
    (NavItem("Анкетирования", "survey_list", "surveys"), BASE_READERS),
    (NavItem("Мониторинг", "stage1_school", "monitoring"), BASE_READERS),
    (NavItem("Дорожные карты", "roadmap_list", "roadmaps"), BASE_VIEWERS),
    (NavItem("Часы наставников", "hours_index", "hours"), {Role.DIRECTOR, Role.CURATOR}),
    (NavItem("Мои часы наставничества", "my_hours", "my_hours"), {Role.MENTOR}),
    (NavItem("Мои ответы", "my_answers", "answers"), {Role.MENTOR, Role.MENTEE, Role.TEACHER}),
    (NavItem("Завершение учебного года", "year_closing", "school_year"), {Role.DIRECTOR, Role.CURATOR}),
    (NavItem("Обезличивание данных", "depersonalisation", "depersonalisation"), {Role.DIRECTOR}),
    (NavItem("Сотрудники и доступ", "staff", "staff"), {Role.DIRECTOR, Role.CURATOR}),
    (NavItem("Наставники из числа педагогов", "mentor_terms", "mentor_terms"), {Role.DIRECTOR, Role.CURATOR}),
    (NavItem("Журнал доступа к персональным данным", "access_log", "access_log"), {Role.DIRECTOR}),
    (NavItem("Документы", "document_list", "documents"), {Role.DIRECTOR, Role.CURATOR, Role.COORDINATOR}),
    (NavItem("Мои документы", "my_documents", "my_documents"), {Role.MENTOR, Role.MENTEE}),
    (NavItem("Моё портфолио", "my_portfolio", "my_portfolio"), {Role.MENTOR}),
]


def navigation(request: HttpRequest) -> dict:
    roles = getattr(request, "roles", frozenset())
    if not roles:
        return {"nav_items": []}
    return {"nav_items": [item for item, allowed in NAVIGATION if allowed is None or roles & allowed]}
