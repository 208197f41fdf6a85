"""The server-side request forgery guard: a link is fetched only over http(s), without
credentials, from a host whose every address is public, unless the allow list names it. The
address checked is the address connected to (no second DNS lookup an attacker could answer
differently)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from passerelle.translate import InvalidOptionError

from .errors import BlockedURLError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
SCHEMES = {"http": 80, "https": 443}
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"  # reserved characters and '%': kept as they are
# inet_aton's forms, which resolvers and browsers accept: 2130706433, 0177.0.0.1, 0x7f.1, 127.1.
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")
# Prefixes that carry an IPv4 address inside an IPv6 one (NAT64 well-known and local-use).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to call the host (Host, SNI)."""

    url: str
    scheme: str
    host: str  # as the URL names it, lower case, without brackets or a trailing dot
    port: int
    path: str  # path and query, as sent
    address: str  # the checked IP address connected to
    addresses: tuple[str, ...]  # every checked address, the first one first

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host_header}"


@dataclass(frozen=True)
class AllowList:
    """Hosts (by name) and networks opened explicitly, e.g. for tests or a private deployment."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Sequence[str]) -> AllowList:
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().strip("[]").rstrip(".").lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if not re.fullmatch(r"[a-z0-9_.-]+", entry):
                    raise InvalidOptionError(
                        f"PASSERELLE_FETCH_ALLOW: {raw!r} is neither a host name, an IP address nor a network"
                    ) from None
                names.add(entry)
        return cls(frozenset(names), tuple(networks))

    def opens(self, host: str, address: IPAddress) -> bool:
        return host in self.names or any(address.version == net.version and address in net for net in self.networks)


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host means to inet_aton (``2130706433``, ``0177.0.0.1``,
    ``0x7f.1``), or None when the host is a name."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    values = [int(p, 16) if p[:2].lower() == "0x" else int(p, 8) if len(p) > 1 and p[0] == "0" else int(p) for p in parts]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(parts)):
        raise BlockedURLError(f"{host!r} is not a valid IP address")
    number = 0
    for v in head:
        number = number << 8 | v
    return ipaddress.IPv4Address(number << 8 * (4 - len(head)) | last)


def why_not_public(address: IPAddress) -> str | None:
    """Why an address is not a public one, as the error says it (None when it is public)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is None and any(address in net for net in _NAT64):
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            reason = why_not_public(inner)
            return f"{reason} (inside the IPv6 address {address})" if reason else None
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    return None if address.is_global else "a not global address (shared or special-purpose)"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for ``host``, in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host}: the name does not resolve ({error})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str, allow: AllowList, resolve: Resolver = system_resolver) -> Target:
    """The URL's target once every rule holds; BlockedURLError (400) naming the rule otherwise."""
    parts = _split(url)
    host = _ascii_host(parts.hostname or "", url)
    port = parts.port if parts.port is not None else SCHEMES[parts.scheme]
    literal = literal_address(host)
    addresses = [literal] if literal is not None else [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
    if not addresses:
        raise FetchError(f"{host}: the name resolves to no address", url)
    for address in addresses:
        reason = why_not_public(address)
        if reason and not allow.opens(host, address):
            named = (
                f"{host} resolves to {address}" if literal is None else str(address) if str(address) == host else f"{host} means {address}"
            )
            raise BlockedURLError(
                f"{url}: refused, {named}, {reason}; Passerelle only fetches from public addresses "
                "(set PASSERELLE_FETCH_ALLOW to open a host or network explicitly)",
                url,
            )
    # Sent as written, but ASCII: a French path (/article/élections) is percent-encoded.
    path = quote(parts.path or "/", safe=_URL_SAFE) + (f"?{quote(parts.query, safe=_URL_SAFE)}" if parts.query else "")
    checked = tuple(str(a) for a in addresses)
    return Target(url, parts.scheme, host, port, path, checked[0], checked)


def _split(url: str) -> SplitResult:
    if not isinstance(url, str) or not url.strip():
        raise BlockedURLError("an empty link: give an http:// or https:// URL")
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise BlockedURLError(f"{url!r}: a link cannot contain spaces or control characters", url)
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError as error:
        raise BlockedURLError(f"{url}: not a valid URL ({error})", url) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BlockedURLError(f"{url}: only http:// and https:// links are fetched, not {scheme or 'a link without a scheme'}", url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BlockedURLError(f"{url}: links with a user name or password are refused; give the link without them", url)
    if not parts.hostname:
        raise BlockedURLError(f"{url}: the link names no host", url)
    return parts._replace(scheme=scheme)


def _ascii_host(hostname: str, url: str) -> str:
    """The host in lower case, without a trailing dot, an international name in IDNA form."""
    host = hostname.rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise BlockedURLError(f"{url}: {hostname!r} is not a valid host name", url) from None


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as one stands for (IPv6, dotted IPv4 or inet_aton's forms)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return legacy_ipv4(host)
