"""Notifications: e-mails and an inbox for registry events, digests and reminders."""
