"""违法信息处置登记 — disposal cases of illegal information (licence provision 九, Order 292 art. 16).

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
