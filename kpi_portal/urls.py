from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from districts import views as district_views
from evaluation import views as evaluation_views
from kpi_portal import views
from kpi_portal.login import LoginView
from notifications import urls as notification_urls
from printing import views as print_views
from reports import urls as report_urls
from reports import views as report_views
from search import views as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The switch, which also remembers a signed-in user's choice; before Django's
    # own i18n/setlang/ so that this one answers it, under the same name.
    path("i18n/setlang/", district_views.language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("districts/<str:code>/", report_views.district_home, name="district_home"),
    path(
        "districts/<str:code>/certification/",
        report_views.certification_queue,
        name="certification_queue",
    ),
    path(
        "districts/<str:code>/scorecard/<int:year>/",
        evaluation_views.scorecard,
        name="scorecard",
    ),
    path(
        "districts/<str:code>/scorecard/<int:year>/scorecard.pdf",
        print_views.scorecard_pdf,
        name="scorecard_pdf",
    ),
    path("assignments/<int:pk>/", report_views.sheet, name="assignment_sheet"),
    path("assignments/<int:pk>/sheet.pdf", print_views.sheet_pdf, name="assignment_sheet_pdf"),
    path("assignments/<int:pk>/q<int:quarter>/", include(report_urls)),
    path("office/completeness/", include(notification_urls.office_urlpatterns)),
    path("office/", include("evaluation.urls")),
    path("prints/", include("printing.urls")),
    path("exchange/", include("exchange.urls")),
    path("api/", include("api.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("search/", search_views.search_page, name="search"),
    path("notifications/", include(notification_urls)),
    path("admin/", admin.site.urls),
    path("", include("public.urls")),
]
