"""The production topology, as far as it can be checked without a Docker engine:
nginx's configuration (nginx -t), what docker-compose.yml publishes and trusts,
the settings' refusals (in a fresh process each), and the Dockerfile's layers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.proxy import DEPLOY, ROOT, ensure_nginx, ensure_program

MB = 1024 * 1024


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_process(**environment: str) -> subprocess.CompletedProcess[str]:
    """Load the settings in a new process with only these variables (and PATH) set."""
    return subprocess.run(
        [sys.executable, "-c", "import kpi_portal.settings"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_nginx_accepts_the_production_config() -> None:
    nginx = ensure_nginx()
    openssl = ensure_program("openssl", "openssl")
    with tempfile.TemporaryDirectory(prefix="kpi-nginx-t-") as name:
        directory = Path(name)
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                openssl,
                *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-subj", "/CN=localhost"),
                *("-keyout", str(directory / "privkey.pem")),
                *("-out", str(directory / "fullchain.pem")),
            ],
            check=True,
            capture_output=True,
        )
        # The files as docker-compose mounts them; "web" only resolves inside compose.
        site = (DEPLOY / "nginx.conf").read_text()
        site = site.replace("/etc/nginx/kpi-portal/proxy.conf", str(DEPLOY / "proxy.conf"))
        site = site.replace("/etc/nginx/tls/", f"{directory}/")
        site = site.replace("server web:8000;", "server 127.0.0.1:8000;")
        site = re.sub(
            r"listen (\[::\]:)?(80|443)", lambda m: f"listen {m[1] or ''}{18000 + int(m[2])}", site
        )
        (directory / "default.conf").write_text(site)
        temp = " ".join(
            f"{kind}_temp_path {directory}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (directory / "nginx.conf").write_text(
            f"pid {directory}/nginx.pid;\nevents {{}}\n"
            f"http {{ {temp} include {directory}/default.conf; }}\n"
        )
        checked = subprocess.run(  # noqa: S603 (fixed arguments)
            [nginx, "-t", "-e", str(directory / "error.log"), "-c", str(directory / "nginx.conf")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_nginx_sets_the_forwarded_headers_and_buffers() -> None:
    proxy = (DEPLOY / "proxy.conf").read_text()
    for directive in (
        "proxy_set_header X-Forwarded-For $remote_addr;",  # replaced, never appended to
        "proxy_set_header X-Forwarded-Proto $scheme;",
        'proxy_set_header Forwarded "";',
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "proxy_read_timeout",
    ):
        assert directive in proxy
    site = (DEPLOY / "nginx.conf").read_text()
    for directive in ("client_body_timeout", "client_header_timeout", "send_timeout"):
        assert directive in site


def test_nginx_body_limit_matches_the_upload_limit() -> None:
    from django.conf import settings

    found = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx.conf").read_text())
    assert found is not None
    limit = int(found[1]) * MB
    portal = compose()["x-portal-environment"]
    upload = int(portal["EVIDENCE_MAX_BYTES"])
    assert upload == settings.EVIDENCE_MAX_BYTES  # the documented default
    # Room for the multipart form around the file, and no more.
    assert upload < limit <= upload + MB


def test_only_nginx_is_published_and_only_nginx_is_trusted() -> None:
    services = compose()["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]
    nginx_address = services["proxy"]["networks"]["portal"]["ipv4_address"]
    for name in ("web", "worker"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == nginx_address
    assert "env_file" not in services["web"]  # config works without a .env


def test_compose_config_works_without_a_dot_env() -> None:
    docker_compose = ensure_program("docker-compose", "docker-compose")
    with tempfile.TemporaryDirectory(prefix="kpi-compose-") as name:
        project = Path(name)
        (project / "docker-compose.yml").write_text((ROOT / "docker-compose.yml").read_text())
        env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
        checked = subprocess.run(  # noqa: S603 (fixed arguments)
            [docker_compose, "--project-directory", name, "config"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert checked.returncode == 0, checked.stderr
    config = yaml.safe_load(checked.stdout)
    # No secret is invented: empty, so the portal and the database refuse to start.
    assert config["services"]["web"]["environment"]["SECRET_KEY"] in ("", None)
    assert config["services"]["db"]["environment"]["POSTGRES_PASSWORD"] in ("", None)


class TestSecretKey:
    REAL = "k" * 20 + "-a-long-random-value-nobody-copied-0123456789"

    def example_key(self) -> str:
        found = re.search(r"^SECRET_KEY=(.*)$", (ROOT / ".env.example").read_text(), re.M)
        assert found is not None
        return found[1].strip()

    @pytest.mark.parametrize("which", ["example", "empty", "development"])
    def test_refused_with_debug_off(self, which: str) -> None:
        key = {
            "example": self.example_key(),
            "empty": "",
            "development": "insecure-dev-only-not-for-production",
        }[which]
        loaded = settings_process(DEBUG="false", SECRET_KEY=key)
        assert loaded.returncode != 0
        assert "SECRET_KEY must be set" in loaded.stderr

    def test_the_documented_defaults_suffice_besides_the_key(self) -> None:
        loaded = settings_process(DEBUG="false", SECRET_KEY=self.REAL)
        assert loaded.returncode == 0, loaded.stderr

    def test_development_needs_no_key(self) -> None:
        assert settings_process(DEBUG="true").returncode == 0


def test_dockerfile_installs_dependencies_before_copying_the_code() -> None:
    steps = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if re.match(r"\s*(COPY|RUN|ADD)\b", line)
    ]
    install = next(i for i, step in enumerate(steps) if "pip install" in step)
    code = steps.index("COPY . .")
    assert install < code
    assert [s for s in steps[:install] if s.startswith(("COPY", "ADD"))] == [
        "COPY pyproject.toml ./"
    ]
    assert "SECRET_KEY=" not in "\n".join(steps)  # no key baked into the image


def test_pyproject_alone_installs() -> None:
    """What the Dockerfile's dependency layer sees: pyproject.toml and nothing else."""
    with tempfile.TemporaryDirectory(prefix="kpi-deps-") as name:
        source = Path(name) / "src"
        source.mkdir()
        (source / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
        built = subprocess.run(  # noqa: S603 (fixed arguments)
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", name, str(source)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        wheels = list(Path(name).glob("kpi_portal-*.whl"))
    assert built.returncode == 0, built.stderr[-2000:]
    assert len(wheels) == 1
