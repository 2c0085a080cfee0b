"""Settings of «Наставничество», read from the environment; every value has a working default."""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development default starts with «django-insecure-», so `check --deploy` fails until SECRET_KEY is set.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-key-change-me-in-production-012345")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "import_export",
    "auditlog",
    "axes",
    "mentoring",
    "programs",
    "pairs",
    "monitoring",
    "roadmap",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentoring.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.middleware.IdleSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mentoring.access.AccessMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "mentoring.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # A page's queries run in milliseconds; PostgreSQL's JIT compiles the larger ones (a pair's health
    # over a municipality) for 50–60 ms before running them in 40.
    # A municipality's database fits in memory, where a random read costs about what a sequential one does:
    # at the default cost of 4, PostgreSQL scans all the municipality's people to join a school's 166 mentees
    # (3.3 ms, twice per list page) rather than look each up by its key (0.6 ms).
    # A page's queries are planned anew on every request, and planning a list's rows (a dozen subqueries of
    # a pair's health) takes longer than running them: the queries bind their parameters on the server, and
    # one that a connection has run twice is prepared, planned once for the connection's life.
    DATABASES["default"]["OPTIONS"] = {
        "options": "-c jit=off -c random_page_cost=1.1",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    # A form's choices are read with .iterator(), which on PostgreSQL declares a cursor WITH HOLD, fetches and
    # closes it: three round trips, and a copy of the rows, for a list of a dozen programmes on every page.
    # Nothing of ours reads more rows than fit in memory at once.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "mentoring.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "mentoring.login_codes.LoginCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (mentoring/lockout.py): AXES_FAILURE_LIMIT wrong passwords for one account from one address
# lock that account from that address; the address as a whole is locked after LOGIN_ADDRESS_FAILURE_LIMIT
# failures, whatever the accounts. A school's people share one address, so one person's typos lock nobody
# else, and nobody can lock a named account from another address.
# django-ipware is not installed and AXES_IPWARE_* settings would be ignored: the address comes from
# client_ip_address() below, which reads REMOTE_ADDR only, so a forged X-Forwarded-For cannot reset the count.
# Behind reverse proxies set AXES_PROXY_COUNT to their number: then the address the outermost proxy saw, taken
# from the right-hand end of X-Forwarded-For (entries to its left are whatever the client sent).
TRUSTED_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))


def client_ip_address(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    if not TRUSTED_PROXY_COUNT:
        return remote_addr
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < TRUSTED_PROXY_COUNT:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-TRUSTED_PROXY_COUNT]))
    except ValueError:
        return remote_addr


AXES_CLIENT_IP_CALLABLE = client_ip_address
AXES_HANDLER = "mentoring.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # in the order LockoutHandler counts
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# Not reset on success: a successful login deletes every attempt of its address, so with a reset an attacker
# holding any one account could clear the count between guesses at someone else's password.
AXES_RESET_ON_SUCCESS = False
# A login slip's code counts as a password does, and is never written into the attempts' log.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # rendered with status 429 (AXES_HTTP_RESPONSE_CODE)

# Sessions end on logout and after half an hour without a request (see IdleSessionMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Production (docker-compose) sets SECURE_HTTPS=1: secure cookies, HTTPS redirect and HSTS.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere; every asset is served from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused before they are read (an import file of 20 MB is refused).
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
# A file of more rows is checked and confirmed by a worker (the page shows its progress), a smaller at once.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "500"))
IMPORT_BATCH_SIZE = int(os.environ.get("IMPORT_BATCH_SIZE", "500"))  # rows written per batch of statements
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_SKIP_ADMIN_ACTION_CONFIRMATION = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

AUDITLOG_INCLUDE_ALL_MODELS = False

# The site's own address, for the links that leave it without a request to ask: e-mail, printed login slips.
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# How long an invitation's link and a password reset link stay valid.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_HOURS", "24")) * 3600

# E-mail: SMTP when EMAIL_HOST is set (production), the console otherwise (`make run`); the tests use locmem.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Наставничество <no-reply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after the visibility timeout: a task must end well
# before it, or it runs twice. The time limits below keep every render under it.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, CELERY_TASK_TIME_LIMIT // 10)
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# A broker that is down must not hold the asking request: two quick tries, then the document waits unsent.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
# PDFs go to a queue of their own, for a worker at a lower CPU priority that leaves the web a core
# (docker-compose.yml: `worker-documents`); reminders and imports stay on the default queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"mentoring.tasks.document_render_task": {"queue": "documents"}}
# A check or confirm of an import not finished by then lost its worker: the curator may start it again.
IMPORT_STALE_SECONDS = CELERY_TASK_TIME_LIMIT + 60

# Scheduled work (Celery beat; `manage.py run_scheduled` runs every job once). Every job is idempotent and
# bounded: the reminders mail in batches and stop well within the task time limit, leaving the rest to the
# next run.
REMINDERS_BATCH_SIZE = int(os.environ.get("REMINDERS_BATCH_SIZE", "200"))
REMINDERS_TIME_LIMIT = min(
    int(os.environ.get("REMINDERS_TIME_LIMIT", "300")), CELERY_TASK_SOFT_TIME_LIMIT - 30
)
REMINDERS_MAIL_WITHIN_DAYS = 3  # an older notification is not mailed late, only shown
# Twice a day (8:00 and 16:00) unless set: a test with a real beat runs the job every few seconds.
REMINDERS_EVERY_SECONDS = int(os.environ.get("REMINDERS_EVERY_SECONDS", "0"))
CELERY_BEAT_SCHEDULE = {
    "reminders_send": {
        "task": "mentoring.tasks.reminders_send_task",
        "schedule": (
            datetime.timedelta(seconds=REMINDERS_EVERY_SECONDS)
            if REMINDERS_EVERY_SECONDS
            else crontab(minute=0, hour="8,16")
        ),
    },
    "surveys_close": {"task": "monitoring.tasks.surveys_close_task", "schedule": crontab(minute=5, hour=0)},
    "purge_stale_uploads": {
        "task": "mentoring.tasks.purge_stale_uploads_task",
        "schedule": crontab(minute=30, hour=3),
    },
    "slips_files_remove": {
        "task": "mentoring.tasks.slips_files_remove_task",
        "schedule": crontab(minute=40, hour=3),
    },
    "depersonalise_due": {
        "task": "mentoring.tasks.depersonalise_due_task",
        "schedule": crontab(minute=50, hour=3),
    },
}

# The department's schools table is counted once in this many seconds for all its coordinators.
DEPARTMENT_FIGURES_SECONDS = int(os.environ.get("DEPARTMENT_FIGURES_SECONDS", "300"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
