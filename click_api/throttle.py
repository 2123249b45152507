"""Limits on what visitors may make Click send (SMS codes, invoices to phones): the pure rule.

What a visitor asks for is counted by its subject (the card or phone number, as a keyed hash), by
browser session, and by provider. The refusal names no limit: a stranger cannot tell from it
whether a card or phone exists.
"""
import hashlib
import hmac
from dataclasses import dataclass

SUBJECT = 'subject'
SESSION = 'session'
PROVIDER = 'provider'


@dataclass(frozen=True)
class Limits:
    """How many requests one hour allows per subject, per session and per provider."""
    per_subject: int
    per_session: int
    per_provider: int


def keyed_hash(secret, kind, value):
    """HMAC-SHA256 of ``value`` of ``kind`` ('card', 'phone', 'session'), keyed with the server's secret.

    The value itself (a card number, a phone number, a session id) is never stored.
    """
    return hmac.new(secret.encode(), f'{kind}:{value}'.encode(), hashlib.sha256).hexdigest()


def exceeded(limits, subject_count, session_count, provider_count):
    """Which limit the counts of the last hour have reached (SUBJECT, SESSION or PROVIDER), or None."""
    if subject_count >= limits.per_subject:
        return SUBJECT
    if session_count >= limits.per_session:
        return SESSION
    if provider_count >= limits.per_provider:
        return PROVIDER
    return None
