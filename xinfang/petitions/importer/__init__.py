"""Import historical petitions from .xlsx or .csv, with a report in Chinese (row, column, problem).

Two modes: all-or-nothing (default: any bad row and nothing is stored) and partial (the good rows are
stored, the bad ones reported). Every row gets a keyed fingerprint of its normalized content stored in
`ImportRecord`, and a given 编号 must be new, so importing the same file twice creates nothing twice.
Rows are written through `petitions.bulk` (numbers, sealed ID/phone, timeline, deadlines, audit).

Hostile files: the size is checked before anything is read; an .xlsx (a zip) has its members'
declared uncompressed sizes and compression ratios checked before openpyxl opens it; rows and
columns are capped; python-calamine reads the sheet (openpyxl writes templates and exports).
"""

from .columns import COLUMNS, HEADERS, LATER_COLUMNS, max_bytes, max_rows
from .files import check_size, check_zip, read_rows
from .report import FileRejected, ImportReport, Problem
from .rows import fingerprint, parse_row
from .run import header_keys, import_file, import_office
from .templates import template_csv, template_xlsx

__all__ = [
    "COLUMNS",
    "HEADERS",
    "LATER_COLUMNS",
    "FileRejected",
    "ImportReport",
    "Problem",
    "check_size",
    "check_zip",
    "fingerprint",
    "header_keys",
    "import_file",
    "import_office",
    "max_bytes",
    "max_rows",
    "parse_row",
    "read_rows",
    "template_csv",
    "template_xlsx",
]
