from tests.mailbox import mailbox, smtp_server

__all__ = ["mailbox", "smtp_server"]
