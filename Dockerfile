# Image of the Portail CafLab: the same image runs the web (gunicorn), the worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN useradd --create-home caflab && mkdir -p /app/var && chown -R caflab /app/var
USER caflab

# collectstatic needs settings, not secrets: a build-time placeholder is never used at run time.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0 \
 && python manage.py compilemessages --ignore='.venv/*' -v 0

EXPOSE 8000
CMD ["gunicorn", "caflab.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
