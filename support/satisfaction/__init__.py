"""Satisfaction: "Did this solve your problem?" for solutions and cases."""
