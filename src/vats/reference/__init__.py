"""Reference data as files with schemas (catalogue, regions, holiday calendar, rules) and their loaders."""
