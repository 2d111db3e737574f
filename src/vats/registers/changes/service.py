"""The corporate-change register's named service functions: the generic service bound to its spec."""

from vats.registers.changes.spec import SPEC
from vats.registers.generic.service import bind

add_change, get_change, list_changes, file_change, close_change = bind(SPEC, "file", "close")
