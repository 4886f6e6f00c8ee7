"""What the three workspaces (producer, inspect, admin) share: their menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app, request

# (the menu entry's endpoint, its label, endpoint prefixes of the pages in its section)
MenuEntry = tuple[str, object, tuple[str, ...]]


def navigation(entries: Sequence[MenuEntry]) -> Callable[[], dict]:
    """Return a context processor offering the menu, the current section marked."""

    def processor() -> dict:
        endpoints = current_app.view_functions
        here = request.endpoint or ""
        return {
            "workspace_nav": [
                (endpoint, label, here.startswith(prefixes))
                for endpoint, label, prefixes in entries
                if endpoint in endpoints
            ],
            "workspace_views": endpoints,
        }

    return processor
