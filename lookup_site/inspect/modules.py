"""Import the inspectors' view modules so they register their routes."""

from . import history, views  # noqa: F401
