"""Notifications: signed webhooks fed by the live-event journal, delivered by the job queue."""
