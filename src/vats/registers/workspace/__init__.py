"""The obligation workspace: owners, evidence, completions, waivers (four-eyes) and reopening.

Every action that changes an obligation's status is an event of the shared vocabulary, so the rules
engine, the status cache, ICS feeds and reports follow it at once and the audit chain holds it; the
tables here keep what events cannot: uploaded files, owners and pending waiver requests.
"""
