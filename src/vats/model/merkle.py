"""Merkle trees in the style of RFC 6962 / RFC 9162, hashed with SM3 (GB/T 32905).

A leaf hash is SM3(0x00 ‖ leaf data) and an interior node SM3(0x01 ‖ left ‖ right), so a node can never
be passed off as a leaf. The tree over n leaves splits at the largest power of two below n, which makes
every subtree the algorithms visit either a *perfect* subtree (2^k leaves starting at a multiple of 2^k)
or a right-hand spine made of such subtrees. Callers that keep perfect subtrees cached (the audit log
stores them in the database) therefore answer proofs without touching most leaves: a `Nodes` source
only has to say what a perfect subtree hashes to.

Proof generation follows RFC 6962 §2.1.1/§2.1.2 (PATH, SUBPROOF); verification follows RFC 9162
§2.1.3.2/§2.1.4.2, which needs nothing but the hashes in the proof.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Protocol

from vats.model.sm3 import sm3_hash

LEAF = b"\x00"
NODE = b"\x01"
EMPTY_ROOT = sm3_hash(b"")


def leaf_hash(data: bytes) -> bytes:
    return sm3_hash(LEAF + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sm3_hash(NODE + left + right)


def split(n: int) -> int:
    """The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class Nodes(Protocol):
    """Anything that can say what the perfect subtree of 2^level leaves at position `index` hashes to."""

    def perfect(self, level: int, index: int) -> bytes: ...


def subtree(nodes: Nodes, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for the aligned ranges the RFC algorithms visit (start a multiple of the
    smallest power of two ≥ end - start)."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return nodes.perfect(level, start >> level)
    k = split(n)
    return node_hash(subtree(nodes, start, start + k), subtree(nodes, start + k, end))


def inclusion_proof(nodes: Nodes, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]): the sibling hashes from the leaf up to the root of a tree of `size`."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of {size}")
    out: list[bytes] = []
    start, end = 0, size
    # Walk down from the root, collecting the sibling at each split; the RFC lists them leaf first.
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            out.append(subtree(nodes, start + k, end))
            end = start + k
        else:
            out.append(subtree(nodes, start, start + k))
            start += k
    out.reverse()
    return out


def consistency_proof(nodes: Nodes, old_size: int, size: int) -> list[bytes]:
    """PROOF(old_size, D[0:size]) of RFC 6962 §2.1.2: shows the tree of `old_size` is a prefix."""
    if not 0 <= old_size <= size:
        raise ValueError(f"a tree of {old_size} cannot be a prefix of one of {size}")
    if old_size in (0, size):
        return []
    return _subproof(nodes, old_size, 0, size, True)


