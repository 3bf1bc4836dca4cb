"""CSS selector lists answered from the page reading instead of by a fresh tree search.

Every lexbor ``css()`` call walks the whole tree and tests each element against each
alternative of the list; the parser asks a dozen such lists (``[class*=menu]``,
``[class*=field--name-type]``, …) and on a real page that costs more than everything else.
The reading walk (``dom.Page``) already visits every element it reads, so it records each
element's attributes in an :class:`Index`. Every attribute test any selector makes is
registered with a bit; each distinct attribute value is tested once per process (memoised as
the bits it passes), and one pass over a page's attributes then answers every selector.

Only simple selectors are understood: an optional tag, then ``.class``, ``#id``, ``[attr]`` or
``[attr OP value]`` (OP one of ``= ~= ^= $= *= |=``), in comma-separated lists.
:func:`compile_selector` returns None for anything else (combinators, pseudo-classes, the ``i``
flag) and the caller falls back to lexbor. The page's index holds only the elements the
reading walks (not hidden, not navigation, not inside ``<head>``/``<script>``/…);
``dom.Page.anywhere`` adds a second index of hidden blocks and ``<head>`` metadata.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from scraper.parse.memo import remember

#: (attribute, operator, value); operator "" tests presence.
Condition = tuple[str, str, str]
Simple = tuple[str | None, tuple[Condition, ...]]

_SIMPLE = re.compile(r"^(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)?(?P<rest>(?:[.#\[].*)?)$")
_PART = re.compile(
    r"""\.(?P<cls>-?[_a-zA-Z][\w-]*)"""
    r"""|\#(?P<id>[\w-]+)"""
    r"""|\[\s*(?P<attr>[\w:-]+)\s*(?:(?P<op>[~^$*|]?=)\s*"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s'"]+))\s*)?\]"""
)


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> tuple[Simple, ...] | None:
    """The simple selectors of a selector list, or None if it uses anything else."""
    out: list[Simple] = []
    for raw in selector.split(","):
        part = raw.strip()
        match = _SIMPLE.match(part)
        if not part or not match:
            return None
        tag, rest = match.group("tag"), match.group("rest")
        conds: list[Condition] = []
        pos = 0
        while pos < len(rest):
            m = _PART.match(rest, pos)
            if m is None:
                return None
            if m.group("cls") is not None:
                conds.append(("class", "~=", m.group("cls")))
            elif m.group("id") is not None:
                conds.append(("id", "=", m.group("id")))
            else:
                value = next((v for v in m.group("dq", "sq", "bare") if v is not None), "")
                conds.append((m.group("attr").lower(), m.group("op") or "", value))
            pos = m.end()
        if tag is None and not conds:
            return None
        out.append((tag.lower() if tag else None, tuple(conds)))
    return tuple(out)


def value_matches(op: str, have: str | None, want: str) -> bool:
    """Whether attribute value ``have`` satisfies ``[attr OP want]`` (CSS semantics)."""
    if op == "":
        return True
    if have is None:
        have = ""
    if op == "=":
        return have == want
    if op == "*=":
        return bool(want) and want in have
    if op == "~=":
        return bool(want) and want in have.split()
    if op == "^=":
        return bool(want) and have.startswith(want)
    if op == "$=":
        return bool(want) and have.endswith(want)
    return have == want or have.startswith(want + "-")  # "|="


