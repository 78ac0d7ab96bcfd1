"""Moderation: flags, the review queue, sanctions, the audit log, personal-data holds."""
