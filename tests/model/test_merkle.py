"""RFC 6962 Merkle tree with SM3: roots match the recursive definition, and every inclusion and
consistency proof verifies, while altered proofs, leaves, sizes or roots do not."""

from __future__ import annotations

import pytest

from vats.model.merkle import (
    EMPTY_ROOT,
    Builder,
    LeafList,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    split,
    verify_consistency,
    verify_inclusion,
)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1, literally."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(40)]


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    from gmssl_pyx import sm3_hash

    assert leaf_hash(b"a") == sm3_hash(b"\x00a")
    assert node_hash(b"l", b"r") == sm3_hash(b"\x01lr")
    assert EMPTY_ROOT.hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 40])
def test_streamed_root_matches_definition(n: int) -> None:
    assert root_of(LEAVES[:n]) == mth(LEAVES[:n])


def test_builder_reports_every_perfect_subtree() -> None:
    seen: dict[tuple[int, int], bytes] = {}
    b = Builder(lambda level, index, h: seen.__setitem__((level, index), h))
    b.extend(LEAVES[:37])
    source = LeafList(LEAVES)
    assert (5, 0) in seen and (2, 8) in seen and (3, 3) in seen
    assert all(source.perfect(level, index) == h for (level, index), h in seen.items())
    assert (2, 9) not in seen  # leaves 36..39 are not all there yet


def test_every_inclusion_proof_verifies_and_tampering_fails() -> None:
    source = LeafList(LEAVES)
    for size in range(1, 41):
        root = mth(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(source, index, size)
            assert verify_inclusion(LEAVES[index], index, size, proof, root)
            assert not verify_inclusion(LEAVES[index], index, 2 * size + 1, proof, root)
            if proof:
                bad = [*proof[:-1], leaf_hash(b"x")]
                assert not verify_inclusion(LEAVES[index], index, size, bad, root)
            other = (index + 1) % size
            if other != index:
                assert not verify_inclusion(LEAVES[other], index, size, proof, root)


def test_every_consistency_proof_verifies_and_rewrites_fail() -> None:
    source = LeafList(LEAVES)
    forged = [*LEAVES[:5], leaf_hash(b"rewritten"), *LEAVES[6:]]
    for size in range(1, 41):
        root = mth(LEAVES[:size])
        for old in range(1, size + 1):
            old_root = mth(LEAVES[:old])
            proof = consistency_proof(source, old, size)
            assert verify_consistency(old, size, old_root, root, proof), (old, size)
            if old > 5:  # the forged log rewrote leaf 5: its proof cannot match the old root
                fproof = consistency_proof(LeafList(forged), old, size)
                assert not verify_consistency(old, size, old_root, mth(forged[:size]), fproof)
            if old < size:
                assert not verify_consistency(old, size, old_root, mth(LEAVES[: size - 1]), proof)


def test_truncation_cannot_be_proven_consistent() -> None:
    old_root = mth(LEAVES[:30])
    assert not verify_consistency(30, 20, old_root, mth(LEAVES[:20]), [])
    assert not verify_consistency(30, 30, old_root, mth(LEAVES[:29]), [])


def test_out_of_range_requests_are_refused() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(LeafList(LEAVES), 5, 5)
    with pytest.raises(ValueError):
        consistency_proof(LeafList(LEAVES), 6, 5)


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 9, 16, 17, 33, 40])
def test_block_builder_matches_the_leaf_builder(n: int) -> None:
    from vats.model.merkle import BlockBuilder

    seen: list[tuple[int, int, bytes]] = []
    blocks = BlockBuilder(2, lambda level, index, h: seen.append((level, index, h)))
    blocks_roots = []
    for leaf in LEAVES[:n]:
        blocks.add(leaf)
        blocks_roots.append(blocks.root())
    assert blocks_roots == [mth(LEAVES[: i + 1]) for i in range(n)]
    assert blocks.size == n
    source = LeafList(LEAVES)
    assert all(level >= 2 and source.perfect(level, index) == h for level, index, h in seen)
    assert len(seen) == sum(n >> level for level in range(2, 7))
