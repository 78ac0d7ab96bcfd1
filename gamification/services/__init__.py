"""Every write of the gamification app; see docs/architecture.md."""
