"""Synthetic identities for demo and test data: made-up names, ID numbers, phone numbers and street addresses.

Never real people: a name is a common surname and one or two common given-name characters drawn at random, an ID
number is a random order code with a valid GB 11643 check digit, a phone number is a random mobile number. Every
function draws from the ``random.Random`` it is given, so a fixed seed gives the same people on every machine; the
order of the draws is part of that promise (changing it changes every demo person after the first).
"""

from __future__ import annotations

import datetime as dt
import random

from core.idnumbers import check_digit

# Common surnames, the most common first.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
# The 52 most common of them.
COMMON_SURNAMES = SURNAMES[:52]
MALE_GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞斌波建国志海东林峰文宁亮成龙俊浩宇晨凯健云鑫永金兵春德忠"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英玉兰萍红梅琳婷雪慧莉燕洁"
STREETS = ("示范路", "和平路", "建设路", "长江路", "友谊路", "解放路", "新村", "花园路", "人民路", "光明巷")


def person_name(rng: random.Random, *, male: bool, surnames: str = SURNAMES) -> str:
    """A surname and one or two given-name characters."""
    given = MALE_GIVEN if male else FEMALE_GIVEN
    return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))


def id_number(rng: random.Random, *, area: str, birth: dt.date, male: bool) -> str:
    """A random 18-character ID number of the 6-digit ``area`` with a valid GB 11643 check digit (an odd order
    code for men, an even one for women)."""
    order = rng.randrange(0, 1000)
    if (order % 2 == 1) != male:
        order = (order + 1) % 1000
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + check_digit(body)


def mobile_number(rng: random.Random, *, prefix: str = "139") -> str:
    """An 11-digit mobile number starting with ``prefix`` (three digits)."""
    return f"{prefix}{rng.randrange(10**7, 10**8)}"


def street_address(rng: random.Random) -> str:
    """A house on a made-up street: ``和平路 27号``, without the space."""
    return f"{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