class _AttrTest:
    """Every test a selector list makes on one attribute, answered in one go per value."""

    def __init__(self) -> None:
        self.exists = False
        self.equals: set[str] = set()
        self.tokens: set[str] = set()
        self.prefixes: list[str] = []
        self.suffixes: list[str] = []
        self.dashes: list[str] = []
        self.needles: list[str] = []
        self.contains: re.Pattern[str] | None = None
        #: value → verdict: a site repeats the same class strings on every page
        self.memo: dict[str | None, bool] = {}
        #: this test's place among its attribute's registered tests (see ``_register``), if any
        self.bit: int | None = None
        #: whether it is answered token by token (:meth:`tokenwise`, fixed when registered)
        self.by_token = False
        self.name = ""  # the attribute it tests, once registered

    def add(self, op: str, want: str) -> None:
        if op == "":
            self.exists = True
        elif op == "=":
            self.equals.add(want)
        elif want and op == "~=":
            self.tokens.add(want)
        elif want and op == "^=":
            self.prefixes.append(want)
        elif want and op == "$=":
            self.suffixes.append(want)
        elif want and op == "*=":
            self.needles.append(want)
            self.contains = re.compile("|".join(map(re.escape, self.needles)))
        elif op == "|=":
            self.dashes.append(want)

    def tokenwise(self) -> bool:
        """Whether this tests single tokens of the value (``~=``, and ``*=`` with no whitespace
        in what it looks for): then a value passes exactly when one of its whitespace-separated
        tokens does, and tokens recur across pages far more than whole values do."""
        if self.exists or self.equals or self.prefixes or self.suffixes or self.dashes:
            return False
        return not any(c.isspace() for needle in self.needles for c in needle)

    def token(self, token: str) -> bool:
        """Whether one token passes (for a :meth:`tokenwise` test)."""
        return token in self.tokens or (
            self.contains is not None and self.contains.search(token) is not None
        )

    def __call__(self, have: str | None) -> bool:
        if self.exists:
            return True
        if self.bit is not None:  # one memo for every registered test on the attribute
            return self.bit in _bits(self.name, have)
        return self.verdict(have)

    def verdict(self, have: str | None) -> bool:
        """The test on ``have`` itself, remembered per value."""
        if self.exists:
            return True
        known = self.memo.get(have)
        return known if known is not None else remember(self.memo, have, self._test(have or ""))

    def _test(self, value: str) -> bool:
        return (
            value in self.equals
            or (self.contains is not None and self.contains.search(value) is not None)
            or (bool(self.tokens) and not self.tokens.isdisjoint(value.split()))
            or (bool(self.prefixes) and value.startswith(tuple(self.prefixes)))
            or (bool(self.suffixes) and value.endswith(tuple(self.suffixes)))
            or any(value == d or value.startswith(d + "-") for d in self.dashes)
        )


class _Registry(NamedTuple):
    """Every registered test on one attribute and the memos made with exactly those tests.

    A registration publishes a new registry for its attribute in one assignment, so a page
    parsed on another thread (the crawler parses on its fetch threads) sees either the old
    registry or the new one whole, never a test without its memos, and never stores a memo
    made with fewer tests into a registry that has more."""

    tests: tuple[_AttrTest, ...]  # a test's bit is its place here
    #: value → the bits of the tests it passes
    bits: dict[str | None, tuple[int, ...]]
    #: token → the bits of the tokenwise tests it passes (the same for every value holding the
    #: token: ``_AttrTest.tokenwise``)
    token_bits: dict[str, tuple[int, ...]]
    #: every token the tokenwise tests want, and a pattern finding any of their needles: most
    #: tokens pass no test, and these say so in one lookup and one search
    wanted: frozenset[str]
    needles: re.Pattern[str] | None


#: attribute → its registry. Together they let an index answer all of a page's selectors in
#: one pass over its attributes (``Index._all_hits``). The parser's selectors are fixed, so
#: this stays small; past MAX_TESTS a test is not registered and is answered value by value.
_REGISTRY: dict[str, _Registry] = {}
MAX_TESTS = 512
#: how many tests have been registered, all attributes together (indexes built before a new
#: registration answer it by building again)
_REGISTERED = [0]
_REGISTERING = threading.Lock()
_NO_HITS: dict[int, list[int]] = {}


def _register(name: str, test: _AttrTest) -> None:
    with _REGISTERING:
        old = _REGISTRY.get(name)
        tests = old.tests if old else ()
        if len(tests) >= MAX_TESTS:
            return
        test.by_token = test.tokenwise()
        test.name = name
        tests = (*tests, test)
        wise = [t for t in tests if t.by_token]
        needles = sorted({n for t in wise for n in t.needles}, key=len, reverse=True)
        _REGISTRY[name] = _Registry(
            tests, {}, {}, frozenset(w for t in wise for w in t.tokens),
            re.compile("|".join(map(re.escape, needles))) if needles else None,
        )  # fmt: skip
        test.bit = len(tests) - 1  # last: until now ``test`` answers by itself (``verdict``)
        _REGISTERED[0] += 1


