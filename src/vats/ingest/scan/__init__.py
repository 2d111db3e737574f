"""Scanned and photographed licences: page images, OCR, layout, seals, grammar corrections."""
