"""监管名单 — regulator lists (不良名单, 失信名单, 拟注销, 许可证发放名单) kept per organisation, the
counterparties it watches, and the findings a match produces.

A list is imported from a file the user saved (or a public page fetched behind the crawler's SSRF
guard), its columns mapped with a preview, and stored with its source, kind, digest and import time.
Every import is matched against the organisation's own companies and licences and its counterparties;
a hit becomes one stored finding with an owner, announced once by the notifier. The same hit found
again in a later import of the list is not a new finding.
"""
