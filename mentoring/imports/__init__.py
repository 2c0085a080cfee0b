"""Import of people and the two bases from XLSX and CSV files, and export of the same lists.

The flow: `read_upload` turns the bytes a curator uploaded into a `tablib.Dataset` with our Russian
column names (or refuses the file with one Russian sentence); `store_upload` keeps the file until the
curator confirms; `import_preview` runs the django-import-export resource as a dry run and reports every
row; `import_confirm` runs it for real, in one transaction: the whole file is written, or nothing.

Both functions take no request, so the views and the benchmarks call the same code.

The modules: `reading` (the safe reading of an upload, also used for other tables), `columns` (the
headers), `fields` (widgets and fields), `resources` (the three lists' resources), `targets` (what the
curator imports), `run` (preview, confirm and their report), `export` (downloads of the lists).
"""

from .export import export_response, sample_response
from .reading import (
    EMPTY_FILE,
    HEADER_SEARCH_ROWS,
    ONLY_HEADERS,
    ImportFileError,
    clean_cell,
    normalise_header,
    normalise_text,
    purge_stale_uploads,
    store_upload,
    table_rows,
    thousands,
    too_large_message,
    upload_bytes,
)
from .resources import MenteeEntryResource, MentorEntryResource, PersonResource
from .run import ImportReport, import_confirm, import_preview, read_upload
from .targets import TARGETS

__all__ = [
    "EMPTY_FILE",
    "HEADER_SEARCH_ROWS",
    "ONLY_HEADERS",
    "TARGETS",
    "ImportFileError",
    "ImportReport",
    "MenteeEntryResource",
    "MentorEntryResource",
    "PersonResource",
    "clean_cell",
    "export_response",
    "import_confirm",
    "import_preview",
    "normalise_header",
    "normalise_text",
    "purge_stale_uploads",
    "read_upload",
    "sample_response",
    "store_upload",
    "table_rows",
    "thousands",
    "too_large_message",
    "upload_bytes",
]
