"""Text from data shown literally: a name such as ``<b>x</b>`` is never read as markup."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """Tooltip text that Qt shows literally, line breaks kept."""
    return f"<p style='white-space:pre'>{html.escape(text)}</p>"
