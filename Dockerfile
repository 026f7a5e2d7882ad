# Production image of the KPI Portal: gunicorn serving Django, static files by WhiteNoise.
FROM python:3.12-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz's subsetter; libthai-data breaks Thai lines.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libthai-data \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Dependencies first, from pyproject.toml alone (it installs no package of its
# own: the code runs from /app), so this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .

# collectstatic needs settings to load, not a secret: DEBUG lets them start
# without one, STATIC_MANIFEST writes the hashed manifest production serves.
RUN DEBUG=true STATIC_MANIFEST=true STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput

RUN useradd --system --create-home kpi \
 && mkdir -p /var/lib/kpi-portal/media \
 && chown -R kpi /var/lib/kpi-portal
USER kpi
EXPOSE 8000
CMD ["gunicorn", "kpi_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
