"""Import the inspectors' view modules so they register their routes."""
