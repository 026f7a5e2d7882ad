"""The demo leaves the district users a reminder under the bell, once."""

from __future__ import annotations

import pytest

from demo.notices import demo_notifications
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_the_demo_rings_each_district_users_bell_once(demo: None) -> None:
    assert demo_notifications() == 3
    assert demo_notifications() == 0  # bin/run loads the demo on every start
    told = sorted(
        Notification.objects.filter(kind=Kind.DEADLINE).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == ["huaikhwang", "huaikhwang_head", "phranakhon"]
