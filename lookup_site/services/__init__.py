"""Domain services: views hand work to these, which raise domain errors."""
