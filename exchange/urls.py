"""URLs of imports and exports, mounted under exchange/."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
