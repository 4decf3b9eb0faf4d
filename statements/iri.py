"""IRIs as RFC 3987 defines them: the grammar, and what is wrong with one that fails it.

xAPI requires IRIs for ids, types, extension keys and IRLs, and strict LRSs
(ADL's reference LRS) refuse any that RFC 3987 forbids: ``[v2]`` in a path,
a port that is not a number, a second ``#``. Checking the same grammar here
turns a statement the LRS would park into an error on the field that holds
the IRI.

:data:`IRI` is the RFC's ABNF (section 2.2) written out as one regular
expression, so a valid IRI costs one match. Only when it fails does
:func:`iri_problem` take the IRI apart (scheme, authority, path, query,
fragment, as RFC 3986 appendix B splits them) to say which part is wrong
and why. No library fits: ``rfc3987`` is GPL-3.0 (this package is
Apache-2.0), ``rfc3986`` accepts non-numeric ports, spaces and bad percent
escapes in IRIs, and ``rfc3987-syntax`` parses with an Earley parser
(milliseconds per IRI, close to a second to import) and refuses IPv6 hosts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# -- the grammar (RFC 3987 section 2.2, RFC 3986 for the parts it reuses) ---------

_UCSCHAR: Final = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd"
    "\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_IPRIVATE: Final = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED: Final = r"A-Za-z0-9\-._~"
_SUB_DELIMS: Final = r"!$&'()*+,;="
_IUNRESERVED: Final = _UNRESERVED + _UCSCHAR
_PCT: Final = r"%[0-9A-Fa-f]{2}"
_IPCHAR: Final = rf"(?:[{_IUNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"

_DEC_OCTET: Final = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4: Final = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_H16: Final = r"[0-9A-Fa-f]{1,4}"
_LS32: Final = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6: Final = (
    "(?:"
    rf"(?:{_H16}:){{6}}{_LS32}"
    rf"|::(?:{_H16}:){{5}}{_LS32}"
    rf"|(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}"
    rf"|(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}"
    rf"|(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}"
    rf"|(?:(?:{_H16}:){{0,6}}{_H16})?::"
    ")"
)
_IPVFUTURE: Final = rf"v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+"
_IP_LITERAL: Final = rf"\[(?:{_IPV6}|{_IPVFUTURE})\]"
_IREG_NAME: Final = rf"(?:[{_IUNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_IHOST: Final = rf"(?:{_IP_LITERAL}|{_IREG_NAME})"
_IUSERINFO: Final = rf"(?:[{_IUNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_IAUTHORITY: Final = rf"(?:{_IUSERINFO}@)?{_IHOST}(?::[0-9]*)?"
_ISEGMENT: Final = rf"{_IPCHAR}*"
_ISEGMENT_NZ: Final = rf"{_IPCHAR}+"
_IHIER_PART: Final = (
    "(?:"
    rf"//{_IAUTHORITY}(?:/{_ISEGMENT})*"  # ipath-abempty
    rf"|/(?:{_ISEGMENT_NZ}(?:/{_ISEGMENT})*)?"  # ipath-absolute
    rf"|{_ISEGMENT_NZ}(?:/{_ISEGMENT})*"  # ipath-rootless
    "|"  # ipath-empty
    ")"
)
_SCHEME: Final = r"[A-Za-z][A-Za-z0-9+\-.]*"
_IQUERY: Final = rf"(?:{_IPCHAR}|[{_IPRIVATE}/?])*"
_IFRAGMENT: Final = rf"(?:{_IPCHAR}|[/?])*"

#: RFC 3987 ``IRI``: an absolute IRI, fragment allowed (xAPI ids may carry one).
IRI: Final = re.compile(rf"{_SCHEME}:{_IHIER_PART}(?:\?{_IQUERY})?(?:#{_IFRAGMENT})?\Z")

# -- taking a failed IRI apart ------------------------------------------------------

# RFC 3986 appendix B, except that the fragment takes the rest (a second '#' included).
_PARTS: Final = re.compile(
    r"(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?\Z",
    re.DOTALL,
)
_SCHEME_ONLY: Final = re.compile(rf"{_SCHEME}\Z")
_PCT_BAD: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PORT_HOST: Final = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>.*))?\Z", re.DOTALL)
_IP_LITERAL_ONLY: Final = re.compile(rf"{_IP_LITERAL}\Z")
_IREG_NAME_ONLY: Final = re.compile(rf"{_IREG_NAME}\Z")
_IUSERINFO_ONLY: Final = re.compile(rf"{_IUSERINFO}\Z")
_ALLOWED: Final = {
    "path": re.compile(rf"[{_IUNRESERVED}{_SUB_DELIMS}:@/%]"),
    "query": re.compile(rf"[{_IUNRESERVED}{_SUB_DELIMS}:@/?%{_IPRIVATE}]"),
    "fragment": re.compile(rf"[{_IUNRESERVED}{_SUB_DELIMS}:@/?%]"),
}
_HTTP_HOST: Final = re.compile(r"//(?:[^/?#@]*@)?[^/?#:@]")
_SHOWN_LENGTH: Final = 120

NOT_ABSOLUTE: Final = "iri.not_absolute"
INVALID: Final = "iri.invalid"


@dataclass(frozen=True, slots=True)
class IriProblem:
    """Why a string is not an IRI: ``code`` for machines, ``reason`` for people.

    ``reason`` names the part of the IRI and the character at fault and does not
    repeat the IRI itself; :attr:`message` does.
    """

    code: str
    reason: str
    value: str

    @property
    def message(self) -> str:
        return f"'{shown(self.value)}' {self.reason}."


def shown(value: str) -> str:
    """The IRI as quoted in a message: long ones cut, controls made visible."""
    text = value if len(value) <= _SHOWN_LENGTH else value[: _SHOWN_LENGTH - 3] + "..."
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def is_iri(value: str) -> bool:
    """True for an absolute IRI (RFC 3987 ``IRI``)."""
    return IRI.match(value) is not None


def iri_problem(value: str) -> IriProblem | None:
    """What is wrong with ``value`` as an absolute IRI, or None when it is one.

    Beyond the grammar, two IRIs it allows are refused because they name
    nothing: a scheme alone (``http:``) and http(s) without a host, which
    RFC 9110 forbids.
    """
    if IRI.match(value) is None:
        return IriProblem(*_diagnose(value), value)
    scheme, _, rest = value.partition(":")
    if not rest:
        return IriProblem(INVALID, "has nothing after its scheme", value)
    if scheme.lower() in ("http", "https") and _HTTP_HOST.match(rest) is None:
        return IriProblem(INVALID, "is an http(s) IRI without a host", value)
    return None


def _character(c: str) -> str:
    names = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a line break"}
    if c in names:
        return names[c]
    if not c.isprintable() or c.isspace():
        return f"the character U+{ord(c):04X}"
    return f"'{c}'"


def _encoded(c: str) -> str:
    return "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))


def _bad_character(text: str, part: str) -> str | None:
    allowed = _ALLOWED[part]
    for c in text:
        if allowed.match(c) is None:
            if c == "#":
                return "has a second '#'; only one may start the fragment, write others as %23"
            hint = f", write it as {_encoded(c)}" if c.isprintable() or c.isspace() else ""
            return f"has {_character(c)} in its {part}, which an IRI cannot hold there{hint}"
    bad = _PCT_BAD.search(text)
    if bad is not None:
        found = text[bad.start() : bad.start() + 3]
        return f"has '{found}' in its {part}: '%' must be followed by two hex digits"
    return None


def _diagnose(value: str) -> tuple[str, str]:
    parts = _PARTS.match(value)
    assert parts is not None  # every group is optional and the last one takes the rest
    scheme = parts["scheme"]
    if scheme is None:
        return (NOT_ABSOLUTE, "is not an absolute IRI: it needs a scheme, such as 'https:'")
    if _SCHEME_ONLY.match(scheme) is None:
        if not scheme[:1].isalpha():
            return (NOT_ABSOLUTE, "is not an absolute IRI: a scheme must start with a letter")
        return (
            INVALID,
            f"has a scheme '{shown(scheme)}' with characters other than letters, digits, "
            "'+', '-' and '.'",
        )
    authority, path = parts["authority"], parts["path"]
    if authority is None and not path and parts["query"] is None and parts["fragment"] is None:
        return (INVALID, "has nothing after its scheme")
    if authority is not None:
        found = _authority_problem(authority)
        if found is not None:
            return (INVALID, found)
    for part in ("path", "query", "fragment"):
        text = parts[part]
        if text:
            found = _bad_character(text, part)
            if found is not None:
                return (INVALID, found)
    return (INVALID, "does not follow the IRI grammar of RFC 3987")


def _authority_problem(authority: str) -> str | None:
    userinfo, at, hostport = authority.rpartition("@")
    if at and _IUSERINFO_ONLY.match(userinfo) is None:
        return "has characters in its user name part (before '@') that an IRI cannot hold there"
    split = _PORT_HOST.match(hostport)
    if split is None:
        return "has a host that is not a name or an IP address in brackets"
    host, port = split["host"], split["port"]
    if host.startswith("["):
        if _IP_LITERAL_ONLY.match(host) is None:
            return f"has a host '{shown(host)}' that is not an IPv6 address in brackets"
    elif "[" in host or "]" in host:
        return "has '[' or ']' in its host; brackets may only enclose an IPv6 address"
    elif _IREG_NAME_ONLY.match(host) is None:
        bad = next(
            (c for c in host if c != "%" and _IREG_NAME_ONLY.match(c) is None),
            None,
        )
        if bad is None:
            return "has a '%' in its host that is not followed by two hex digits"
        return f"has {_character(bad)} in its host name, which a host cannot hold"
    if port and not (port.isascii() and port.isdigit()):
        return f"has a port '{shown(port)}' that is not a number"
    return None
