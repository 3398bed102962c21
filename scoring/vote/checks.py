"""One person, one vote without a third party: the keyed hash of an address, the refused
disposable domains, the network and browser signature of a request, and the bot check (a small
proof-of-work solved by static/js/vote.js, a honeypot field and timing). Pure functions."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import signing

CHALLENGE_SALT = "scoring.vote.challenge"
CHALLENGE_MAX_AGE = 2 * 3600
HONEYPOT_FIELD = "website"

# Providers that ignore dots in the local part: "j.o.h.n@gmail.com" is "john@gmail.com".
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def normalise_email(email: str) -> str:
    """The canonical form of an address: lower case, "+tag" dropped, dots dropped where the
    provider ignores them, so that trivial variants of one mailbox give one vote."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def voter_hash(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


@cache
def disposable_domains() -> frozenset[str]:
    path = Path(__file__).with_name("disposable_domains.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_disposable(domain: str) -> bool:
    # A subdomain of a disposable service is disposable too (x.mailinator.com).
    parts = domain.lower().split(".")
    listed = disposable_domains()
    return any(".".join(parts[i:]) in listed for i in range(len(parts) - 1))


def client_ip(request) -> str:
    meta = request.META
    if "HTTP_X_FORWARDED_FOR" in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ()):
        # Behind a trusted proxy: the address that the nearest of PROXY_COUNT proxies saw.
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 1)
        if len(forwarded) >= count:
            return forwarded[-count]
    return meta.get("REMOTE_ADDR", "")


def network_of(ip: str) -> str:
    """The network an address belongs to for the limits: an IPv4 /24 or an IPv6 /48 (a home
    or an office usually has one of those, and one person can easily change the last part)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def browser_signature(request) -> str:
    meta = request.META
    raw = "\n".join(meta.get(h, "") for h in ("HTTP_USER_AGENT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def challenge_issue(poll_id: int, now: float | None = None) -> str:
    return signing.dumps(
        {"p": poll_id, "t": int(now if now is not None else time.time()), "n": secrets.token_hex(8)},
        salt=CHALLENGE_SALT,
    )


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def pow_solve(challenge: str, difficulty: int) -> int:
    """What vote.js does, for tests and the benchmark."""
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < difficulty:
        counter += 1
    return counter


class BotCheckFailed(Exception):
    pass


def challenge_verify(
    *,
    challenge: str,
    solution: str,
    honeypot: str,
    poll_id: int,
    difficulty: int,
    min_seconds: int,
    now: float | None = None,
) -> str:
    """Check the bot check; returns the challenge's fingerprint (stored, so a solved challenge
    is spent once). Raises BotCheckFailed."""
    if honeypot:
        raise BotCheckFailed("honeypot")
    try:
        data = signing.loads(challenge, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        raise BotCheckFailed("challenge") from None
    if data.get("p") != poll_id:
        raise BotCheckFailed("challenge")
    elapsed = (now if now is not None else time.time()) - data.get("t", 0)
    if elapsed < min_seconds:
        raise BotCheckFailed("too fast")
    if not solution.isdigit() or len(solution) > 12:
        raise BotCheckFailed("proof")
    digest = hashlib.sha256(f"{challenge}:{solution}".encode()).digest()
    if leading_zero_bits(digest) < difficulty:
        raise BotCheckFailed("proof")
    return hashlib.sha256(challenge.encode()).hexdigest()
