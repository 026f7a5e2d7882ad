"""Throughput under gunicorn (2 sync workers) on 127.0.0.1, measured with wrk.

    .venv/bin/python bench/load.py             # DATABASE_URL defaults to .../kpi_bench
    DURATION=20 .venv/bin/python bench/load.py # shorter runs
    DURATION=5 .venv/bin/python bench/load.py --only mixed         # one target
    .venv/bin/python bench/load.py --only baseline,mixed           # with its baseline

Starts `.venv/bin/gunicorn kpi_portal.wsgi` (settings bench.settings = the portal's
settings plus /bench/ok/), DEBUG off, bound to 127.0.0.1 only; signs the officer in
once (a database session created by django.test.Client.force_login) and passes the
cookie to wrk; runs wrk for each target at 50 and 250 connections; stops gunicorn
at the end whatever happens. Requests carry X-Forwarded-Proto: https, as behind the
production proxy, so the HTTPS redirect and secure cookies stay on. Before each run
it waits for gunicorn to finish what the previous run left queued (one /healthz/
round trip), so runs do not overlap. p50/p95/p99 come from wrk's latency
histogram (bench/mixed.lua's done()).

The GET targets: two trivial views, /healthz/, the sheet page, the district home.

The MIXED target (bench/mixed.lua) is one officer's district under load: by default
20 % district home, 40 % report page, 25 % sheet page (GETs) and 15 % report saves,
over the editable reports (draft, returned or reopened, deadline not passed) of the
current fiscal year in the officer's district, and their sheets.

- A save is what the page's htmx does when the officer presses "บันทึกร่าง": POST
  /assignments/<pk>/q<quarter>/ (reports.views.report_detail) with HX-Request,
  the fields csrfmiddlewaretoken, version, narrative (and result for value
  indicators, the report's current one); on success the view answers 200 with the
  #main section and the status bar (new version) out of band; a refused save
  answers 422 (form error, version conflict, closed report), 401 (session gone),
  403 (CSRF) or 503 (database down). Narratives are Thai text of 300-2,000
  characters made like `manage.py synth`'s (demo.synthetic), starting
  "ในไตรมาสที่ <q> สำนักงานเขต<name>".
- CSRF as in the browser: the report page is fetched once with the session cookie,
  which sets the csrftoken cookie; every request sends both cookies, and a save
  sends the token as X-CSRFToken and as csrfmiddlewaretoken (what static/js/portal.js
  does), with Origin and Referer https://127.0.0.1:<port> (the request is secure
  through X-Forwarded-Proto, so Django checks the Origin against the Host; no
  CSRF_TRUSTED_ORIGINS needed).
- Optimistic lock (`version`): a stale version is refused with a 422 conflict. To
  keep concurrent saves from conflicting, each wrk thread owns a disjoint share of
  the reports, lends a report to one request at a time, and takes the new version
  from the response's status bar, as the page does; when every report of a thread
  is busy, the request becomes a read (counted as "skipped"). Versions are read
  from the database before each run.
- Checked before the runs: one save made with urllib exactly as wrk makes them
  must answer 200 with the next version, and the database row must hold the new
  narrative and version. After each run the database's versions of those reports
  are summed again: "committed" saves (saves still in flight when wrk stopped are
  committed too, so committed >= accepted).
- Errors: wrk counts statuses >= 400 (non-2xx/3xx) and socket errors. mixed.lua's
  response() also rejects what wrk counts as success but is not: a read that is
  not a 200 full page (e.g. a login redirect), a save answer without a higher
  version or with an error alert. The table's "rejected 2xx/3xx" column counts
  those; errors = non-2xx/3xx + rejected 2xx/3xx + socket errors.
"""

from __future__ import annotations

import argparse
import http.cookies
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import _common

