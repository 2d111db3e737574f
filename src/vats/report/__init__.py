"""Outputs: JSON, HTML, ICS, XLSX and CSV renderings of licences, obligations and registers."""
