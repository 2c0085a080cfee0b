"""Import of people and the two bases from XLSX and CSV files, and export of the same lists.

The flow: `read_upload` turns the bytes a curator uploaded into a `tablib.Dataset` with our Russian
column names (or refuses the file with one Russian sentence), once; `import_job_create` keeps the rows
read with an `ImportJob`; `import_job_check` runs the django-import-export resource over them and reports
every row (the preview); `import_job_confirm` checks them again and writes them in one transaction, a
batch at a time: the whole file is written, or nothing. A large file is checked and confirmed by a worker.

None of them takes a request, so the views, the tasks and the benchmarks call the same code.

The modules: `reading` (the safe reading of an upload, also used for other tables), `columns` (the
headers), `fields` (widgets and fields), `resources` (the three lists' resources), `targets` (what the
curator imports), `run` (check, write and their report), `writing` (the batched writes and their audit
entries), `jobs` (the import as a job), `export` (downloads of the lists).
"""

from .export import export_response, sample_response
from .jobs import (
    import_job_abandon,
    import_job_check,
    import_job_claim,
    import_job_confirm,
    import_job_create,
    import_job_fail,
    import_job_start_check,
    import_job_start_confirm,
    import_jobs_purge,
)
from .reading import (
    EMPTY_FILE,
    HEADER_SEARCH_ROWS,
    ONLY_HEADERS,
    ImportFileError,
    clean_cell,
    normalise_header,
    normalise_text,
    purge_stale_uploads,
    table_rows,
    thousands,
    too_large_message,
    upload_bytes,
)
from .resources import MenteeEntryResource, MentorEntryResource, PersonResource
from .run import PREVIEW_ROWS, ImportReport, import_check, import_preview, import_write, read_upload
from .targets import TARGETS

__all__ = [
    "EMPTY_FILE",
    "HEADER_SEARCH_ROWS",
    "ONLY_HEADERS",
    "TARGETS",
    "ImportFileError",
    "ImportReport",
    "PREVIEW_ROWS",
    "MenteeEntryResource",
    "MentorEntryResource",
    "PersonResource",
    "clean_cell",
    "export_response",
    "import_check",
    "import_job_abandon",
    "import_job_check",
    "import_job_claim",
    "import_job_confirm",
    "import_job_create",
    "import_job_fail",
    "import_job_start_check",
    "import_job_start_confirm",
    "import_jobs_purge",
    "import_preview",
    "import_write",
    "normalise_header",
    "normalise_text",
    "purge_stale_uploads",
    "read_upload",
    "sample_response",
    "table_rows",
    "thousands",
    "too_large_message",
    "upload_bytes",
]
