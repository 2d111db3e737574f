"""The incidents register's named service functions: the generic service bound to its spec."""

from vats.registers.generic.service import bind
from vats.registers.incidents.spec import SPEC

(
    add_incident,
    get_incident,
    list_incidents,
    contain_incident,
    report_incident,
    follow_up_incident,
    close_incident,
) = bind(SPEC, "contain", "report", "follow_up", "close")
