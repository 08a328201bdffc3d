"""servicemap: map how people move between NHS mental health and community services."""

__version__ = "0.1.0"
