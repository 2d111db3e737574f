"""用户投诉登记 — the complaints register (licence provision 五; Order 24 art. 12: reply within 15 days).

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
