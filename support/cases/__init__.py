"""Cases: escalation to staff, SLA policies and the scan, routing to agents."""
