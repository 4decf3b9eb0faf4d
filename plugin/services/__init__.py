"""Application services: each writes domain rows and their outbox rows together."""
