"""Notifications: the outbox relay, delivery channels and Chinese message templates."""
