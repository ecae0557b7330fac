"""`taiwan_pinyin`: a Taiwanese person's name written in mainland Hanyu Pinyin.

MT from Chinese romanises every name in Hanyu Pinyin ("Xia Liyan", "Zhao Chunshan"),
but people from Taiwan are known by Wade-Giles style names or English names
("Andrew Hsia", "Chao Chun-shan"); annotators mark the pinyin as a source-language
fragment. A name counts as Taiwanese when an appositive next to one of its mentions
ties it to Taiwan ("Xia Liyan, vice chairman of the Kuomintang", "KMT Vice Chairman
Xia Liyan"); then every mention in the article is flagged. Mainland officials who deal
with Taiwan ("Song Tao, director of the Taiwan Affairs Office") are not. No fix: the
right name has to be looked up.

The surnames, the words that tie a name to Taiwan or to the mainland, and the title
words of an appositive come from the rule's `data:` file (data/taiwan-pinyin.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Finding
from qc.lint.data import load_yaml, strings
from qc.lint.document import Document
from qc.lint.kinds import DATA_FILE_PARAMS, RuleKind, register



def alternation(words: Iterable[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


@register("taiwan_pinyin")
class TaiwanPinyin(RuleKind):
    params_schema = DATA_FILE_PARAMS

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        source = rule.params["data"]
        data = load_yaml(self, source)
        surnames, taiwan = strings(self, data, "surnames", source), alternation(strings(self, data, "taiwan", source))
        self.trigger_words = tuple(w.lower() for w in strings(self, data, "triggers", source))
        syllable = alternation(strings(self, data, "initials", source)) + "?" + alternation(strings(self, data, "finals", source))
        self.given = re.compile(rf"(?:{syllable}){{1,2}}")
        self.name = re.compile(rf"\b(?P<name>{alternation(surnames)} [A-Z](?:{syllable}){{1,2}})\b(?!-)", re.ASCII)
        self.mainland = re.compile("|".join(re.escape(w) for w in strings(self, data, "mainland", source)), re.IGNORECASE)
        # An appositive: ", a senior adviser to the KMT", ", Vice Chairman of the Kuomintang" (not a new clause: ", Xia said ...").
        title = "(?:[a-z][a-z-]*|" + alternation(strings(self, data, "titles", source))[3:]
        self.after = re.compile(rf"(?:'s|’s)?,\s+{title}\b[^,.;\n]{{0,80}}?\b{taiwan}\b[^,.;\n]{{0,40}}")
        self.before = re.compile(rf"\b{taiwan}(?:'s|’s)?(?:\s+[A-Za-z-]+){{0,4}}\s+$")

    def triggers(self) -> Iterable[str] | None:
        return self.trigger_words

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        mentions = [m for m in self.name.finditer(text) if self.given.fullmatch(m.group("name").split(" ")[1].lower())]
        if not mentions:
            return
        taiwanese = set()
        for m in mentions:
            name = m.group("name")
            if name in taiwanese:
                continue
            after = self.after.match(text, m.end())
            if after and not self.mainland.search(after.group()):
                taiwanese.add(name)
                continue
            before = self.before.search(text, max(0, m.start() - 80), m.start())
            if before and not self.mainland.search(before.group()):
                taiwanese.add(name)
        for m in mentions:
            if m.group("name") in taiwanese:
                yield self.finding(doc, m.start(), m.end(), {"name": m.group("name")})
