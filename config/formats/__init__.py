"""Mutua's date formats where Django's defaults for a language don't suit a community page
(FORMAT_MODULE_PATH): only the names set here differ from Django's own formats."""
