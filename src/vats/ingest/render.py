"""Render a `Licence` as licence-style text, and make realistic synthetic licences.

Other teams use this for fixtures, demos and the 1,000-licence benchmarks; the ingest tests use
it for the round-trip property (render, parse back, compare). `noise=True` adds what real scans
and PDF exports contain — repeated page headers, lines broken in the middle of a word, fragments
duplicated by a page break, full-width punctuation, markdown headings, stray spaces — but only in
forms the normaliser promises to repair (`normalise.survives_break`), so a noisy rendering still
parses back to an equal licence.

Synthetic companies, people, sites and provision texts are invented here; provision texts are
short paraphrases in our own words of the topics a real licence's 特别规定事项 cover.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from vats.ingest import numbers
from vats.ingest.extract_slips import KNOWN_APP_STORES
from vats.ingest.extract_vocab import is_starter
from vats.ingest.normalise import MIN_WRAP, clean_line, is_duplicate_fragment, is_furniture, survives_break
from vats.model.dates import add_years
from vats.model.errors import InputError
from vats.model.licence import (
    Issuer,
    Licence,
    LicenceTitle,
    Provision,
    ProvisionItem,
    Service,
    Site,
    SiteKind,
)
from vats.model.numbers import NumberKind
from vats.model.numerals import DIGITS, to_cn
from vats.reference import catalogue, regions

LAYOUTS = ("provincial", "cross_regional", "icp_certificate")
MIIT = "中华人民共和国工业和信息化部"
_PAGE_LINES = 14  # noise: a page header every this many content lines (give or take)


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _default_layout(licence: Licence) -> str:
    if licence.number_info.kind is NumberKind.ICP_LICENCE:
        return "icp_certificate"
    return "cross_regional" if licence.number_info.cross_regional else "provincial"


def service_line(service: Service, *, full: bool = True, includes: bool = True) -> str:
    """`信息服务业务(仅限互联网信息服务)不含A、B。【note】` — the grammar `extract_services` reads.

    `full=False` gives the short form printed above site blocks (name and 仅限 only).
    """
    text = service.name
    if service.limited_to:
        text += "(仅限" + "、".join(service.limited_to) + ")"
    if not full:
        return text
    if service.includes and includes:
        text += "(含" + "、".join(service.includes) + ")"
    if service.excludes:
        text += "不含" + "、".join(service.excludes) + "。"
    return text + "".join(f"【{note}】" for note in service.notes)


def _site_lines(site: Site) -> list[str]:
    if site.kind is SiteKind.WEBSITE:
        lines = [f"网站名称:{site.name}", f"网站域名:{site.domain}"]
        if site.server_location:
            lines.append(f"服务器放置地址:{site.server_location}")
        if site.access_providers:
            lines.append("网站接入服务提供单位:" + "、".join(site.access_providers))
        return lines
    lines = [f"APP名称:{site.name}", f"APP域名:{site.domain}"]
    if site.server_location:
        lines.append(f"APP服务器放置地:{site.server_location}")
    if site.app_stores:
        lines.append("APP接入服务提供单位:" + "、".join(site.app_stores))
    return lines


def _provision_lines(licence: Licence) -> list[str]:
    if not licence.provisions:
        return []
    lines = [
        "特别规定事项",
        f"《特别规定事项》是经营许可证重要组成部分,{licence.company}应当按照经营许可证载明的许可事项开展经营活动,"
        "并遵守下列规定事项:",
    ]
    for provision in licence.provisions:
        lines.append(f"{to_cn(provision.number)}、{provision.text}")
        for item in provision.items:
            applies = f"(适用于{item.applies_to})" if item.applies_to else ""
            lines.append(f"({to_cn(item.number)}){applies}{item.text}")
    return lines


def _issuer_line(licence: Licence, label: str) -> str:
    stated = licence.issuer.name if licence.issuer and licence.issuer.stated else ""
    return f"{label}:{stated}"


def _dates(licence: Licence) -> list[str]:
    lines = []
    if licence.issue_date:
        lines.append(f"发证日期:{_cn_date(licence.issue_date)}")
    if licence.expiry_date:
        lines.append(f"有效期至:{_cn_date(licence.expiry_date)}")
    return lines


def _copy_lines(licence: Licence) -> list[str]:
    return licence.copy_restriction.split(" ") if licence.copy_restriction else []


def _body(licence: Licence, layout: str) -> list[list[str]]:
    """The document as pages of lines (page headers are added by the caller)."""
    if layout == "icp_certificate":
        return [_icp_body(licence)]
    title = "中华人民共和国" + (
        LicenceTitle.CROSS_REGIONAL.value if layout == "cross_regional" else LicenceTitle.PROVINCIAL.value
    )
    main = [title, f"经营许可证编号:{licence.number}"]
    main.append(
        "根据《中华人民共和国电信条例》及国家有关规定,经审查,准许你公司按照本经营许可证(正文和附件)载明的内容"
        "经营增值电信业务,特颁发增值电信业务经营许可证。"
    )
    main.append(f"公司名称:{licence.company}")
    if licence.legal_representative:
        main.append(f"法定代表人:{licence.legal_representative}")
    main.append("业务种类见附页(服务项目)及覆盖范围;")
    main.append(_issuer_line(licence, "发证机关(盖章)"))
    main += _dates(licence)
    appendix = [f"{licence.company}获准经营的业务种类、服务项目和业务覆盖范围"]
    for service in licence.services:
        appendix.append(service_line(service))
        if service.coverage_stated and service.coverage:
            appendix.append("业务覆盖范围:" + "、".join(service.coverage))
    appendix += _copy_lines(licence)
    sites: list[str] = []
    for service in licence.services:
        listed = [site for site in licence.sites if service.code in site.services]
        if listed:
            sites.append(f"{licence.company}获准经营{service_line(service, full=False)}相关信息")
            for site in listed:
                sites += _site_lines(site)
    pages = [main, appendix]
    if sites:
        pages.append(sites)
    if licence.provisions:
        pages.append(_provision_lines(licence))
    return pages


def _icp_body(licence: Licence) -> list[str]:
    lines = [
        "中华人民共和国电信与信息服务业务经营许可证",
        f"经营许可证编号:{licence.number}",
        f"公司名称:{licence.company}",
    ]
    if licence.legal_representative:
        lines.append(f"法定代表人:{licence.legal_representative}")
    for service in licence.services:
        lines.append("业务种类:" + service_line(service, includes=False))
        if service.coverage_stated and service.coverage:
            lines.append("业务覆盖范围:" + "、".join(service.coverage))
        if service.includes:
            lines.append("服务项目:" + "、".join(service.includes))
    for site in licence.sites:
        lines += [f"网站名称:{site.name}", f"网址:{site.domain}"]
    lines.append(_issuer_line(licence, "发证机关"))
    lines += _dates(licence)
    lines += _copy_lines(licence)
    return lines


def render_licence(licence: Licence, *, layout: str | None = None, noise: bool = False, seed: int = 0) -> str:
    """Licence-style text for `licence`; `layout` defaults to what the number implies.

    With `noise`, `seed` makes the noise reproducible.
    """
    layout = layout or _default_layout(licence)
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}", field="layout")
    pages = _body(licence, layout)
    if not noise:
        return "\n\n".join("\n".join(page) for page in pages) + "\n"
    return _noisy(licence, pages, random.Random(seed))


_FULL_WIDTH = str.maketrans({":": "：", "(": "（", ")": "）", ",": "，", ";": "；"})


def _noisy(licence: Licence, pages: list[list[str]], rng: random.Random) -> str:
    title = licence.title if licence.title.startswith("中华人民共和国") else "中华人民共和国" + licence.title
    header = [f"经营许可证编号:{licence.number}", title + "  ", "(附 页)"]
    out: list[str] = []
    for page_index, page in enumerate(pages):
        if page_index:
            out += ["", *header, ""]
            if rng.random() < 0.5:
                out += [f"第 {page_index + 1} 页", ""]
        since_header = 0
        for line in page:
            if since_header >= _PAGE_LINES and rng.random() < 0.5 and not _is_header_like(line):
                out += [
                    "",
                    *header[:1],
                    "",
                    "## 特别规定事项" if line.startswith(("(", *DIGITS)) else header[1],
                    "",
                ]
                since_header = 0
            since_header += 1
            out += _noisy_line(line, rng)
            out.append("")
    return "\n".join(out) + "\n"


def _is_header_like(line: str) -> bool:
    return line.startswith(("中华人民共和国", "经营许可证编号"))


def _noisy_line(line: str, rng: random.Random) -> list[str]:
    if line == "特别规定事项":
        return ["## 特别规定事项"]
    if _is_header_like(line) or line.startswith(("仅供", "再次复印")):
        return [line]
    pieces = [line]
    if len(line) > MIN_WRAP + 2 and rng.random() < 0.3:
        cut = rng.randrange(MIN_WRAP, len(line) - 1)
        if survives_break(line[:cut], line[cut:]):
            pieces = [line[:cut] + "  ", line[cut:]]
    elif len(line) > 12 and rng.random() < 0.15:
        tail = line[-rng.randrange(4, 8) :]
        if (
            is_duplicate_fragment(line, tail)
            and not is_starter(tail)
            and not is_furniture(tail)
            and clean_line(tail) == tail
        ):
            pieces = [line, "", tail]
    if rng.random() < 0.3:
        pieces = [p.translate(_FULL_WIDTH) for p in pieces]
    if rng.random() < 0.2:
        pieces = [p.replace(":", ": ", 1) for p in pieces]
    return pieces


# -- synthetic licences ---------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌宇浩凯晨欣怡子轩梓涵一鸣思远嘉豪"
_BRANDS = (
    "云帆",
    "星图",
    "青禾",
    "知途",
    "曜石",
    "澜海",
    "朗峰",
    "启明",
    "拾光",
    "骏驰",
    "蓝鲸",
    "橙果",
    "方舟",
    "数智",
    "悦行",
    "鹿鸣",
    "千帆",
    "山海",
    "极客",
    "墨池",
)
_TRADES = ("网络科技", "信息技术", "数字科技", "互联网科技", "软件技术", "数据服务", "电子商务", "文化传媒")
_SITE_WORDS = (
    "优选",
    "学堂",
    "出行",
    "健康",
    "好物",
    "二手车",
    "旅行",
    "社区",
    "云盘",
    "短视频",
    "招聘",
    "家居",
)
_SYLLABLES = (
    "yun",
    "fan",
    "xing",
    "tu",
    "qing",
    "he",
    "zhi",
    "lan",
    "hai",
    "lang",
    "feng",
    "qi",
    "ming",
    "guang",
    "jun",
    "chi",
    "jing",
    "cheng",
    "guo",
    "zhou",
    "shu",
    "yue",
    "lu",
    "shan",
)
_TLDS = (".com", ".cn", ".com.cn", ".net", ".net.cn")
_DATA_CENTRES = (
    "北京市朝阳区酒仙桥路甲10号数据中心",
    "上海市浦东新区张江路665号云计算中心",
    "广东省深圳市南山区科技园数据中心3号楼",
    "河北省廊坊市安次区龙河高新区数据中心",
    "贵州省贵安新区大数据产业园2号机房",
    "浙江省杭州市余杭区文一西路数据中心",
    "内蒙古自治区乌兰察布市集宁区云计算产业园",
)
_ACCESS = (
    "北京云联数据科技有限公司",
    "上海数港网络服务有限公司",
    "深圳前海云桥科技有限公司",
    "杭州青云网络技术有限公司",
    "中国电信股份有限公司北京分公司",
)
_PROVISIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("你公司应当遵守电信管理法律法规和行业管理规定,配合电信主管部门的监督检查。", ()),
    ("你公司应当在许可的业务种类和覆盖范围内经营,并在经营场所和网站首页显著位置标明经营许可证编号。", ()),
    (
        "你公司未取得相应许可时不得自建电信传输网络设施,应当使用持有基础电信业务经营许可的经营者提供的网络资源。",
        (),
    ),
    ("你公司不得向无证经营者提供电信资源,也不得转售或转租网络接入资源。", ()),
    ("你公司应当建立服务质量和用户投诉处理制度,及时处理用户投诉。", ()),
    ("你公司应当对所属网络和系统开展定级备案、符合性评测和风险评估,并报送电信主管部门。", ()),
    ("你公司应当依法保护用户个人信息,落实网络与信息安全主体责任。", ()),
    ("你公司发生重大网络安全事件时,应当立即处置并第一时间向电信主管部门报告。", ()),
    ("你公司对发现的违法信息应当立即处置并保存记录,在处置后10个工作日内向电信主管部门报告。", ()),
    ("你公司应当依法为有关部门提供技术支持和协助。", ()),
    (
        "你公司因合并、分立、股东变化或业务范围变化需要变更的,应当自作出决定之日起30日内向原发证机关提出申请。",
        (),
    ),
    (
        "你公司在业务覆盖范围内的当地机构信息变化的,应当在变更后30日内报送原发证机关;许可证有效期届满需继续经营的,"
        "应当提前90日申请续办。",
        (),
    ),
    ("你公司取得跨地区许可证后,应当在30日内办理相应省级许可证的注销或变更手续。", ()),
    ("你公司应当每年第一季度报送经营许可证年报。", ()),
    (
        "你公司经营信息服务业务时,应当遵守下列规定:",
        (
            "按许可证载明的服务项目开展业务,需前置审批的项目依法办理审批。",
            "未经批准不得开展固定网电话信息服务。",
            "不得发布法律法规禁止的信息。",
            "发布业务广告时应当公布公司名称和经营许可证编号。",
            "收费应当明码标价。",
            "配备专职网络与信息安全管理人员并报备。",
            "具备网络与信息安全技术保障措施。",
            "新技术新业务上线前开展安全评估,并在评估完成30日内提交报告。",
            "配合处置公共网络安全威胁。",
            "提供信息发布平台服务时不得强行推送。",
            "提供搜索服务时不得推荐违法信息。",
            "对公众账号发布者做好资质审核。",
            "建立即时通信应急处置机制。",
        ),
    ),
    (
        "你公司经营在线数据处理与交易处理业务时,应当遵守下列规定:",
        (
            "涉及需经许可的服务内容的,应当经主管部门批准。",
            "依法使用商用密码产品,保障数据安全。",
            "相关数据资料保存时间不得少于一年。",
            "在许可的覆盖范围内建设业务平台设施。",
            "配备专职网络与信息安全管理技术人员。",
            "具备网络与信息安全技术保障措施。",
            "新技术新业务上线前开展安全评估。",
        ),
    ),
)
_APPLIES = {
    10: "信息发布平台及递送服务",
    11: "信息搜索查询服务",
    12: "信息社区平台服务",
    13: "信息即时交互服务",
}
_APPROVAL_NOTE = "依法须经批准的项目,经相关部门批准后方可开展相应经营活动"
# catalogue code -> (printed name, limited_to options, excludes pool)
_SERVICE_SHAPES: dict[str, tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    "B25": (
        "信息服务业务",
        (("互联网信息服务",), ()),
        ("信息搜索查询服务", "信息即时交互服务", "信息社区平台服务"),
    ),
    "B21": ("在线数据处理与交易处理业务", (("经营类电子商务",), ()), ("网络借贷信息中介类的互联网金融业务",)),
    "B24": ("呼叫中心业务", ((),), ()),
    "B22": ("国内多方通信服务业务", ((),), ()),
    "B11": ("互联网数据中心业务", ((),), ("互联网资源协作服务",)),
    "B12": ("内容分发网络业务", ((),), ()),
    "B14": ("互联网接入服务业务", ((), ("为上网用户提供互联网接入服务",)), ()),
}


def _code_of(name: str) -> str:
    entry = catalogue.match_service(name)
    return entry.code if entry is not None else name


def _pick(rng: random.Random, pool: tuple[str, ...], lo: int, hi: int) -> tuple[str, ...]:
    count = rng.randint(lo, min(hi, len(pool)))
    chosen = set(rng.sample(pool, count))
    return tuple(p for p in pool if p in chosen)


def synthetic_licence(seed: int, **overrides: object) -> Licence:
    """A realistic, internally consistent synthetic licence; the same seed gives the same licence.

    `kind` ("provincial" | "cross_regional" | "icp_certificate") picks the layout family; any
    other keyword replaces that `Licence` field (e.g. `expiry_date=date(2026, 12, 1)`).
    """
    rng = random.Random(seed)
    kind = str(overrides.pop("kind", rng.choices(LAYOUTS, weights=(6, 3, 1))[0]))
    provinces = [r for r in regions.all_regions() if r.licence_char]
    region = rng.choice(provinces)
    issued = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 3800))
    company = f"{region.short}{rng.choice(_BRANDS)}{rng.choice(_TRADES)}有限公司"
    rep = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.randint(1, 2)))
    serial = f"{rng.randrange(0, 10000):04d}"
    codes: tuple[str, ...] = ()
    if kind == "icp_certificate":
        issued = date(2001, 1, 1) + timedelta(days=rng.randrange(0, 3000))
        number_text = f"{region.licence_char}ICP证{issued.year % 100:02d}{serial}号"  # YY + 4-digit serial
        codes = ("B25",)
    elif kind == "cross_regional":
        number_text = f"{rng.choice(('B2', 'B1.B2', 'B1'))}-{issued.year}{serial}"
    else:
        number_text = f"{region.licence_char}{rng.choice(('B2', 'B2', 'B1.B2'))}-{issued.year}{serial}"
    info = numbers.parse(number_text)
    if not codes:
        b2 = [c for c in ("B25", "B21", "B24", "B22") if "B2" in info.classes]
        b1 = [c for c in ("B11", "B12", "B14") if "B1" in info.classes]
        codes = _pick(rng, tuple(b2 + b1), 1, 3)
    regions_pool = tuple(r.name for r in provinces)
    services = []
    for code in codes:
        name, limits, excludes_pool = _SERVICE_SHAPES[code]
        if kind == "cross_regional":
            coverage = ("全国",) if rng.random() < 0.3 else _pick(rng, regions_pool, 2, 6)
            stated = True
        else:
            coverage, stated = (region.name,), kind == "icp_certificate" or rng.random() < 0.3
        includes = ("新闻", "教育", "文化") if kind == "icp_certificate" and rng.random() < 0.5 else ()
        services.append(
            Service(
                code=_code_of(name),
                name=name,
                limited_to=rng.choice(limits),
                includes=includes,
                excludes=_pick(rng, excludes_pool, 0, 2),
                coverage=coverage,
                coverage_stated=stated,
                notes=(_APPROVAL_NOTE,) if kind != "icp_certificate" and rng.random() < 0.5 else (),
            )
        )
    sites = _synthetic_sites(rng, kind, tuple(services))
    provisions = () if kind == "icp_certificate" else _synthetic_provisions(rng)
    stated_issuer = kind == "cross_regional" or kind == "icp_certificate" or rng.random() < 0.4
    issuer_name = MIIT if info.cross_regional else info.issuer
    copy = f"仅供{sites[0].name}使用 再次复印无效" if sites and rng.random() < 0.3 else None
    licence = Licence(
        number=info.canonical,
        number_info=info,
        company=company,
        title=_title(kind),
        legal_representative=rep,
        issuer=Issuer(issuer_name, stated=stated_issuer),
        issue_date=issued,
        expiry_date=add_years(issued, 5),
        services=tuple(services),
        sites=sites,
        provisions=provisions,
        copy_restriction=copy,
    )
    return dataclasses.replace(licence, **overrides)  # type: ignore[arg-type]


def _title(kind: str) -> str:
    return {"icp_certificate": LicenceTitle.ICP, "cross_regional": LicenceTitle.CROSS_REGIONAL}.get(
        kind, LicenceTitle.PROVINCIAL
    ).value


def _synthetic_sites(rng: random.Random, kind: str, services: tuple[Service, ...]) -> tuple[Site, ...]:
    listing = [s.code for s in services if s.name in ("信息服务业务", "在线数据处理与交易处理业务")]
    if not listing:
        return ()
    sites: dict[tuple[SiteKind, str, str], Site] = {}
    for _ in range(rng.randint(1, 4)):
        site_kind = SiteKind.WEBSITE if kind == "icp_certificate" or rng.random() < 0.6 else SiteKind.APP
        name = rng.choice(_BRANDS) + rng.choice(_SITE_WORDS)
        domain = "".join(rng.sample(_SYLLABLES, rng.randint(2, 3))) + rng.choice(_TLDS)
        if kind == "icp_certificate":
            site = Site(site_kind, name, domain, services=tuple(listing))
        else:
            codes = _pick(rng, tuple(listing), 1, len(listing))
            site = Site(
                site_kind,
                name,
                domain,
                server_location=rng.choice(_DATA_CENTRES),
                access_providers=_pick(rng, _ACCESS, 1, 2) if site_kind is SiteKind.WEBSITE else (),
                app_stores=_pick(rng, KNOWN_APP_STORES, 1, 5) if site_kind is SiteKind.APP else (),
                services=codes,
            )
        sites.setdefault((site.kind, site.name, site.domain), site)
    # The rendering lists sites service by service: order them as they will first appear.
    ordered = sorted(sites.values(), key=lambda s: min(listing.index(c) for c in s.services))
    return tuple(ordered)


def _synthetic_provisions(rng: random.Random) -> tuple[Provision, ...]:
    count = len(_PROVISIONS) if rng.random() < 0.7 else rng.randint(8, len(_PROVISIONS))
    result = []
    for number, (text, items) in enumerate(_PROVISIONS[:count], start=1):
        result.append(
            Provision(
                number,
                text,
                tuple(
                    ProvisionItem(i, item, _APPLIES.get(i) if number == 15 else None)
                    for i, item in enumerate(items, 1)
                ),
            )
        )
    return tuple(result)
