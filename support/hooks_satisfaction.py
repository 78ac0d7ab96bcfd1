"""Receivers and page sections this part of support connects in SupportConfig.ready()."""


def connect() -> None:
    """Register receivers and sections; called once from SupportConfig.ready()."""
