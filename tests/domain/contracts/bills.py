"""A realistic 200-line bill of quantities (a 12-storey residential block) and a settlement derived from it."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

MEASURED = [
    ("010101001", "平整场地", "m2"), ("010101002", "挖一般土方", "m3"), ("010103001", "回填方", "m3"),
    ("010301001", "预制钢筋混凝土管桩", "m"), ("010401001", "砖基础", "m3"), ("010402001", "砌块墙", "m3"),
    ("010501001", "垫层", "m3"), ("010502001", "矩形柱", "m3"), ("010503002", "矩形梁", "m3"),
    ("010505001", "有梁板", "m3"), ("010515001", "现浇构件钢筋", "t"), ("010516003", "机械连接", "个"),
    ("010801001", "木质门", "樘"), ("010807001", "金属（塑钢、断桥）窗", "m2"), ("010902001", "屋面卷材防水", "m2"),
    ("011001001", "保温隔热屋面", "m2"), ("011101001", "水泥砂浆楼地面", "m2"), ("011201001", "墙面一般抹灰", "m2"),
    ("011406001", "抹灰面油漆", "m2"), ("030411001", "配管", "m"),
]
MEASURES = [("011701001", "综合脚手架", "m2"), ("011702001", "基础模板", "m2"), ("011703001", "垂直运输", "m2"),
            ("011707001", "安全文明施工", "项")]


def bid_lines(n_measured: int = 190) -> list[dict[str, Any]]:
    rnd = random.Random(20261129)
    lines: list[dict[str, Any]] = []
    for i in range(n_measured):
        prefix, name, unit = MEASURED[i % len(MEASURED)]
        places = {"t": 3, "个": 0, "樘": 0}.get(unit, 2)
        quantity = Decimal(rnd.randint(1, 5_000_000)) / Decimal(10**3)
        quantity = quantity.quantize(Decimal(1).scaleb(-places)) if places else Decimal(int(quantity) + 1)
        price = Decimal(rnd.randint(100, 900_000)) / 100
        lines.append({"part": "measured", "code": f"{prefix}{i // len(MEASURED) + 1:03d}", "name": name,
                      "features": f"第{i + 1}项，详见图纸", "unit": unit, "quantity": str(quantity),
                      "unit_price": str(price)})
    for i, (prefix, name, unit) in enumerate(MEASURES):
        measure_qty = "1" if unit == "项" else "12580.40"
        lines.append({"part": "measures", "code": f"{prefix}001", "name": name, "features": "", "unit": unit,
                      "quantity": measure_qty, "unit_price": str(Decimal(38.5 + i * 11).quantize(Decimal("0.01")))
                      if unit != "项" else "486000.00"})
    lines += [
        {"part": "other", "code": "01B001", "name": "暂列金额", "features": "", "unit": "项", "quantity": "1",
         "unit_price": "500000.00"},
        {"part": "other", "code": "01B002", "name": "总承包服务费", "features": "", "unit": "项", "quantity": "1",
         "unit_price": "83000.00"},
        {"part": "fees", "code": "01B003", "name": "社会保险费", "features": "", "unit": "项", "quantity": "1",
         "unit_price": "612345.67"},
        {"part": "fees", "code": "01B004", "name": "住房公积金", "features": "", "unit": "项", "quantity": "1",
         "unit_price": "98765.43"},
        {"part": "tax", "code": "01B005", "name": "增值税", "features": "9%", "unit": "项", "quantity": "1",
         "unit_price": "2891234.56"},
        {"part": "other", "code": "01B006", "name": "计日工", "features": "", "unit": "项", "quantity": "1",
         "unit_price": "45000.00"},
    ]
    return lines


def settlement_from(bid: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every 7th measured quantity grows 5 %, every 11th price is re-agreed, one line dropped, one added."""
    out = []
    for i, line in enumerate(bid):
        line = dict(line)
        if line["code"] == "01B001":
            continue  # the provisional sum is settled to nothing
        if line["part"] == "measured" and i % 7 == 0:
            line["quantity"] = str(Decimal(line["quantity"]) * Decimal("1.05"))
        if line["part"] == "measured" and i % 11 == 0:
            line["unit_price"] = str(Decimal(line["unit_price"]) + Decimal("3.33"))
        out.append(line)
    out.append({"part": "measured", "code": "01B007", "name": "增加的景观花坛", "features": "签证第12号",
                "unit": "m3", "quantity": "18.255", "unit_price": "650.00"})
    return out
