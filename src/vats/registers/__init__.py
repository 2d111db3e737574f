"""Registers the licence provisions require (cases, complaints, incidents, assessments, changes,
filings); each concept is a package with the same files: models, schemas, service, api, cli."""