def _subproof(nodes: Nodes, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [subtree(nodes, start, end)]
    k = split(n)
    if m <= k:
        return [*_subproof(nodes, m, start, start + k, complete), subtree(nodes, start + k, end)]
    return [*_subproof(nodes, m - k, start + k, end, False), subtree(nodes, start, start + k)]


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root a valid inclusion proof implies (RFC 9162 §2.1.3.2), or None when it is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    return root_from_inclusion(leaf, index, size, proof) == root


def verify_consistency(
    old_size: int, size: int, old_root: bytes, root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether `proof` shows the tree (old_size, old_root) is a prefix of (size, root)."""
    if old_size < 0 or size < old_size:
        return False
    if old_size == size:
        return not proof and old_root == root
    if old_size == 0:
        return not proof
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == root


class Builder:
    """Streams leaf hashes left to right and keeps one pending perfect subtree per level (at most
    log2 n hashes), so the root of a million leaves is one pass without holding the leaves.

    `on_perfect(level, index, hash)` is told every perfect subtree as it completes, which lets a
    caller compare them with a cache it keeps."""

    __slots__ = ("_on_perfect", "_stack", "size")

    def __init__(self, on_perfect: Callable[[int, int, bytes], None] | None = None) -> None:
        self._stack: list[bytes] = []
        self.size = 0
        self._on_perfect = on_perfect

    def add(self, leaf: bytes) -> None:
        """Add one leaf hash (already SM3(0x00 ‖ data))."""
        stack = self._stack
        n = self.size
        h = leaf
        level = 0
        while n & 1:
            h = node_hash(stack.pop(), h)
            n >>= 1
            level += 1
            if self._on_perfect is not None:
                self._on_perfect(level, (self.size >> level), h)
        stack.append(h)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.add(leaf)

    def root(self) -> bytes:
        """MTH of the leaves so far (the pending subtrees folded right to left)."""
        if not self._stack:
            return EMPTY_ROOT
        r = self._stack[-1]
        for h in reversed(self._stack[:-1]):
            r = node_hash(h, r)
        return r


def root_of(leaves: Iterable[bytes]) -> bytes:
    b = Builder()
    b.extend(leaves)
    return b.root()


class LeafList:
    """A `Nodes` source over leaf hashes held in memory (tests, offline tools), memoising subtrees."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def perfect(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaves[index]
        key = (level, index)
        found = self._memo.get(key)
        if found is None:
            found = node_hash(self.perfect(level - 1, 2 * index), self.perfect(level - 1, 2 * index + 1))
            self._memo[key] = found
        return found


def leaf_hashes(data: list[bytes]) -> list[bytes]:
    """`leaf_hash` of each item, the iteration in C (no interpreter frame per leaf)."""
    return list(map(sm3_hash, map(LEAF.__add__, data)))


def parent_level(level: list[bytes]) -> list[bytes]:
    """`node_hash` of each adjacent pair of an even-length level, the iteration in C (one join per
    node rather than two concatenations)."""
    return list(map(sm3_hash, map(b"".join, zip(repeat(NODE), level[0::2], level[1::2], strict=False))))


def perfect_root(leaves: list[bytes]) -> bytes:
    """MTH of a power-of-two number of leaf hashes, level by level (one list pass per level)."""
    level = leaves
    while len(level) > 1:
        level = parent_level(level)
    return level[0]


class BlockBuilder:
    """A `Builder` for long streams: leaves are buffered in blocks of 2^`block_level` and each full
    block is reduced level by level, which costs far less interpreter time per leaf than merging one
    leaf at a time. `on_perfect` hears of the blocks and every larger perfect subtree."""

    def __init__(self, block_level: int, on_perfect: Callable[[int, int, bytes], None] | None = None) -> None:
        self.block_level = block_level
        self._block = 1 << block_level
        self._on_perfect = on_perfect
        self._pending: list[bytes] = []
        self._upper = Builder(self._lifted if on_perfect is not None else None)

    def _lifted(self, level: int, index: int, h: bytes) -> None:
        assert self._on_perfect is not None
        self._on_perfect(level + self.block_level, index, h)

    @property
    def size(self) -> int:
        return (self._upper.size << self.block_level) + len(self._pending)

    def add(self, leaf: bytes) -> None:
        pending = self._pending
        pending.append(leaf)
        if len(pending) == self._block:
            h = perfect_root(pending)
            if self._on_perfect is not None:
                self._on_perfect(self.block_level, self._upper.size, h)
            self._upper.add(h)
            self._pending = []

    def extend(self, leaves: list[bytes]) -> None:
        """Add many leaf hashes at once: whole blocks are reduced straight from the list."""
        pending = self._pending
        pending.extend(leaves)
        block = self._block
        if len(pending) < block:
            return
        start = 0
        while len(pending) - start >= block:
            h = perfect_root(pending[start : start + block])
            if self._on_perfect is not None:
                self._on_perfect(self.block_level, self._upper.size, h)
            self._upper.add(h)
            start += block
        self._pending = pending[start:]

    def root(self) -> bytes:
        stack = self._upper._stack
        if not self._pending:
            return self._upper.root()
        r = root_of(self._pending)
        for h in reversed(stack):
            r = node_hash(h, r)
        return r
