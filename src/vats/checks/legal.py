"""The legal provisions the checks cite, defined once (facts from the project's regulatory fact sheet)."""

from __future__ import annotations

from vats.model.sources import Reliability, SourceRef
from vats.reference.sources import short

ORDER_292 = short("order-292")
ORDER_33 = short("order-33")
TELECOM_REGULATIONS = short("telecom-regulations")
ECOMMERCE_LAW = short("ecommerce-law")
LICENCE = short("licence-provisions")

HOMEPAGE_DISPLAY = SourceRef(
    ORDER_292, Reliability.OFFICIAL, article="第十二条", note="首页显著位置标明许可证编号"
)
DISPLAY_PENALTY = SourceRef(ORDER_292, Reliability.OFFICIAL, article="第二十二条", note="罚款5000–50000元")
LICENCE_DISPLAY = SourceRef(
    LICENCE, Reliability.LICENCE, article="二", note="网站首页等显著位置标明经营许可证编号"
)
ECOMMERCE_DISPLAY = SourceRef(ECOMMERCE_LAW, Reliability.OFFICIAL, article="第十五条")
FILING_LINK = SourceRef(
    ORDER_33, Reliability.REPRINT, article="第十三条", note="首页底部中央标明备案编号并链接至备案系统"
)
FILING_PENALTY = SourceRef(ORDER_33, Reliability.REPRINT, article="第二十五条", note="罚款5000–10000元")
SITE_CHANGE = SourceRef(ORDER_292, Reliability.OFFICIAL, article="第十一条", note="变更网址提前30日备案")
LICENCE_SCOPE = SourceRef(LICENCE, Reliability.LICENCE, article="二", note="按许可的业务种类和覆盖范围经营")
UNLICENSED_PENALTY = SourceRef(TELECOM_REGULATIONS, Reliability.OFFICIAL, article="第六十九条")
ORDER_292_SCOPE_PENALTY = SourceRef(ORDER_292, Reliability.OFFICIAL, article="第十九条")
EDI_FACILITIES = SourceRef(
    LICENCE, Reliability.LICENCE, article="十六", item="(四)", note="在覆盖范围内组建平台设施"
)
ACCESS_PROVIDER_RECORDED = SourceRef(
    "经营许可证附页",
    Reliability.PRACTICE,
    note="附页载明网站接入服务提供单位；更换接入商按许可证变更办理（实务做法）",
)
