"""Italian: no weekday in front of every date and time ("12 Aprile 2026, 14:27")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
