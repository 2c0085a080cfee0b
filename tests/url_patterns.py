"""The product's URL patterns, and the model whose object each one names: what the tests that walk every
URL share."""

from django.urls import URLPattern, URLResolver, get_resolver

# The URL names' first words, and the model whose object the pattern's `pk` names.
MODEL_OF = {
    "person": "person",
    "consent": "consent",
    "mentor": "mentor",
    "mentee": "mentee",
    "nomination": "nomination",
    "programme": "programme",
    "matching": "programme",
    "preference": "programme",
    "stage1_programme": "programme",
    "stage2_programme": "programme",
    "pair": "pair",
    "plan_item": "plan_item",
    "meeting": "meeting",
    "proposal": "proposal",
    "questionnaire": "questionnaire",
    "survey": "survey",
    "respond": "survey",
    "response": "response",
    "invitation": "invitation",
    "roadmap": "roadmap",
    "activity_add": "stage",
    "activity": "activity",
    "indicator": "indicator",
    "recommendation": "recommendation",
    "document": "document",
    "membership": "membership",
    "account": "user",
    "year_closing": "year_closing",
    "import_job": "import_job",
}


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[URLPattern]:
    """Every URL pattern of the product and of the Django views it uses, without the admin's."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) != "admin/":
                found += patterns(entry, prefix + str(entry.pattern))
        else:
            found.append(entry)
    return found


def model_of(name: str) -> str:
    for prefix in sorted(MODEL_OF, key=len, reverse=True):
        if name.startswith(prefix):
            return MODEL_OF[prefix]
    raise AssertionError(f"URL «{name}» names an object of an unknown model: add its prefix to MODEL_OF")
