"""Documents -> model: decoding, normalisation, field extraction, number grammar, PDF/OCR adapters."""
