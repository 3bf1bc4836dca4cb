"""robots.txt: fetched with our own User-Agent, archived like any page, obeyed via protego.

A 2xx answer is parsed; a 4xx means there are no rules (allow everything); a 5xx, a timeout or
a connection failure means "not readable yet", so everything is disallowed for this run.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass(frozen=True)
class RobotsRules:
    """What robots.txt allows for one user agent, and the Crawl-delay it asks for."""

    parser: Protego | None
    user_agent: str
    allow_all: bool = False
    deny_all: bool = False
    reason: str = ""

    @classmethod
    def from_response(cls, status: int | None, body: bytes, user_agent: str) -> RobotsRules:
        if status is None or status >= 500:
            why = f"HTTP {status}" if status else "unreachable"
            return cls(None, user_agent, deny_all=True, reason=f"robots.txt {why}: disallow all")
        if status >= 400:
            return cls(
                None, user_agent, allow_all=True, reason=f"robots.txt HTTP {status}: no rules"
            )
        if status >= 300:
            return cls(None, user_agent, allow_all=True, reason="robots.txt redirected: no rules")
        text = body.decode("utf-8", errors="replace")
        return cls(Protego.parse(text), user_agent, reason="robots.txt obeyed")

    def allowed(self, url: str) -> bool:
        if self.deny_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, self.user_agent))

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None
