"""The built-in questionnaires (no school): their questions carry the wording of seeds 000-004.

`builtins_sync` creates them or brings them up to date, from the data migration and from tests. A built-in
that has been answered keeps every question it had: an answered question gets only its new wording, never a
new kind, range or choices, and no question is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as installed_apps
from django.db import transaction

from mentoring.reference import YES_NO, choice_value, reference

from .models import Question, Questionnaire

Kind = Question.Kind
Measure = Question.Measure
Topic = Question.Topic


@dataclass(frozen=True)
class BuiltinQuestion:
    text: str
    kind: str = Kind.OPEN
    required: bool = True
    help_text: str = ""
    choices: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    measures: str = ""
    topic: str = ""


@dataclass(frozen=True)
class BuiltinQuestionnaire:
    code: str
    purpose: str
    title: str
    description: str
    questions: tuple[BuiltinQuestion, ...]
    mentor_sees_answers: bool = False


def open_question(
    text: str, *, required: bool = True, help_text: str = "", topic: str = ""
) -> BuiltinQuestion:
    return BuiltinQuestion(text, required=required, help_text=help_text, topic=topic)


def scale(
    text: str, low: str, high: str, *, top: int = 10, measures: str = "", topic: str = ""
) -> BuiltinQuestion:
    return BuiltinQuestion(
        text,
        kind=Kind.SCALE,
        scale_min=1,
        scale_max=top,
        scale_min_label=low,
        scale_max_label=high,
        measures=measures,
        topic=topic,
    )


def number(
    text: str, least: int, most: int, *, required: bool = True, help_text: str = "", measures: str = ""
) -> BuiltinQuestion:
    """A number question; its scale_min and scale_max are the bounds an answer must keep within."""
    return BuiltinQuestion(
        text,
        kind=Kind.NUMBER,
        required=required,
        help_text=help_text,
        scale_min=least,
        scale_max=most,
        measures=measures,
    )


def choice(
    text: str, choices: tuple[str, ...], *, many: bool = False, required: bool = True
) -> BuiltinQuestion:
    return BuiltinQuestion(
        text, kind=Kind.MULTIPLE if many else Kind.SINGLE, required=required, choices=choices
    )


def yes_no(text: str) -> BuiltinQuestion:
    return BuiltinQuestion(text, kind=Kind.YES_NO)


def partner(text: str, *, required: bool = True, help_text: str = "") -> BuiltinQuestion:
    return BuiltinQuestion(text, kind=Kind.PARTNER, required=required, help_text=help_text)


# The five forms of mentoring of Р-145, as programs.migrations.0002 names them.
FORMS = (
    "«Ученик – ученик»",
    "«Учитель – учитель»",
    "«Учитель – ученик»",
    "«Студент – ученик»",
    "«Работодатель – ученик»",
)

# Seed 004: «Режим работы: онлайн, очный, смешанный».
WORK_MODES = ("Очный", "Онлайн", "Смешанный")

MENTOR_INTAKE = BuiltinQuestionnaire(
    code="mentor-intake",
    purpose=Questionnaire.Purpose.MENTOR_INTAKE,
    title="Анкета потенциального наставника",
    description=(
        "Анкетирование среди потенциальных наставников, желающих принять участие в программе наставничества. "
        "Ваши ответы помогут подобрать вам наставляемого."
    ),
    questions=(
        number(
            "Ваш стаж работы, лет", 0, 60, required=False, help_text="Ученику или студенту можно не отвечать."
        ),
        yes_no("Был ли у вас опыт наставничества?"),
        open_question(
            "Ваши профессиональные успехи и достижения",
            required=False,
            help_text=(
                "Например: победитель профессиональных конкурсов, автор учебных пособий и материалов, "
                "участник или ведущий вебинаров и семинаров."
            ),
        ),
        choice(
            "Какими навыками вы обладаете?",
            (
                "Лидерские навыки",
                "Организационные навыки",
                "Коммуникативные навыки",
                "Развитая эмпатия",
                "Склонность к активной общественной работе",
            ),
            many=True,
            required=False,
        ),
        open_question("Ваши компетенции: в чём вы можете помочь наставляемому?"),
        open_question("Какие предметы вы преподаёте или в каких предметах вы сильны?", required=False),
        open_question("Ваши интересы и увлечения", required=False),
        choice("В какой форме наставничества вы хотели бы участвовать?", FORMS, many=True),
        choice("Какой режим работы вам удобен?", WORK_MODES, many=True, required=False),
        number("Скольких наставляемых вы готовы вести одновременно?", 1, 10),
        open_question("Почему вы хотите стать наставником?"),
    ),
)

MENTEE_INTAKE = BuiltinQuestionnaire(
    code="mentee-intake",
    purpose=Questionnaire.Purpose.MENTEE_INTAKE,
    title="Анкета потенциального наставляемого",
    description=(
        "Анкетирование среди желающих принять участие в программе наставничества. Ваши ответы помогут "
        "подобрать вам наставника."
    ),
    questions=(
        open_question("Ваш запрос: с чем вам нужна помощь наставника?"),
        choice(
            "Какая помощь вам нужна?",
            (
                "Улучшить образовательные результаты",
                "Психоэмоциональная поддержка",
                "Развить коммуникационные, творческие, лидерские навыки",
                "Приобрести профессиональные навыки (организационные, коммуникационные и т. д.)",
                "Обмен навыками, взаимная поддержка, совместная работа над проектом",
                "Адаптироваться к новым условиям обучения или работы, в новом коллективе",
                "Раскрыть свои способности, подготовиться к олимпиадам и конкурсам",
                "Определиться с будущей профессией",
            ),
            many=True,
        ),
        choice(
            "Что из этого относится к вам?",
            (
                "Мне трудно даётся учёба",
                "Я хочу развивать свои способности и участвовать в олимпиадах и конкурсах",
                "Мне трудно найти общий язык с одноклассниками или коллегами",
                "Я недавно в этой школе, классе или коллективе",
                "Я молодой педагог (до 35 лет, стаж работы до 3 лет)",
                "Мне не хватает результатов в работе с обучающимися",
            ),
            many=True,
            required=False,
        ),
        open_question("Ваши интересы и увлечения", required=False),
        choice("В какой форме наставничества вы хотели бы участвовать?", FORMS, many=True, required=False),
        choice("Какой режим работы вам удобен?", WORK_MODES, many=True, required=False),
        open_question("Каким вы видите своего наставника?", required=False),
    ),
)

PREFERRED_PARTNER = BuiltinQuestionnaire(
    code="preferred-partner",
    purpose=Questionnaire.Purpose.PREFERRED_PARTNER,
    title="Анкета на предмет предпочитаемого наставника/наставляемого",
    description=(
        "Кого вы хотели бы видеть своим наставником/наставляемым? Укажите до трёх человек по порядку "
        "предпочтения."
    ),
    questions=(
        partner("Первый выбор", help_text="Выберите участника из списка участников программы."),
        partner("Второй выбор", required=False),
        partner("Третий выбор", required=False),
    ),
)

FEEDBACK = BuiltinQuestionnaire(
    code="feedback",
    purpose=Questionnaire.Purpose.FEEDBACK,
    title="Анкета обратной связи для промежуточной оценки",
    description=(
        "Текущий контроль достижения планируемых результатов: расскажите, как идёт работа "
        "вашей пары (группы)."
    ),
    questions=(
        choice(
            "Как часто проходят ваши встречи?",
            ("Чаще раза в неделю", "Раз в неделю", "Раз в две недели", "Раз в месяц", "Реже раза в месяц"),
        ),
        scale("Насколько полезны для вас встречи?", "совсем бесполезны", "очень полезны"),
        scale(
            "Насколько вам комфортно общаться с наставником (наставляемым)?",
            "совсем некомфортно",
            "очень комфортно",
        ),
        choice("Выполняется ли план работы вашей пары (группы)?", ("Да, полностью", "Частично", "Нет")),
        open_question("Что уже получилось?", required=False),
        open_question("Какие трудности возникли?", required=False),
        yes_no("Нужна ли вам помощь куратора программы?"),
    ),
)

SATISFACTION_SCALE = ("совсем не удовлетворён", "полностью удовлетворён")

SATISFACTION = BuiltinQuestionnaire(
    code="satisfaction",
    purpose=Questionnaire.Purpose.SATISFACTION,
    title="Мониторинг личной удовлетворённости участием в программе наставничества",
    description=(
        "Оцените по шкале от 1 до 10, насколько вы удовлетворены участием в программе наставничества."
    ),
    questions=(
        scale(
            "Насколько вы удовлетворены участием в программе наставничества?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        scale(
            "Насколько вы удовлетворены встречами с наставником (наставляемым)?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        # Seed 004: реакция, изменения в знаниях, изменение поведения, общая оценка результатов.
        scale(
            "Реакция: насколько вы удовлетворены тем, как проходило ваше обучение в рамках наставничества?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        scale(
            "Изменения в знаниях: насколько вы удовлетворены тем, чему научились?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        scale(
            "Изменение поведения: насколько вы удовлетворены тем, как теперь действуете "
            "в проблемных ситуациях?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        scale(
            "Общая оценка результатов: насколько вы удовлетворены результатами программы для школы?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        scale(
            "Насколько вы удовлетворены работой куратора программы?",
            *SATISFACTION_SCALE,
            measures=Measure.SATISFACTION,
        ),
        open_question("Что бы вы изменили в программе наставничества?", required=False),
    ),
)


def expected_and_got(subject: str, low: str, high: str) -> tuple[BuiltinQuestion, BuiltinQuestion]:
    """The same question twice, «ожидали» and «получили», so that stage 1 sets them side by side."""
    return (
        scale(f"{subject} вы ожидали от участия в программе?", low, high, topic=Topic.EXPECTATIONS),
        scale(f"{subject} вы получили от участия в программе?", low, high, topic=Topic.RESULTS),
    )


STAGE_1 = BuiltinQuestionnaire(
    code="stage-1",
    purpose=Questionnaire.Purpose.STAGE_1,
    title="Мониторинг качества реализации программы наставничества (этап 1)",
    description=(
        "Изучение (оценка) качества реализуемой программы наставничества, её сильных и слабых сторон, "
        "качества совместной работы пар или групп «наставник – наставляемый»."
    ),
    questions=(
        open_question(
            "Сильные стороны программы наставничества: что в ней получилось хорошо?", topic=Topic.STRENGTHS
        ),
        open_question(
            "Слабые стороны программы наставничества: что получилось плохо или не получилось?",
            topic=Topic.WEAKNESSES,
        ),
        open_question(
            "Возможности программы наставничества: что стоит развивать и использовать дальше?",
            topic=Topic.OPPORTUNITIES,
        ),
        open_question("Угрозы реализации программы: что может ей помешать?", topic=Topic.THREATS),
        *expected_and_got("Какую пользу для учёбы (работы)", "никакой", "очень большую"),
        *expected_and_got("Какую поддержку в решении своих задач", "никакой", "очень большую"),
        *expected_and_got("Какое развитие своих навыков", "никакого", "очень большое"),
        scale(
            "Насколько регулярно проходили встречи наставника и наставляемого?", "очень редко", "регулярно"
        ),
        scale(
            "Насколько слаженной была совместная работа вашей пары (группы)?",
            "совсем не слаженной",
            "очень слаженной",
        ),
        scale("Насколько понятны вам были цели и задачи программы?", "совсем непонятны", "полностью понятны"),
        scale("Насколько хорошо была организована программа?", "очень плохо", "отлично"),
        yes_no("Хотели бы вы участвовать в программе наставничества снова?"),
    ),
)

STAGE_2 = BuiltinQuestionnaire(
    code="stage-2",
    purpose=Questionnaire.Purpose.STAGE_2,
    title="Мониторинг влияния программы на участников (этап 2)",
    description=(
        "Анкета заполняется дважды: до входа в программу наставничества и по итогам её прохождения. "
        "Отвечайте о себе, как есть: правильных и неправильных ответов нет."
    ),
    questions=(
        scale(
            "Насколько вам интересно учиться?",
            "совсем неинтересно",
            "очень интересно",
            measures=Measure.ENGAGEMENT,
        ),
        scale(
            "Как часто вы участвуете в делах класса и школы (кружки, проекты, мероприятия)?",
            "никогда",
            "постоянно",
            measures=Measure.ACTIVITY,
        ),
        scale(
            "Насколько вы уверены в своих силах?",
            "совсем не уверен",
            "полностью уверен",
            measures=Measure.SELF_ESTEEM,
        ),
        scale(
            "Как часто вы волнуетесь перед уроками, контрольными работами и ответами у доски?",
            "никогда",
            "постоянно",
            measures=Measure.ANXIETY,
        ),
        scale(
            "Насколько вам хочется учиться лучше и узнавать новое?",
            "совсем не хочется",
            "очень хочется",
            measures=Measure.MOTIVATION,
        ),
        number(
            "Ваш средний балл за последнюю четверть (полугодие)",
            2,
            5,
            help_text="Например, 4,2.",
            measures=Measure.AVERAGE_GRADE,
        ),
        number(
            "Сколько процентов уроков вы посетили за последнюю четверть (полугодие)?",
            0,
            100,
            measures=Measure.ATTENDANCE,
        ),
        number(
            "В скольких олимпиадах и конкурсах вы участвовали за последнюю четверть (полугодие)?",
            0,
            50,
            measures=Measure.CONTESTS,
        ),
    ),
)

DIFFICULTY_SCALE = ("нет затруднений", "очень трудно")


def difficulty(text: str) -> BuiltinQuestion:
    return scale(text, *DIFFICULTY_SCALE, top=5)


DIFFICULTIES = BuiltinQuestionnaire(
    code="difficulties",
    purpose=Questionnaire.Purpose.DIFFICULTIES,
    title="Диагностика изучения затруднений молодых педагогов",
    description=(
        "Тестирование на начало составления плана работы: какие проблемы вас беспокоят и какая помощь "
        "необходима. Оцените, насколько трудно вам даётся каждое направление, от 1 (нет затруднений) "
        "до 5 (очень трудно)."
    ),
    mentor_sees_answers=True,
    questions=(
        difficulty("Психолого-педагогические: работа с классом, с разными детьми, с родителями"),
        difficulty("Методические: планирование и проведение уроков, выбор форм и методов обучения"),
        difficulty("ИКТ-компетенции: использование информационно-коммуникационных технологий в работе"),
        difficulty("Цифровизация образования: электронный журнал, цифровые образовательные ресурсы"),
        difficulty("Внеурочная и воспитательная деятельность"),
        difficulty("Здоровьесбережение обучающихся"),
        difficulty("Ведение документации"),
        difficulty("Взаимоотношения в коллективе"),
        open_question("Какие ещё проблемы вас беспокоят? Какая помощь вам необходима?", required=False),
    ),
)

BUILTINS: tuple[BuiltinQuestionnaire, ...] = (
    MENTOR_INTAKE,
    MENTEE_INTAKE,
    PREFERRED_PARTNER,
    FEEDBACK,
    SATISFACTION,
    STAGE_1,
    STAGE_2,
    DIFFICULTIES,
)

WORDING_FIELDS = ("text", "help_text", "scale_min_label", "scale_max_label")
SHAPE_FIELDS = ("kind", "required", "scale_min", "scale_max", "measures", "topic")


def question_fields(question: BuiltinQuestion, *, answered: bool) -> dict:
    fields = {name: getattr(question, name) for name in WORDING_FIELDS}
    if not answered:
        fields |= {name: getattr(question, name) for name in SHAPE_FIELDS}
        fields["choices"] = list(question.choices)
    return fields


@transaction.atomic
def builtins_sync(apps=None) -> None:
    """Create the built-in questionnaires or bring them up to the wording above, idempotently."""
    registry = apps or installed_apps
    questionnaires = registry.get_model("monitoring", "Questionnaire")
    questions = registry.get_model("monitoring", "Question")
    answers = registry.get_model("monitoring", "Answer")
    for builtin in BUILTINS:
        questionnaire, _ = questionnaires.objects.update_or_create(
            school=None,
            code=builtin.code,
            defaults={
                "purpose": builtin.purpose,
                "title": builtin.title,
                "description": builtin.description,
                "mentor_sees_answers": builtin.mentor_sees_answers,
            },
        )
        existing = {
            question.order: question for question in questions.objects.filter(questionnaire=questionnaire)
        }
        answered = set(
            answers.objects.filter(question__questionnaire=questionnaire).values_list(
                "question_id", flat=True
            )
        )
        for order, builtin_question in enumerate(builtin.questions, start=1):
            question = existing.get(order)
            if question is None:
                questions.objects.create(
                    questionnaire=questionnaire,
                    order=order,
                    **question_fields(builtin_question, answered=False),
                )
                continue
            fields = question_fields(builtin_question, answered=question.pk in answered)
            if any(getattr(question, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(question, name, value)
                question.save(update_fields=list(fields))


def builtin_question(data: dict) -> BuiltinQuestion:
    return BuiltinQuestion(
        data["вопрос"],
        kind=choice_value(Kind, data["вид"]),
        required=YES_NO[data.get("обязательный", "да")],
        help_text=data.get("подсказка", ""),
        choices=tuple(data.get("варианты", ())),
        scale_min=data.get("от"),
        scale_max=data.get("до"),
        scale_min_label=data.get("подпись от", ""),
        scale_max_label=data.get("подпись до", ""),
        measures=choice_value(Measure, data["измеряет"]) if "измеряет" in data else "",
        topic=choice_value(Topic, data["тема"]) if "тема" in data else "",
    )


def builtins_load() -> tuple[BuiltinQuestionnaire, ...]:
    return tuple(
        BuiltinQuestionnaire(
            code=data["код"],
            purpose=choice_value(Questionnaire.Purpose, data["назначение"]),
            title=data["название"],
            description=data["описание"],
            questions=tuple(builtin_question(question) for question in data["вопросы"]),
            mentor_sees_answers=YES_NO[data.get("наставник видит ответы", "нет")],
        )
        for data in reference("questionnaires")["анкеты"]
    )
