"""The unit directory of the seed round, named exactly as the seed's adoption table names them."""

from __future__ import annotations

from workflow.parsing.units_file import UnitRecord

DemoUnit = UnitRecord  # the demo directory is what an office would import


MEMBER = "市安委会成员单位"
TOWNSHIP = "乡镇（街道）"
DEPARTMENT = "市直部门"

# (name, aliases, mailbox) — mailboxes are invented for the demo under a reserved domain.
_MEMBERS = [
    ("市消防救援大队", ("消防救援大队", "市消防大队"), "xfjy"),
    ("交通运输局", ("交通局", "市交通局", "市交通运输局"), "jtj"),
    ("住建局", ("市住建局", "市住房和城乡建设局"), "zjj"),
    ("市城管局", ("城管局", "市城市管理局"), "cgj"),
    ("发改局", ("市发改局", "市发展改革局", "市发展和改革局"), "fgj"),
    ("教科局", ("市教科局",), "jkj"),
    ("工信局（商务局）", ("工信局", "市工信局", "市工信局（商务局）", "商务局"), "gxj"),
    ("人社局", ("市人社局",), "rsj"),
    ("公安局", ("市公安局",), "gaj"),
    ("民政局", ("市民政局",), "mzj"),
    ("自然资源局（规划局）", ("自然资源局", "市自然资源局", "市规划局"), "zrzyj"),
    ("吕梁生态环境孝义分局", ("市生态环境分局", "生态环境分局"), "sthj"),
    ("市水利局", ("水利局",), "slj"),
    ("市林业局", ("林业局",), "lyj"),
    ("农业农村局", ("市农业农村局",), "nyncj"),
    ("市场监管局", ("市市场监管局",), "scjgj"),
    ("市卫体局", ("卫体局", "市卫健局", "卫健局"), "wtj"),
    ("市文旅局", ("文旅局",), "wlj"),
    ("市能源局", ("能源局",), "nyj"),
    ("气象局", ("市气象局",), "qxj"),
    ("市交警大队", ("交警大队", "市公安局交警大队"), "jjdd"),
]
_TOWNSHIPS = [
    ("兑镇镇", "dzz"),
    ("阳泉曲镇", "yqqz"),
    ("西辛庄镇", "xxzz"),
    ("柱濮镇", "zpz"),
    ("梧桐镇", "wtz"),
    ("大孝堡镇", "dxbz"),
    ("高阳镇", "gyz"),
    ("下堡镇", "xbz"),
    ("驿马乡", "ymx"),
    ("下栅乡", "xzx"),
    ("杜村乡", "dcx"),
    ("新义街道", "xyjd"),
    ("中阳楼街道", "zyljd"),
    ("崇文街道", "cwjd"),
    ("振兴街道", "zxjd"),
    ("胜溪湖办事处", "sxhbsc"),
]


def demo_units() -> list[DemoUnit]:
    units = [
        DemoUnit(name, MEMBER, aliases, "办公室", f"0358-76{n:05d}"[:13], f"{box}@xiaoyi.example.cn")
        for n, (name, aliases, box) in enumerate(_MEMBERS, 1)
    ]
    units += [
        DemoUnit(name, TOWNSHIP, (), "党政办", f"0358-77{n:05d}"[:13], f"{box}@xiaoyi.example.cn")
        for n, (name, box) in enumerate(_TOWNSHIPS, 1)
    ]
    units.append(DemoUnit("市司法局", DEPARTMENT, ("司法局",), "法制股", "0358-7600100", "sfj@xiaoyi.example.cn"))
    return units
