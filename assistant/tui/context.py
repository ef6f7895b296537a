"""The app as its screens see it: ``the_app(widget)`` is ``widget.app`` typed as ours."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from assistant.tui.app import CaseReviewApp


def the_app(node: DOMNode) -> CaseReviewApp:
    """The running ``CaseReviewApp`` (Textual types ``node.app`` as any app)."""
    return cast("CaseReviewApp", node.app)
