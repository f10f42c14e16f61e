"""The one interface every channel's backend offers: send a message, and (after a sender died between
sending and recording) look up whether a message went out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    key: str  # the message's unique key: the same on every retry
    to: str  # the clear address (decrypted just now)
    to_masked: str
    subject: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # the provider template's variables
    template_codes: dict[str, str] = field(default_factory=dict)  # provider → approved template
    urgent: bool = False

    @property
    def idempotency_key(self) -> str:
        """A short stable token for the provider (Aliyun OutId, Tencent SessionContext, our log)."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SendResult:
    provider: str
    provider_id: str
    delivered: bool = False  # the channel itself confirms delivery (inbox); providers report later


class SendFailed(Exception):
    """The provider refused or could not be reached. `permanent`: retrying cannot help (bad number,
    template not approved); the message is given up at once."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class LookupUnavailable(Exception):
    """The provider cannot say whether an earlier send went out (no query by our key): the message is then
    given up rather than risk sending it twice."""


class Backend(Protocol):
    name: str

    def send(self, out: Outgoing) -> SendResult: ...

    def lookup(self, out: Outgoing) -> SendResult | None:
        """The earlier send of `out` if the provider has it, None if it has none. Raises
        LookupUnavailable when the provider cannot tell (then nobody may send it again)."""
        ...
