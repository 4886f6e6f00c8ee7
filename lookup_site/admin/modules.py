"""Import the admin workspace's view modules so they register their routes."""

from . import analytics, audit, dashboard, labels, portal, producers, programme, users  # noqa: F401
