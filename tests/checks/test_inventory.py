"""Loading declared inventories (YAML and CSV) with errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.checks.inventory import load_inventory
from vats.model.errors import InputError
from vats.model.licence import SiteKind

YAML = """\
items:
  - kind: site
    name: 懂车帝网站
    domain: https://www.DongCheDi.com/
    owner: 市场部
    features: [dealer chat, site search]
    server_location: 河北省廊坊市安次区万国6号数据中心
    access_provider: 北京火山引擎科技有限公司
  - kind: app
    name: 懂车帝
    domain: dcarapi.com
"""


def test_yaml_inventory(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(YAML, encoding="utf-8")
    site, app = load_inventory(path)
    assert site.kind is SiteKind.WEBSITE and site.domain == "www.dongchedi.com"
    assert site.features == ("dealer_chat", "site_search_own_listings")
    assert site.line == 2
    assert app.kind is SiteKind.APP and app.features == ()


def test_csv_inventory(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(
        "kind,name,domain,features,server_location\n"
        "site,卖车通,maichetong.com.cn,marketplace;online_payment,重庆市渝北区\n"
        "site,巨懂车,autoengine.com,,\n",
        encoding="utf-8",
    )
    first, second = load_inventory(path)
    assert first.features == ("marketplace", "online_payment") and first.line == 2
    assert second.features == () and second.server_location is None and second.line == 3


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("items:\n  - name: x\n    domain: a.com\n    features: [teleportation]\n", 4, "features"),
        ("items:\n  - name: x\n    domain: a.com\n    colour: red\n", 4, "colour"),
        ("items:\n  - kind: site\n    domain: a.com\n", 2, "name"),
        ("items:\n  - name: x\n    domain: not a domain\n", 3, "domain"),
        ("items:\n  - name: x\n    kind: robot\n    domain: a.com\n", 3, "kind"),
        ("items:\n  - name: x\n    domain: a.com\n  - name: y\n    domain: A.com\n", 4, "domain"),
    ],
)
def test_yaml_errors_name_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inventory(path)
    assert (err.value.source, err.value.line, err.value.field) == (str(path), line, field)


def test_csv_error_line(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text("name,domain\nok,a.com\nbad,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inventory(path)
    assert (err.value.line, err.value.field) == (3, "domain")


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_inventory(tmp_path / "nope.yaml")
