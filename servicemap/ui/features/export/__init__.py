"""File > Export…, Print… and Edit > Copy as image: the map as a picture (feature.py) and
the export dialog with its preview (dialog.py)."""
