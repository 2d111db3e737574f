"""安全评估登记 — security assessments: new technology / new business (licence provisions 十五(八),

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
