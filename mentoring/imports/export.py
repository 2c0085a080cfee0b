"""Export of a list as the XLSX or CSV file a school's Excel opens, with the import's headers, so an
exported file re-imports; and the empty sample a curator fills in."""

from __future__ import annotations

import codecs
import re
from typing import Any

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .resources import SchoolResource
from .targets import Target, get_target

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP, CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: the control characters an XLSX cannot hold removed, formulae
    neutralised."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise_formula(value)


def export_dataset(resource_class: type[SchoolResource], queryset) -> tablib.Dataset:
    """The rows of the queryset with the import's Russian headers; formula cells neutralised, and the
    control characters an XLSX cannot hold removed."""
    resource = resource_class()
    # A list, not the queryset: the library pages a prefetching queryset, one query set per 100 rows.
    rows = list(resource.export_queryset(queryset))
    exported = resource.export(queryset=rows)
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported:
        dataset.append([safe_cell(cell) for cell in row])
    return dataset


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_response(resource_class: type[SchoolResource], queryset, fmt: str, basename: str) -> HttpResponse:
    """The list as an XLSX or a CSV download (UTF-8 with BOM and «;», as Russian Excel expects)."""
    return dataset_response(export_dataset(resource_class, queryset), fmt, basename)


def dataset_response(dataset: tablib.Dataset, fmt: str, basename: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise ValueError(f"Unknown export format: {fmt}")
    if fmt == "csv":
        content = codecs.BOM_UTF8 + dataset.export("csv", delimiter=";").encode("utf-8")
    else:
        dataset.title = basename[:31]
        content = dataset.export("xlsx")
    return file_download(content, fmt, basename)


def file_download(content: bytes, fmt: str, basename: str) -> HttpResponse:
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", basename).strip("-") or "export"
    filename = f"{safe_name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def sample_response(target: str | Target) -> HttpResponse:
    """An empty XLSX with the columns a list is imported from, for the curator to fill in."""
    target = get_target(target)
    dataset = tablib.Dataset(headers=target.import_columns(), title=target.label)
    return file_download(dataset.export("xlsx"), "xlsx", f"{target.basename}-obrazec")