HOST = "127.0.0.1"
SCRIPT = Path(__file__).resolve().parent / "mixed.lua"
THREADS = 2
MIX_KINDS = ("home", "report", "sheet", "save")
DEFAULT_MIX = "home=20,report=40,sheet=25,save=15"
TARGET_KEYS = ("baseline", "cookie", "healthz", "sheet", "home", "mixed")
NARRATIVES_PER_QUARTER = 40


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: str
    socket_error_count: int
    # Mixed target only (from mixed.lua's done()).
    sent: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rejected_below_400: int = 0
    skipped_saves: int = 0
    committed_saves: int | None = None

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.rejected_below_400 + self.socket_error_count


@dataclass
class Target:
    key: str
    name: str
    path: str
    with_cookie: bool
    mixed: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} `{self.path}`"


@dataclass
class PoolReport:
    pk: int
    assignment_pk: int
    quarter: int
    path: str
    value_kind: bool


@dataclass
class MixedPlan:
    district_code: str
    fiscal_year: int
    officer_pk: int
    reports: list[PoolReport]
    reads: dict[str, list[str]]
    narratives: dict[int, list[str]]


def counts(text: str) -> dict[str, int]:
    """'a=1,b=2' (mixed.lua's done()) as a dict."""
    pairs = (item.split("=", 1) for item in text.split(",") if item)
    return {key: int(value) for key, value in pairs}


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"^bench latency_us p50=(\d+) p95=(\d+) p99=(\d+)$", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if not (rps and latency and total):
        raise RuntimeError(f"cannot parse wrk output:\n{output}")
    socket_errors = errors.group(1).strip() if errors else "none"
    result = WrkResult(
        float(rps.group(1)),
        *(int(latency.group(n)) / 1000 for n in (1, 2, 3)),
        int(total.group(1)),
        int(non2xx.group(1)) if non2xx else 0,
        socket_errors,
        sum(int(n) for n in re.findall(r"\d+", socket_errors)),
    )
    line = dict(re.findall(r"^bench (\w+) ?(.*)$", output, re.M))
    if "sent" in line:
        result.sent = counts(line["sent"])
        result.accepted = counts(line.get("accepted", ""))
        result.rejected = counts(line.get("rejected", ""))
        result.rejected_below_400 = int(line.get("rejected_below_400", "0"))
        result.skipped_saves = int(line.get("skipped_saves", "0"))
    return result


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (apt-get)", file=sys.stderr)
    subprocess.run(  # noqa: S603 (fixed arguments)
        [*sudo, shutil.which("apt-get") or "/usr/bin/apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
    )
    return shutil.which("wrk") or "wrk"


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing nginx-light (apt-get)", file=sys.stderr)
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            *sudo,
            shutil.which("apt-get") or "/usr/bin/apt-get",
            "install",
            "-y",
            "-qq",
            "nginx-light",
        ],
        check=True,
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(directory: Path, listen_port: int, app_port: int) -> Path:
    """The production shape: a buffering reverse proxy in front of gunicorn's sync workers.

    A sync worker serves one connection at a time and waits for its whole request;
    browsers (and wrk between paused requests) hold connections open, so without a
    proxy that buffers requests and keeps the idle connections itself, 250 waiting
    users would hold both workers. gunicorn's deployment guide asks for such a proxy.
    """
    # Started as root, nginx's workers run as an unprivileged user who must be
    # able to write request bodies (the saves) into these folders.
    directory.chmod(0o755)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir(exist_ok=True)
        (directory / sub).chmod(0o777)  # a throwaway benchmark folder
    config = directory / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {directory}/body;
  proxy_temp_path {directory}/proxy;
  fastcgi_temp_path {directory}/fastcgi;
  uwsgi_temp_path {directory}/uwsgi;
  scgi_temp_path {directory}/scgi;
  client_max_body_size 20m;
  keepalive_requests 100000;
  upstream portal {{ server {HOST}:{app_port}; }}
  server {{
    listen {HOST}:{listen_port} backlog=4096;
    location / {{
      proxy_pass http://portal;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
      proxy_read_timeout 60s;
    }}
  }}
}}
""",
        encoding="utf-8",
    )
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def parse_mix(text: str) -> dict[str, float]:
    """'home=20,report=40,sheet=25,save=15' as shares that sum to 1."""
    weights = {kind: 0.0 for kind in MIX_KINDS}
    for item in text.split(","):
        kind, _, value = item.partition("=")
        _common.require(kind.strip() in weights, f"--mix: unknown kind {kind!r} ({MIX_KINDS})")
        weights[kind.strip()] = float(value)
    total = sum(weights.values())
    _common.require(all(w >= 0 for w in weights.values()), "--mix: negative weight")
    _common.require(total - weights["save"] > 0, "--mix needs some reads (home, report, sheet)")
    return {kind: weight / total for kind, weight in weights.items()}


def mix_text(mix: dict[str, float]) -> str:
    return ", ".join(f"{kind} {100 * share:.0f} %" for kind, share in mix.items() if share)


def targets(officer_name: str, mix: dict[str, float]) -> tuple[str, list[Target], MixedPlan]:
    """The officer's session key, the targets to load and the mixed target's plan."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from districts.access import membership_of
    from indicators.models import Assignment

    officer = get_user_model().objects.get(username=officer_name)
    membership = membership_of(officer)
    if membership is None or membership.district is None:
        raise SystemExit(f"{officer_name} is not a district officer")
    district = membership.district
    assignment = (
        Assignment.objects.filter(district=district)
        .annotate(n=Count("reports", distinct=True))
        .filter(n=4)
        .order_by("-indicator__fiscal_year__year", "indicator__code")
        .first()
    )
    if assignment is None:
        raise SystemExit("the officer's district has no assignment with four reports")
    client = Client()
    client.force_login(officer)
    session = client.cookies["sessionid"].value
    plan = mixed_plan(officer, district)
    return (
        session,
        [
            Target("baseline", "trivial view, no cookie (baseline)", "/bench/ok/", False),
            Target("cookie", "trivial view, session cookie", "/bench/ok/", True),
            Target("healthz", "/healthz/ (middleware, SELECT 1)", "/healthz/", False),
            Target("sheet", "sheet page", f"/assignments/{assignment.pk}/", True),
            Target("home", f"district home {district.code}", f"/districts/{district.code}/", True),
            Target(
                "mixed",
                f"mixed: {mix_text(mix)}",
                f"{len(plan.reports)} reports of {district.code}, FY {plan.fiscal_year}",
                True,
                mixed=True,
            ),
        ],
        plan,
    )


