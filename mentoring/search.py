"""The one spelling of a name that searches compare: lower case, «ё» as «е», single spaces."""

from __future__ import annotations


def search_key(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def person_search_name(last_name: str, first_name: str, patronymic: str) -> str:
    """What `Person.search_name` holds: «фамилия имя отчество»."""
    return search_key(f"{last_name} {first_name} {patronymic}")
