"""Every write of the support app; see ../shared/ARCHITECTURE.md."""
