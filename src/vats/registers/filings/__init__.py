"""申报材料登记 — annual reports (licence provision 十四), renewal, not-continuing and change

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
