"""Background jobs: outbox delivery, formal-record sync, health figures."""
