"""Fill a workbook that LibreOffice saved, as a planner's script would (openpyxl drops the
saved values of every formula, so LibreOffice's TRUE()/FALSE() cells have none left).

    python fill_with_openpyxl.py IN.xlsx OUT.xlsx
"""

import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Services"]
head = [c.value for c in ws[1]]
ws.append({head.index("kind") + 1: "service", head.index("name") + 1: "Home treatment team",
           head.index("pinned") + 1: "=TRUE", head.index("capacity") + 1: "=12"})
wb.save(sys.argv[2])
