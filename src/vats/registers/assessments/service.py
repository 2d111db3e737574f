"""The security-assessment register's named service functions: the generic service bound to its spec."""

from vats.registers.assessments.spec import SPEC
from vats.registers.generic.service import bind

add_assessment, get_assessment, list_assessments, complete_assessment, report_assessment, close_assessment = (
    bind(SPEC, "complete", "report", "close")
)
