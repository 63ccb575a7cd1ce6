"""Receipts: the printed and PDF page of a sale, and the dialog that previews it."""
