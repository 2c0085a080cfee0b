"""The columns of the three lists, named as in the schools' own lists; an exported file has the same
headers, so it re-imports."""

LAST_NAME = "Фамилия"
FIRST_NAME = "Имя"
PATRONYMIC = "Отчество"
BIRTH_DATE = "Дата рождения"
SCHOOL_CLASS = "Класс"
KIND = "Кто это"
POSITION = "Должность"
SUBJECTS = "Предметы"
EXPERIENCE = "Стаж"
PHONE = "Телефон"
EMAIL = "Электронная почта"
CATEGORIES = "Категории"
REQUEST = "Запрос"
REPORTED_BY = "Кто выявил"
COMPETENCIES = "Компетенции"
CAPACITY = "Сколько наставляемых"
STATUS = "Статус"
CONSENT = "Согласие"

REQUIRED_COLUMNS = (LAST_NAME, FIRST_NAME)

# Other spellings met in the journals' exports (compared after `normalise_header`).
COLUMN_ALIASES = {
    BIRTH_DATE: ("дата рожд", "д.р", "др"),
    KIND: ("тип участника",),
    EXPERIENCE: ("педагогический стаж", "стаж, лет", "педагогический стаж, лет"),
    PHONE: ("тел", "номер телефона"),
    EMAIL: ("e-mail", "email", "эл. почта", "электронная почта (e-mail)"),
    REPORTED_BY: ("кто выявил потребность",),
    CAPACITY: ("сколько наставляемых может вести",),
}

COLUMNS = (
    LAST_NAME, FIRST_NAME, PATRONYMIC, BIRTH_DATE, SCHOOL_CLASS, KIND, POSITION, SUBJECTS, EXPERIENCE,
    PHONE, EMAIL, CATEGORIES, REQUEST, REPORTED_BY, COMPETENCIES, CAPACITY, STATUS, CONSENT,
)  # fmt: skip

ROW_NUMBER = "__row__"  # the spreadsheet row of each data row (the header is row 1), kept in the dataset
