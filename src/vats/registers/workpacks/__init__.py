"""年报工作底稿 — the annual report workpack: one per licence and report year, pre-filled from what vats
holds (each value with its source), filled in by people, checked like the online form, exported for
entry into the online system, and frozen once its submission is recorded.

States: draft --submit--> submitted. Submission goes through the filings register, so the
annual-report obligation is satisfied by the same `annual_report_filed` event as before.
"""