def mixed_plan(officer: Any, district: Any) -> MixedPlan:
    """The reports the officer can save now (current fiscal year) and the pages read."""
    from django.utils import timezone

    from demo.synthetic import _Text
    from indicators.fiscal import current_fiscal_year
    from indicators.models import MeasurementKind
    from reports.editing import edit_check
    from reports.models import EDITABLE_STATUSES, Report

    year = current_fiscal_year()
    today = timezone.localdate()
    candidates = (
        Report.objects.filter(
            assignment__district=district,
            assignment__indicator__fiscal_year__year=year,
            status__in=EDITABLE_STATUSES,
        )
        .select_related("assignment__indicator__fiscal_year")
        .order_by("assignment__indicator__code", "quarter", "pk")
    )
    reports = []
    for report in candidates:
        if not edit_check(
            assignment=report.assignment,
            quarter=report.quarter,
            status=report.status,
            actor=officer,
            today=today,
        ).allowed:
            continue
        reports.append(
            PoolReport(
                report.pk,
                report.assignment_id,
                report.quarter,
                f"/assignments/{report.assignment_id}/q{report.quarter}/",
                report.assignment.indicator.kind == MeasurementKind.VALUE,
            )
        )
    if not reports:
        raise SystemExit(
            f"no editable report (draft/returned/reopened, deadline not passed) of FY {year} "
            f"in district {district.code}: the mixed target has nothing to save"
        )
    # Reproducible filler text, not secrets.
    rng = random.Random(f"bench-load-{district.code}-{year}")  # noqa: S311
    text = _Text(rng)
    narratives = {
        quarter: [
            text.paragraph(
                int(rng.triangular(300, 2000, 500)),
                f"ในไตรมาสที่ {quarter} สำนักงานเขต{district.name_th} ",
            )
            for _ in range(NARRATIVES_PER_QUARTER)
        ]
        for quarter in sorted({r.quarter for r in reports})
    }
    return MixedPlan(
        district.code,
        year,
        officer.pk,
        reports,
        {
            "home": [f"/districts/{district.code}/"],
            "report": [r.path for r in reports],
            "sheet": sorted({f"/assignments/{r.assignment_pk}/" for r in reports}),
        },
        narratives,
    )


