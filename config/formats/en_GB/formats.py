"""British English: the 24-hour clock ("12 Apr 2026, 14:27", "12/04/2026 14:27")."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
