"""Every write of the support app; see docs/architecture.md."""
