"""`taiwan_pinyin`: a Taiwanese person's name written in mainland Hanyu Pinyin.

MT from Chinese romanises every name in Hanyu Pinyin ("Xia Liyan", "Zhao Chunshan"),
but people from Taiwan are known by Wade-Giles style names or English names
("Andrew Hsia", "Chao Chun-shan"); annotators mark the pinyin as a source-language
fragment. A name counts as Taiwanese when an appositive next to one of its mentions
ties it to Taiwan ("Xia Liyan, vice chairman of the Kuomintang", "KMT Vice Chairman
Xia Liyan"); then every mention in the article is flagged. Mainland officials who deal
with Taiwan ("Song Tao, director of the Taiwan Affairs Office") are not. No fix: the
right name has to be looked up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from qc.finding import Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng "
    "Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Jia Ding Wei Xue Ye Yan Lu Du Su Xia Fan Fu Shen Qiu Zou Shi Lai Jin "
    "Hou Bai Cui Kang Mao Qin Qian Gu Ren Shao Wan Hao Kong Long Wen Tan Lei Meng Qi Yin Niu Duan Lei Hong Zhuo Ke Tao Pang"
).split()
SYL = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|e|i|o|u)"
NAME = re.compile(rf"\b(?P<name>(?:{'|'.join(SURNAMES)}) [A-Z](?:{SYL}){{1,2}})\b(?!-)", re.ASCII)
GIVEN = re.compile(rf"(?:{SYL}){{1,2}}")
TAIWAN = r"(?:Kuomintang|KMT|Taiwan|Taiwanese|Taipei|Nationalist Party|DPP|Democratic Progressive Party|Legislative Yuan|Executive Yuan|Kaohsiung|Taichung|Tainan|Mainland Affairs Council|Straits Exchange Foundation)"
MAINLAND = re.compile(r"Affairs Office|Work Office|CPC|Communist|mainland|Beijing|State Council|People's Republic|Xinhua", re.IGNORECASE)
# An appositive: ", a senior adviser to the KMT", ", Vice Chairman of the Kuomintang" (not a new clause: ", Xia said ...").
TITLE = r"(?:[a-z][a-z-]*|Vice|Chairman|Chairwoman|Chair|Director|President|Deputy|Secretary|Senior|Former|Head|Spokesman|Spokeswoman|Spokesperson|Mayor|Legislator|Minister|Premier|Honorary|Executive)"
AFTER = re.compile(rf"(?:'s|’s)?,\s+{TITLE}\b[^,.;\n]{{0,80}}?\b{TAIWAN}\b[^,.;\n]{{0,40}}")
BEFORE = re.compile(rf"\b{TAIWAN}(?:'s|’s)?(?:\s+[A-Za-z-]+){{0,4}}\s+$")


@register("taiwan_pinyin")
class TaiwanPinyin(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def triggers(self) -> Iterable[str] | None:
        return ("taiwan", "kuomintang", "kmt", "taipei")

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        mentions = [m for m in NAME.finditer(text) if GIVEN.fullmatch(m.group("name").split(" ")[1].lower())]
        if not mentions:
            return
        taiwanese = set()
        for m in mentions:
            name = m.group("name")
            if name in taiwanese:
                continue
            after = AFTER.match(text, m.end())
            if after and not MAINLAND.search(after.group()):
                taiwanese.add(name)
                continue
            before = BEFORE.search(text, max(0, m.start() - 80), m.start())
            if before and not MAINLAND.search(before.group()):
                taiwanese.add(name)
        for m in mentions:
            if m.group("name") in taiwanese:
                yield self.finding(doc, m.start(), m.end(), {"name": m.group("name")})
