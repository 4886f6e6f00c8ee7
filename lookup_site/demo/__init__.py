"""The fictitious Hai Phong demo catalogue: `flask seed-demo` loads it once."""

from .loader import DemoSummary, load_demo

__all__ = ["DemoSummary", "load_demo"]
