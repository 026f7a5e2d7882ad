from collections.abc import Iterator

import pytest

from tests.i18n.language import data_forget
from tests.kpi_portal.test_access_matrix import world
from tests.mailbox import mailbox, smtp_server
from tests.reports.conftest import open_budget

__all__ = ["mailbox", "open_budget", "smtp_server", "world"]


@pytest.fixture(autouse=True)
def _data_read_afresh() -> Iterator[None]:
    """Each test reads the data its own database holds."""
    data_forget()
    yield
    data_forget()
