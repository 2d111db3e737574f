"""Automated evidence: homepage licence-display crawler, inventory and scope reconciliation."""
