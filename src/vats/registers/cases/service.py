"""The disposal-case register's named service functions: the generic service bound to its spec."""

from vats.registers.cases.spec import SPEC
from vats.registers.generic.service import bind

add_case, get_case, list_cases, dispose_case, report_case, close_case = bind(
    SPEC, "dispose", "report", "close"
)
