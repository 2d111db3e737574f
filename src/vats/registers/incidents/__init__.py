"""网络安全事件登记 — the incidents register (licence provision 八; Order 24 art. 14).

Declared by `spec.py`; see docs/adding-a-register.md for what each file holds."""
