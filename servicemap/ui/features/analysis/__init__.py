"""The Analysis dock and the canvas overlays (feature.py), and the overlay marks and legend
(overlay.py)."""
