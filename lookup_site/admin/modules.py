"""Import the admin workspace's view modules so they register their routes."""
