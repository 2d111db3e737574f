"""The complaints register's named service functions: the generic service bound to its spec."""

from vats.registers.complaints.spec import SPEC
from vats.registers.generic.service import bind

add_complaint, get_complaint, list_complaints, reply_complaint, close_complaint = bind(SPEC, "reply", "close")
