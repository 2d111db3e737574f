"""申请材料包 — renewal, expired-licence and change application dossiers: a materials checklist from
the reference data (each item with owner, status and attached files kept with SM3), the proof that
each licensed service was launched (renewal), what must stop and where (expired licence), both legal
clocks of a change, and the submission and approval, after which the new licence revision is imported
and compared with the previous one.

States: open --submit--> submitted --approve--> approved. Submission goes through the registers the
obligations already listen to (a renewal filing, the change's own filing step), so no new event kind.
"""
