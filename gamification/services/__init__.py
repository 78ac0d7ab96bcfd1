"""Every write of the gamification app; see ../shared/ARCHITECTURE.md."""
