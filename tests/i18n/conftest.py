from tests.kpi_portal.test_access_matrix import world

__all__ = ["world"]
