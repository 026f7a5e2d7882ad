"""The error every service raises when it refuses an action."""

from __future__ import annotations


class ActionRefused(Exception):
    """A refused action; the message is shown to the user as it is (in Thai)."""
