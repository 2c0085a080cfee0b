# «Наставничество»: one image for the web process (gunicorn) and the Celery workers (PDFs with WeasyPrint).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=mentoring.settings \
    DEBUG=0 \
    SECURE_HTTPS=1 \
    STATIC_MANIFEST=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig; see its install notes for Debian)
# and fonts with Cyrillic glyphs for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        shared-mime-info \
        fonts-dejavu-core \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
# The project and its pinned dependencies. The code runs from /app (PYTHONPATH), with its templates, static
# and the seeds' reference data (fixtures/).
RUN pip install . \
    && python manage.py collectstatic --no-input

# Run as an unprivileged user; uploads, consent scans and PDFs go to MEDIA_ROOT (a volume in docker-compose).
RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data/media \
    && chown app:app /data/media
USER app

EXPOSE 8000
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "120"]
