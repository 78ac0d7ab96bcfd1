"""Insights: the staff dashboard, trending problems and the exports."""
