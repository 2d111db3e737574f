"""The filings register's named service functions (the generic service bound to its spec) and its
attachments."""

from vats.registers.filings.attachments import attach_file, get_attachment, max_attachment_bytes
from vats.registers.filings.spec import SPEC
from vats.registers.generic.service import bind

add_filing, get_filing, list_filings, submit_filing, close_filing = bind(SPEC, "submit", "close")

__all__ = ["add_filing", "attach_file", "close_filing", "get_attachment", "get_filing", "list_filings"]
__all__ += ["max_attachment_bytes", "submit_filing"]