def open_url(
    url: str,
    headers: dict[str, str],
    data: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, str, Any]:
    """Status, body and headers, without following redirects."""
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (http://127.0.0.1 only)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read().decode(errors="replace"), response.headers
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode(errors="replace"), error.headers


def get_status(url: str, session: str | None, timeout: float = 30) -> int:
    headers = {"X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    return open_url(url, headers, timeout=timeout)[0]


def drain(base: str) -> None:
    """Wait until gunicorn has answered what the last wrk run left in its queue."""
    if get_status(base + "/healthz/", None, timeout=600) != 200:
        raise SystemExit("gunicorn stopped answering /healthz/")


# --- the mixed target --------------------------------------------------------------------------


@dataclass
class Csrf:
    token: str
    cookie: str  # the Cookie header: sessionid and csrftoken


def csrf_for(base: str, session: str, plan: MixedPlan) -> Csrf:
    """The csrftoken cookie set by the report page, as the browser gets it."""
    path = plan.reports[0].path
    status, body, headers = open_url(
        base + path, {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={session}"}
    )
    _common.require(status == 200, f"GET {path} answered {status}")
    _common.require('id="main-form"' in body, f"{path}: the officer cannot edit this report")
    jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    _common.require("csrftoken" in jar, f"GET {path} set no csrftoken cookie")
    token = jar["csrftoken"].value
    return Csrf(token, f"sessionid={session}; csrftoken={token}")


def save_body(csrf: Csrf, version: int, result: str, narrative: str) -> str:
    """The form as mixed.lua posts it (same order, same encoding)."""
    return (
        f"csrfmiddlewaretoken={csrf.token}&version={version}{result}"
        f"&narrative={urllib.parse.quote_plus(narrative)}"
    )


def result_field(report: Any, value_kind: bool) -> str:
    """The result field as the page posts it (value indicators only): the current value."""
    if not value_kind:
        return ""
    return "&result=" + (
        "" if report.result is None else urllib.parse.quote_plus(str(report.result))
    )


def save_headers(base_origin: str, csrf: Csrf, path: str) -> dict[str, str]:
    return {
        "X-Forwarded-Proto": "https",
        "Cookie": csrf.cookie,
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "HX-Request": "true",
        "HX-Target": "main",
        "HX-Current-URL": base_origin + path,
        "X-CSRFToken": csrf.token,
        "Origin": base_origin,
        "Referer": base_origin + path,
    }


def verify_save(base: str, origin: str, csrf: Csrf, plan: MixedPlan) -> str:
    """One save through gunicorn exactly as wrk makes them; the database must show it."""
    from reports.forms import NARRATIVE_MAX
    from reports.models import Report

    pool = plan.reports[0]
    report = Report.objects.get(pk=pool.pk)
    before = report.version
    texts = plan.narratives[pool.quarter]
    narrative = next(t for t in texts if t != report.narrative)
    _common.require(len(narrative) <= NARRATIVE_MAX, "narrative too long")
    body = save_body(csrf, before, result_field(report, pool.value_kind), narrative)
    status, answer, _headers = open_url(
        base + pool.path, save_headers(origin, csrf, pool.path), body.encode("ascii")
    )
    shown = re.search(r'id="report-version" form="main-form" value="(\d+)"', answer)
    _common.require(
        status == 200 and answer.lstrip().startswith('<section id="main"'),
        f"save of {pool.path} answered {status}:\n{answer[:2000]}",
    )
    _common.require('role="alert"' not in answer, f"save of {pool.path} shows an error")
    _common.require(
        shown is not None and int(shown.group(1)) == before + 1,
        f"save of {pool.path}: status bar version {shown and shown.group(1)}, not {before + 1}",
    )
    report.refresh_from_db()
    _common.require(
        report.version == before + 1
        and report.narrative == narrative
        and report.updated_by_id == plan.officer_pk,
        f"save of {pool.path} answered 200 but the row did not change as posted",
    )
    return (
        f"verified: POST {pool.path} -> 200, version {before} -> {report.version}, "
        f"narrative of {len(narrative)} characters stored, updated_by {report.updated_by}"
    )


def lua_string(text: str) -> str:
    safe = re.fullmatch(r"[\w%+.\-~/:;=,& ]*", text, flags=re.ASCII)
    _common.require(safe, f"unsafe for Lua: {text!r}")
    return f'"{text}"'


def write_mixed_data(
    directory: Path, plan: MixedPlan, csrf: Csrf, origin: str, mix: dict[str, float]
) -> tuple[Path, int]:
    """The data file mixed.lua reads (current versions); and the sum of those versions."""
    from reports.models import Report

    rows = Report.objects.in_bulk([r.pk for r in plan.reports])
    lines = [
        "return {",
        f"  threads = {THREADS},",
        f"  save_share = {mix['save']!r},",
        f"  csrf = {lua_string(csrf.token)},",
        f"  cookie = {lua_string(csrf.cookie)},",
        f"  origin = {lua_string(origin)},",
        "  reports = {",
    ]
    for pool in plan.reports:
        row = rows[pool.pk]
        result = lua_string(result_field(row, pool.value_kind))
        lines.append(
            f"    {{path = {lua_string(pool.path)}, version = {row.version}, "
            f"quarter = {pool.quarter}, result = {result}}},"
        )
    lines += ["  },", "  narratives = {"]
    for quarter, texts in plan.narratives.items():
        encoded = ", ".join(lua_string(urllib.parse.quote_plus(t)) for t in texts)
        lines.append(f"    [{quarter}] = {{{encoded}}},")
    lines += ["  },", "  reads = {"]
    for kind, paths in plan.reads.items():
        if mix[kind] > 0:
            listed = ", ".join(lua_string(p) for p in paths)
            lines.append(
                f"    {{kind = {lua_string(kind)}, weight = {mix[kind]!r}, paths = {{{listed}}}}},"
            )
    lines += ["  },", "}"]
    path = directory / "mixed-data.lua"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path, sum(row.version for row in rows.values())


def version_sum(plan: MixedPlan) -> int:
    from django.db.models import Sum

    from reports.models import Report

    total = Report.objects.filter(pk__in=[r.pk for r in plan.reports]).aggregate(n=Sum("version"))
    return int(total["n"] or 0)


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "60")))
    parser.add_argument("--connections", default="50,250")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", default="30s", help="wrk's per-request timeout")
    parser.add_argument(
        "--only",
        help=f"comma-separated targets to run, of {', '.join(TARGET_KEYS)} (default: all); "
        "the last column needs baseline",
    )
    parser.add_argument(
        "--mix", default=DEFAULT_MIX, help=f"mixed target's shares (default {DEFAULT_MIX})"
    )
    parser.add_argument(
        "--think",
        default="0,10",
        help="mixed target: each user's mean pause between requests, in seconds, one run per "
        "value (default 0,10: 0 = no pause, the server's saturation; 10 = people reading and "
        "typing, a pause drawn uniformly from 0 to 20 s)",
    )
    parser.add_argument(
        "--no-proxy",
        dest="proxy",
        action="store_false",
        help="send wrk straight to gunicorn instead of through nginx (installed if missing)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    think_values = [float(t) for t in args.think.split(",")]
    only = [key.strip() for key in args.only.split(",")] if args.only else list(TARGET_KEYS)
    unknown = set(only) - set(TARGET_KEYS)
    _common.require(not unknown, f"--only: unknown target(s) {sorted(unknown)}; {TARGET_KEYS}")
    mix = parse_mix(args.mix)
    connection_counts = [int(c) for c in args.connections.split(",")]

    wrk = ensure_wrk()
    _common.setup_django()
    load_before = _common.machine_load()
    session, all_targets, plan = targets(args.officer, mix)
    selected = [t for t in all_targets if t.key in only]
    from django.db import connections

    connections.close_all()

    app_port = free_port()
    env = {**os.environ, "PYTHONPATH": str(_common.ROOT)}
    gunicorn = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            str(_common.ROOT / ".venv" / "bin" / "gunicorn"),
            "kpi_portal.wsgi",
            "--bind",
            f"{HOST}:{app_port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=_common.ROOT,
        env=env,
        start_new_session=True,
    )
    servers = [gunicorn]
    port = app_port
    proxy_dir = tempfile.TemporaryDirectory(prefix="kpi-bench-nginx-")
    if args.proxy:
        port = free_port()
        servers.append(
            subprocess.Popen(  # noqa: S603 (fixed arguments)
                [
                    ensure_nginx(),
                    "-e",
                    f"{proxy_dir.name}/error.log",
                    "-c",
                    str(nginx_config(Path(proxy_dir.name), port, app_port)),
                ],
                start_new_session=True,
            )
        )

    def stop(signum: int | None = None, frame: FrameType | None = None) -> None:
        for server in reversed(servers):
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
        if signum is not None:
            raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    notes: list[str] = []
    rows: list[tuple[Target, int, WrkResult, float]] = []
    try:
        base = f"http://{HOST}:{port}"
        origin = f"https://{HOST}:{port}"
        for _ in range(100):
            try:
                if get_status(base + "/healthz/", None) == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer /healthz/")
        csrf: Csrf | None = None
        if any(t.mixed for t in selected):
            csrf = csrf_for(base, session, plan)
            for kind, paths in plan.reads.items():
                status, _body, _headers = open_url(
                    base + paths[0], {"X-Forwarded-Proto": "https", "Cookie": csrf.cookie}
                )
                if status != 200:
                    raise SystemExit(f"{kind} {paths[0]} answered {status}, not 200")
            verified = verify_save(base, origin, csrf, plan)
            connections.close_all()
            notes.append(verified)
            print(verified, file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="kpi-bench-load-") as scratch:
            for target in selected:
                cookie = ["-H", f"Cookie: sessionid={session}"] if target.with_cookie else []
                if not target.mixed:
                    status = get_status(base + target.path, session if target.with_cookie else None)
                    if status != 200:
                        raise SystemExit(
                            f"{target.path} answered {status}, not 200: wrk would count it as OK"
                        )
                runs = [
                    (c, think)
                    for c in connection_counts
                    for think in (think_values if target.mixed else [0.0])
                ]
                for connections_count, think in runs:
                    drain(base)
                    script_args: list[str] = []
                    versions_before = 0
                    if target.mixed:
                        if csrf is None:
                            raise SystemExit("no CSRF token for the mixed target")
                        data, versions_before = write_mixed_data(
                            Path(scratch), plan, csrf, origin, mix
                        )
                        connections.close_all()
                        cookie = []  # mixed.lua sends the session and CSRF cookies itself
                        script_args = ["--", str(data)]
                    command = [
                        wrk,
                        f"-t{THREADS}",
                        f"-c{connections_count}",
                        f"-d{args.duration}s",
                        f"--timeout={args.timeout}",
                        "--latency",
                        "-s",
                        str(SCRIPT),
                        "-H",
                        "X-Forwarded-Proto: https",
                        *cookie,
                        base + (target.path if not target.mixed else "/"),
                        *script_args,
                    ]
                    # Read by mixed.lua when wrk loads it: a delay() hook only if set.
                    wrk_env = {**os.environ, "KPI_THINK_MS": str(round(think * 1000))}
                    output = subprocess.run(  # noqa: S603 (our own wrk command)
                        command, capture_output=True, text=True, check=True, env=wrk_env
                    ).stdout
                    result = parse_wrk(output)
                    if target.mixed:
                        drain(base)  # saves still queued when wrk stopped are committed too
                        result.committed_saves = version_sum(plan) - versions_before
                        connections.close_all()
                    rows.append((target, connections_count, result, think))
                    print(
                        f"{target.key} c={connections_count} think {think:g} s: "
                        f"{result.requests_per_s:.1f} req/s, "
                        f"p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                        f"p99 {result.p99_ms:.1f} ms, errors {result.errors}",
                        file=sys.stderr,
                    )
    finally:
        stop()

    baseline = {c: r.requests_per_s for t, c, r, _think in rows if t.key == "baseline"}
    proxy_note = " behind nginx (a buffering proxy, as in production)" if args.proxy else ""
    lines = [
        f"database {_common.database_name()}; gunicorn {args.workers} sync workers on "
        f"{HOST}{proxy_note}; wrk -t{THREADS} -d{args.duration}s --timeout {args.timeout} "
        f"on the same {os.cpu_count()} CPUs; GETs, and report saves (POST) in the mixed target",
        "",
        "| target | connections | requests/s | p50 ms | p95 ms | p99 ms | requests | saves | "
        "non-2xx/3xx | rejected 2xx/3xx | socket errors | vs trivial view |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for target, c, r, think in rows:
        ratio = f"{100 * r.requests_per_s / baseline[c]:.1f} %" if c in baseline else "–"
        label = f"{target.label}, pause {think:g} s" if target.mixed else target.label
        saves = f"{r.accepted.get('save', 0):,}" if target.mixed else "–"
        rejected = str(r.rejected_below_400) if target.mixed else "–"
        lines.append(
            f"| {label} | {c} | {r.requests_per_s:,.1f} | {r.p50_ms:.1f} | "
            f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.requests:,} | {saves} | {r.non_2xx_3xx} | "
            f"{rejected} | {r.socket_errors} | {ratio} |"
        )
    lines.append("")
    if not baseline:
        lines.append("(baseline not run: add it for the last column, e.g. --only baseline,mixed)")
    for target, c, r, think in rows:
        if not target.mixed:
            continue
        sent = ", ".join(f"{k} {v:,}" for k, v in sorted(r.sent.items()))
        accepted = ", ".join(f"{k} {v:,}" for k, v in sorted(r.accepted.items())) or "none"
        refused = ", ".join(f"{k}: {v:,}" for k, v in sorted(r.rejected.items())) or "none"
        committed = r.committed_saves if r.committed_saves is not None else "?"
        check = "" if (r.committed_saves or 0) >= r.accepted.get("save", 0) else " MISMATCH"
        goal = "met" if r.errors == 0 and r.p95_ms <= 300 else "not met"
        lines.append(
            f"mixed c={c} pause {think:g} s: sent {sent} (saves turned into reads, all of the "
            f"thread's reports busy: {r.skipped_saves}); accepted {accepted}; "
            f"rejected by status {refused}; "
            f"errors {r.errors}; saves committed in the database {committed}{check} "
            f"(includes saves in flight when wrk stopped); goal 0 errors and p95 <= 300 ms: "
            f"{goal}"
        )
    lines += [
        *notes,
        "",
        f"before: {load_before}",
        f"after: {_common.machine_load()}",
    ]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
