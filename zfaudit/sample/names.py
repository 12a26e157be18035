"""Synthetic but realistic personal data for the sample bureau (names, ID numbers, addresses).

Everything is drawn with numpy from a caller's Generator and assembled with pyarrow string
kernels, so a million parties cost milliseconds, not a Python loop. ID numbers carry valid check
characters (GB 11643 / GB 32100): masking tests must recognise them as the real thing.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯俊帆婷雪琳晨欣怡子涵梓轩浩然思远嘉豪宏伟海燕春梅小龙立新")
CITY = "湘江市"
DISTRICTS = ["天元区", "芦淞区", "荷塘区", "石峰区", "渌口区"]
ROADS = ["长江北路", "黄河南路", "神农大道", "建设中路", "人民东路", "新华西路", "车站路",
         "红旗中路", "炎帝广场", "珠江南路", "泰山路", "庐山路", "株洲大道", "湘江北路"]
SHOPS = ["鑫隆", "华创", "恒达", "盛世", "顺发", "宏远", "金鼎", "湘味", "聚福", "永兴", "嘉和",
         "天成", "瑞丰", "兴旺", "佳美", "福满楼", "老街坊", "明珠"]
TRADES = ["餐饮店", "便利店", "烧烤店", "建材有限公司", "装饰工程有限公司", "广告传媒有限公司",
          "渣土运输有限公司", "房地产开发有限公司", "五金店", "水果店", "汽车维修店", "物业管理有限公司"]
AREA_CODES = ["430202", "430203", "430204", "430211", "430212", "430221", "430223", "430281"]

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))
_USCC_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def _pick(rng: np.random.Generator, words: list[str], n: int) -> pa.Array:
    return pa.array(np.array(words, dtype=object)[rng.integers(0, len(words), n)], pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def person_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Chinese personal names: surname + one or two given characters."""
    two = rng.random(n) < 0.6
    g1, g2 = _pick(rng, GIVEN, n), _pick(rng, GIVEN, n)
    g2 = pc.if_else(pa.array(two), g2, "")
    return _join(_pick(rng, SURNAMES, n), g1, g2)


def company_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Shop and company names as a 当事人 (e.g. 湘江市芦淞区鑫隆餐饮店)."""
    return _join(CITY, _pick(rng, DISTRICTS, n), _pick(rng, SHOPS, n), _pick(rng, TRADES, n))


def addresses(rng: np.random.Generator, n: int) -> pa.Array:
    nums = pc.cast(pa.array(rng.integers(1, 399, n)), pa.string())
    return _join(CITY, _pick(rng, DISTRICTS, n), _pick(rng, ROADS, n), nums, "号")


def resident_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """18-digit 居民身份证号码 with a valid GB 11643 check character."""
    area = np.array([list(a) for a in AREA_CODES], dtype=np.int64)[rng.integers(0, len(AREA_CODES), n)]
    birth = np.datetime64("1958-01-01") + rng.integers(0, 365 * 45, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
    ymd_digits = np.frombuffer(ymd.astype("S8").tobytes(), dtype=np.uint8).reshape(n, 8) - 48
    seq = rng.integers(0, 1000, n)
    seq_digits = np.stack([seq // 100, seq // 10 % 10, seq % 10], axis=1)
    digits = np.concatenate([area, ymd_digits, seq_digits], axis=1)
    check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(axis=1) % 11]
    body = np.frombuffer((digits + 48).astype(np.uint8).tobytes(), dtype="S17").astype(str)
    return pa.array(np.char.add(body, check), pa.string())


def credit_codes(rng: np.random.Generator, n: int) -> pa.Array:
    """18-character 统一社会信用代码 (92… 个体工商户, 91… 企业) with a valid GB 32100 check."""
    head = np.where(rng.random(n) < 0.5, 9 * 31 + 2, 9 * 31 + 1)  # "92" / "91" as two chars
    area = np.array([list(a) for a in AREA_CODES], dtype=np.int64)[rng.integers(0, len(AREA_CODES), n)]
    rest = rng.integers(0, 31, (n, 9))
    idx = np.concatenate([np.stack([head // 31, head % 31], axis=1), area, rest], axis=1)
    check = (31 - (idx * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    idx = np.concatenate([idx, check[:, None]], axis=1)
    chars = _USCC_CHARS[idx]
    flat = np.char.encode(chars, "ascii").astype("S1").tobytes()
    return pa.array(np.frombuffer(flat, dtype="S18").astype(str), pa.string())
