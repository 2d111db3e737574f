"""公司变更登记 — corporate changes that must be applied for or reported to the issuing authority

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