def _bits(name: str, value: str | None) -> tuple[int, ...]:
    """The bits of the registered tests on attribute ``name`` that ``value`` passes: those of
    the tokenwise tests from its tokens' memo, the others on the whole value."""
    registry = _REGISTRY[name]
    bits = registry.bits.get(value)
    if bits is None:
        tests = registry.tests
        passed: set[int] = set()
        if value:
            tokens, wanted, needles = registry.token_bits, registry.wanted, registry.needles
            for token in value.split():
                got = tokens.get(token)
                if got is None:
                    if token in wanted or (needles is not None and needles.search(token)):
                        got = tuple(b for b, t in enumerate(tests) if t.by_token and t.token(token))
                    else:
                        got = ()
                    remember(tokens, token, got)
                passed.update(got)
        passed.update(b for b, t in enumerate(tests) if not t.by_token and t.verdict(value))
        bits = remember(registry.bits, value, tuple(sorted(passed)))
    return bits


class Matcher:
    """A compiled selector list: tag names, per-attribute tests, and the rest done in full."""

    def __init__(self, simples: tuple[Simple, ...]) -> None:
        self.tags: set[str] = set()
        self.attrs: dict[str, _AttrTest] = {}
        self.complex: list[Simple] = []
        for tag, conds in simples:
            if not conds and tag is not None:
                self.tags.add(tag)
            elif tag is None and len(conds) == 1:
                name, op, want = conds[0]
                self.attrs.setdefault(name, _AttrTest()).add(op, want)
            else:
                self.complex.append((tag, conds))
        for name, test in self.attrs.items():
            _register(name, test)

    def element(self, tag: str, attrs: dict[str, str | None]) -> bool:
        """Whether one element (``tag``, ``attrs``) matches."""
        if tag in self.tags:
            return True
        for name, test in self.attrs.items():
            if name in attrs and test(attrs[name]):
                return True
        for want_tag, conds in self.complex:
            if want_tag is not None and want_tag != tag:
                continue
            if all(a in attrs and value_matches(op, attrs[a], v) for a, op, v in conds):
                return True
        return False


#: matchers asked together (``matches``) → attribute → (place, test) of each that tests it
_BY_NAME: dict[tuple[Matcher, ...], dict[str, list[tuple[int, _AttrTest]]]] = {}


def matches(matchers: tuple[Matcher, ...], tag: str, attrs: dict[str, str | None]) -> int:
    """Bit ``1 << k`` set when ``matchers[k]`` matches the element: what ``element`` says of
    each, with each attribute value's registered tests worked out once for all of them
    (``_bits``) instead of once a matcher. (The walk asks three matchers of every element
    with a class; ``element`` is the plain version, and tests hold the two equal.)"""
    found = 0
    for k, m in enumerate(matchers):
        if tag in m.tags or (m.complex and m.element(tag, attrs)):
            found |= 1 << k
    by_name = _BY_NAME.get(matchers)
    if by_name is None:
        by_name = _BY_NAME[matchers] = {
            name: [(k, m.attrs[name]) for k, m in enumerate(matchers) if name in m.attrs]
            for name in {name for m in matchers for name in m.attrs}
        }
    for name, tests in by_name.items():
        if name not in attrs:
            continue
        value = attrs[name]
        bits = _bits(name, value) if name in _REGISTRY else ()
        for k, test in tests:
            if test.exists or (test.bit in bits if test.bit is not None else test.verdict(value)):
                found |= 1 << k
    return found


@lru_cache(maxsize=512)
def matcher(selector: str) -> Matcher | None:
    """The :class:`Matcher` of a selector list, or None when it is not made of simple ones."""
    simples = compile_selector(selector)
    return Matcher(simples) if simples is not None else None


