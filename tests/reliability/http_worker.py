"""One simulated officer, run as its own process by test_concurrency.py.

Standard library only (no Django): logs in through /login/ keeping cookies, opens
the report page, reads the CSRF token and the report version, prints READY,
waits for GO on stdin (so every worker fires at the same moment) and posts the
narrative to the given path. Prints one JSON line with the outcome.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

CONFLICT = "มีผู้อื่นบันทึกรายงานนี้ระหว่างที่คุณแก้ไข"
HOST = [""]  # the Host header, set once from the command line


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def local(base: str) -> tuple[str, str]:
    """The server's address on 127.0.0.1 and the Host header the server expects."""
    parts = urllib.parse.urlsplit(base)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("only the local live server may be called")
    return f"http://127.0.0.1:{parts.port}", parts.netloc


def call(
    opener: urllib.request.OpenerDirector,
    url: str,
    data: dict[str, str] | None,
    timeout: float,
) -> tuple[int, str, dict[str, str]]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    # S310: the scheme and host were checked in local().
    request = urllib.request.Request(url, data=body, headers={"Host": HOST[0]})  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def hidden(html: str, pattern: str) -> str:
    found = re.search(pattern, html)
    if found is None:
        raise SystemExit(f"not found in page: {pattern}")
    return found.group(1)


def main() -> None:
    base, page_path, post_path, username, password, narrative, timeout = sys.argv[1:8]
    limit = float(timeout)
    base, HOST[0] = local(base)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    status, html, _headers = call(opener, base + "/login/", None, limit)
    token = hidden(html, r'name="csrfmiddlewaretoken" value="([^"]+)"')
    status, html, headers = call(
        opener,
        base + "/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        limit,
    )
    if status != 302:
        raise SystemExit(f"login failed with {status}")

    status, html, _headers = call(opener, base + page_path, None, limit)
    if status != 200:
        raise SystemExit(f"report page answered {status}")
    token = hidden(html, r'name="csrfmiddlewaretoken" value="([^"]+)"')
    version = hidden(html, r'id="report-version"[^>]*value="(\d+)"')
    # What a browser sends along: the self-assessment as the page prefilled it.
    self_score = re.search(r'id="id_self_score"[^>]*value="([^"]*)"', html)

    print("READY", flush=True)
    if sys.stdin.readline().strip() != "GO":
        raise SystemExit("no GO")

    status, html, headers = call(
        opener,
        base + post_path,
        {
            "csrfmiddlewaretoken": token,
            "version": version,
            "narrative": narrative,
            "self_score": self_score.group(1) if self_score else "",
        },
        limit,
    )
    errors = re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, flags=re.S)
    print(
        json.dumps(
            {
                "status": status,
                "version_sent": int(version),
                "location": headers.get("Location", ""),
                "conflict": CONFLICT in html,
                "errors": [re.sub(r"<[^>]+>", "", e).strip() for e in errors],
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
