"""An S3-compatible object store for tests: moto's S3 HTTP API (``moto_server``) in a
process of its own on a free port, and the portal's default storage pointed at a
fresh bucket in it, with the settings kpi_portal/settings.py builds for
STORAGE_BACKEND=s3. Fixtures ``s3_server`` and ``s3_bucket`` (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "kpi-evidence"
PREFIX = "portal"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 API server, started for these tests and stopped after them."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def s3_environment(endpoint: str) -> dict[str, str]:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "kpi-test",
        "S3_SECRET_ACCESS_KEY": "kpi-test-secret",
        "S3_PREFIX": PREFIX,
    }


def storages_from_settings(environment: dict[str, str]) -> dict[str, Any]:
    """STORAGES as kpi_portal/settings.py builds them from these variables."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from kpi_portal import settings; print(json.dumps(settings.STORAGES))",
        ],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "DEBUG": "true", **environment},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    storages: dict[str, Any] = json.loads(done.stdout)
    return storages


@pytest.fixture
def s3_bucket(s3_server: str, tmp_path: Path) -> Iterator[S3Bucket]:
    """An empty bucket, the portal's default storage pointed at it, and an empty
    local media folder that must stay empty."""
    import boto3

    environment = s3_environment(s3_server)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="kpi-test",
        aws_secret_access_key="kpi-test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    storages = storages_from_settings(environment)
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    storages["staticfiles"] = settings.STORAGES["staticfiles"]
    media = tmp_path / "media"
    media.mkdir()
    with override_settings(STORAGES=storages, MEDIA_ROOT=media):
        yield S3Bucket(client, environment, media)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@dataclass
class S3Bucket:
    client: Any  # boto3's S3 client
    environment: dict[str, str]  # the variables that point a process at the bucket
    media: Path  # the local media folder, which must stay empty

    def objects(self) -> dict[str, bytes]:
        return objects(self.client)


def objects(client: Any) -> dict[str, bytes]:
    found = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        for item in found
    }
