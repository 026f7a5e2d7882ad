# Production image of the KPI Portal: gunicorn serving Django, static files by WhiteNoise.
FROM python:3.12-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz's subsetter; libthai-data breaks Thai lines.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libthai-data \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .

# collectstatic needs settings to load, not a real secret.
RUN SECRET_KEY=build-only-not-secret DEBUG=false STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput

RUN useradd --system --create-home kpi \
 && mkdir -p /var/lib/kpi-portal/media \
 && chown -R kpi /var/lib/kpi-portal
USER kpi
EXPOSE 8000
CMD ["gunicorn", "kpi_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
