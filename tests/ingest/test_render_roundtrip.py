"""Property tests: a rendered synthetic licence parses back to the same licence, with and without
noise; arbitrary text never raises anything but InputError."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vats.ingest.document import parse_licence_bytes, parse_licence_text
from vats.ingest.render import LAYOUTS, render_licence, synthetic_licence
from vats.model.errors import InputError
from vats.model.numerals import from_cn, to_cn

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=SEEDS, noise=st.booleans(), kind=st.sampled_from(LAYOUTS))
def test_render_then_parse_round_trips(seed: int, noise: bool, kind: str) -> None:
    licence = synthetic_licence(seed, kind=kind)
    text = render_licence(licence, noise=noise, seed=seed)
    parsed = parse_licence_text(text)
    assert parsed.essentials() == licence.essentials()
    assert not [w for w in parsed.warnings if w.code not in ("duplicate_fragment",)]


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_noise_actually_changes_the_text(seed: int) -> None:
    licence = synthetic_licence(seed, kind="provincial")
    assert render_licence(licence, noise=True, seed=seed) != render_licence(licence)


def test_synthetic_is_deterministic_and_overridable() -> None:
    assert synthetic_licence(7) == synthetic_licence(7)
    assert synthetic_licence(7, expiry_date=date(2027, 1, 31)).expiry_date == date(2027, 1, 31)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(InputError, match="layout"):
        render_licence(synthetic_licence(1), layout="poster")


@pytest.mark.parametrize("n", [1, 9, 10, 11, 13, 16, 20, 21, 29])
def test_chinese_numerals_round_trip(n: int) -> None:
    assert from_cn(to_cn(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text_raises_nothing_but_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_licence_text(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_nothing_but_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):
        parse_licence_bytes(data, source_name="fuzz.bin")


_LICENCEISH = st.lists(
    st.sampled_from(
        [
            "经营许可证编号:渝B2-20210467",
            "公司名称:某某科技有限公司",
            "发证日期:2026年02月30日",
            "有效期至:",
            "网站域名:x.cn",
            "APP名称:某应用",
            "信息服务业务(仅限",
            "十五、规定:",
            "(三)(适用于",
            "(一)项",
            "业务覆盖范围:火星",
            "特别规定事项",
            "某某获准经营未知业务相关信息",
            "仅供",
        ]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(lines=_LICENCEISH)
def test_licence_shaped_garbage_raises_nothing_but_input_error(lines: list[str]) -> None:
    with contextlib.suppress(InputError):
        parse_licence_text("\n".join(lines))