@dataclass
class Index:
    """The elements a reading walked, in document order, and who holds which attribute value.

    ``nodes``, ``mids``, ``tags``, ``attrs`` and ``ends`` are filled by ``dom.Page._walk``;
    what each registered test passes, the tag map and (for selectors the tests cannot answer)
    the value maps are built from them on first use."""

    nodes: list[LexborNode] = field(default_factory=list)
    mids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attrs: list[dict[str, str | None]] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # position after the element's last descendant
    position: dict[int, int] = field(default_factory=dict)  # mem_id → position
    by_attr: dict[str, dict[str | None, list[int]]] = field(default_factory=dict)
    _by_tag: dict[str, list[int]] | None = None
    #: (registry size it was built with, attribute → test bit → positions passing it)
    _by_bit: tuple[int, dict[str, dict[int, list[int]]]] | None = None

    @property
    def by_tag(self) -> dict[str, list[int]]:
        """Positions of the elements of each tag name."""
        if self._by_tag is None:
            by_tag: dict[str, list[int]] = {}
            for p, tag in enumerate(self.tags):
                if tag in by_tag:
                    by_tag[tag].append(p)
                else:
                    by_tag[tag] = [p]
            self._by_tag = by_tag
        return self._by_tag

    def values(self, name: str) -> dict[str | None, list[int]]:
        """Attribute ``name``'s values and who holds them (gathered on first use)."""
        values = self.by_attr.get(name)
        if values is None:
            values = self.by_attr[name] = {}
            attrs = self.attrs
            for p in [p for p, a in enumerate(attrs) if name in a]:  # the holders, at C speed
                value = attrs[p][name]
                if value in values:
                    values[value].append(p)
                else:
                    values[value] = [p]
        return values

    def _hits(self, name: str) -> dict[int, list[int]]:
        """For every registered test on attribute ``name``, by its bit: the positions (in
        order) whose value passes it."""
        built = self._by_bit
        if built is None or built[0] != _REGISTERED[0]:
            built = self._by_bit = (_REGISTERED[0], self._all_hits())
        return built[1].get(name, _NO_HITS)

    def _all_hits(self) -> dict[str, dict[int, list[int]]]:
        """One pass over every element's attributes answers every registered test at once:
        a page is asked a dozen selectors, and a pass per attribute would cost more."""
        memos = {name: registry.bits for name, registry in _REGISTRY.copy().items()}
        out: dict[str, dict[int, list[int]]] = {name: {} for name in memos}
        for p, attrs in enumerate(self.attrs):
            for name, value in attrs.items():
                memo = memos.get(name)
                if memo is None:
                    continue  # no selector asks about this attribute
                bits = memo.get(value)
                if bits is None:
                    bits = _bits(name, value)
                if bits:
                    hits = out[name]
                    for bit in bits:
                        if bit in hits:
                            hits[bit].append(p)
                        else:
                            hits[bit] = [p]
        return out

    def select(self, match: Matcher, within: int | None = None) -> list[int]:
        """Positions of matching elements in document order (descendants of ``within`` only)."""
        if not match.tags and not match.complex and len(match.attrs) == 1:
            ((name, test),) = match.attrs.items()
            if test.bit is not None:  # one test: its positions are the answer, already in order
                ps = self._hits(name).get(test.bit, [])
                if within is None:
                    return list(ps)
                start, end = within, self.ends[within]
                return ps[bisect_right(ps, start) : bisect_left(ps, end)]
        found: set[int] = set()
        for tag_name in match.tags:
            found.update(self.by_tag.get(tag_name, ()))
        for name, test in match.attrs.items():
            if test.bit is not None:
                found.update(self._hits(name).get(test.bit, ()))
                continue
            memo = test.memo
            for have, ps in self.values(name).items():
                verdict = memo.get(have)
                if verdict is None:
                    verdict = test(have)
                if verdict:
                    found.update(ps)
        for tag, conds in match.complex:
            name, op, want = conds[0] if conds else ("", "", "")
            pool = (
                [p for have, ps in self.values(name).items()
                 if value_matches(op, have, want) for p in ps]
                if conds
                else self.by_tag.get(tag or "", [])
            )  # fmt: skip
            for p in pool:
                attrs = self.attrs[p]
                if (tag is None or self.tags[p] == tag) and all(
                    a in attrs and value_matches(o, attrs[a], v) for a, o, v in conds
                ):
                    found.add(p)
        if within is not None:
            start, end = within, self.ends[within]
            return sorted(p for p in found if start < p < end)
        return sorted(found)
