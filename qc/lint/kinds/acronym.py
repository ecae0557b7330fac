"""`acronym`: acronyms that do not fit their organisation, driven by data/organisations.yaml.

`check` chooses the test:

- `mismatch`: an expansion followed by an acronym in parentheses that does not belong to
  it: a foreign acronym ("World Health Organization (OMS)"), the wrong acronym for a known
  name ("Shanghai Cooperation Organization (OCS)"), or, for any name, an acronym whose
  letters are the name's initials rotated ("Communist Party of China (CCP)": the initials
  are CPC; "Liberation Army of the People (PLA)"): the trace of an "X of Y" name
  translated in the other order. Acronyms of foreign-language origin whose letters are
  merely shuffled (FARC, FDLR) are not rotations and are left alone.
- `foreign`: a foreign-language acronym on its own (OTAN, OMS, ONU, МАГАТЭ); the fix
  writes the English acronym. Entries marked `ambiguous` and two-letter Latin acronyms
  need support: "the" right before them and nothing after them in the noun phrase, or
  the English name elsewhere in the text.
- `article`: "the" before an acronym or name that English writes without an article
  ("the NATO" → "NATO"), only where the acronym ends the noun phrase: "the NATO summit",
  "the NATO-led force" and "the NATO allies" are correct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from qc.finding import Edit, Finding
from qc.lint.automaton import find_all
from qc.lint.data import load_lines
from qc.lint.document import Document, is_word_char, lazy
from qc.lint.kinds import RuleKind, match_case, register
from qc.lint.kinds.gazetteer import Entry, Spellings, capitals_match, contained_in, load_entries, load_spellings
from qc.lint.prefilter import char

PAREN_ACRONYM = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9&+\-]{1,9}|[^\W\da-z]{2,10})\)")
TOKEN = re.compile(r"[\w'’\-]+|&|[^\w\s]")
CONNECTORS = {"of", "for", "the", "and", "on", "in", "at", "to", "&", "de", "du", "des", "la", "le"}
MAX_EXPANSION_WORDS = 12
NEXT_WORD = re.compile(r"\s*(\S)?([a-z]+)?")


def is_acronym(text: str) -> bool:
    return sum(1 for c in text if c.isupper()) >= 2 and not any(c.islower() for c in text if not c.isascii()) and len(text) <= 10


def rotations(word: str) -> set[str]:
    return {word[i:] + word[:i] for i in range(1, len(word))}


@dataclass(frozen=True)
class Known:
    entry: Entry
    english: frozenset[str]  # acronyms English uses for it (acronym + acronym-like variants)


@register("acronym")
class Acronym(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data", "check"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "string", "minLength": 1},
            "spellings": {"type": "string", "minLength": 1},
            "phrase_enders": {"type": "string", "minLength": 1},
            "check": {"enum": ["mismatch", "foreign", "article"]},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.mode = rule.params["check"]
        self.entries = load_entries(self, rule.params["data"], "organisations")
        # names compared in one spelling (organisation/organization ...: `spellings:`, data/spellings.yaml)
        # After "the <ACRONYM>", a word that shows the acronym ends the noun phrase (`phrase_enders:`).
        enders = rule.params.get("phrase_enders")
        if enders is None and self.mode != "mismatch":
            raise self.error(f"check: {self.mode} needs a `phrase_enders:` data file")
        self.phrase_enders = load_lines(self, enders) if enders is not None else frozenset()
        self.spelling = load_spellings(self, rule.params["spellings"]) if "spellings" in rule.params else Spellings({})
        self.english_acronyms: set[str] = set()
        self.by_form: dict[str, Known] = {}
        for entry in self.entries:
            english = {entry.acronym} if entry.acronym else set()
            english |= {v for v in entry.variants if is_acronym(v.replace(".", "").replace("-", ""))}
            self.english_acronyms |= english
            known = Known(entry, frozenset(english))
            for form in entry.forms:
                if not is_acronym(form):
                    self.by_form.setdefault(self.spelling.text(form), known)
        # foreign acronyms that are not also an English acronym of something else
        self.foreign: dict[str, list[tuple[str, Entry]]] = {}
        for entry in self.entries:
            for acr in entry.foreign_acronyms:
                if acr in self.english_acronyms:
                    continue
                self.foreign.setdefault(acr.lower(), []).append((acr, entry))
        # "the <name>" for names and acronyms that take no article
        self.no_article: dict[str, list[tuple[str, Entry]]] = {}
        if self.mode == "article":
            for entry in self.entries:
                if entry.article:
                    continue
                for form in {entry.acronym, entry.name, *entry.variants} - {None}:
                    assert form is not None
                    if " " in form or "," in form:
                        continue  # multi-word names ("North Atlantic Treaty Organization") do take "the"
                    self.no_article.setdefault(f"the {form.lower()}", []).append((form, entry))


        # `foreign` matches the acronyms as written, in one case-sensitive pass of its own
        # (`automaton`): a hit must equal the acronym exactly, and the lowercase forms in the
        # shared pass would stop inside every word holding "ce" or "omi".
        self._acronyms: list[str] = sorted({acr for found in self.foreign.values() for acr, _ in found})

    @lazy
    def automaton(self) -> Any:
        """The foreign acronyms as written (built on first use, and again after unpickling).
        No acronym holds a control character: find_all's stand-in for a lone surrogate."""
        return ahocorasick_rs.AhoCorasick(self._acronyms, implementation=ahocorasick_rs.Implementation.DFA)

    # -- engine hooks -----------------------------------------------------------------------
    def word_literals(self) -> Iterable[tuple[str, Any]]:
        if self.mode == "article":
            return self.no_article.items()
        return ()

    def triggers(self) -> Iterable[str] | None:
        if self.mode == "foreign":
            return None if self._acronyms else ()
        return ["("] if self.mode == "mismatch" else ()

    def prefilter(self) -> str | None:
        if self.mode == "foreign" and self._acronyms:
            # one of the acronyms as written, anywhere (the check wants whole words of them)
            return "(?:" + "|".join("".join(char(c) for c in acr) for acr in self._acronyms) + ")"
        return None  # "(ABC)" after a name (mismatch) is common: a prefilter would let most texts through

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        return self.on_word(doc, start, end, payload)

    def on_word(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        if not doc.word_bounded(start, end):
            return iter(())
        if self.mode == "foreign":
            return self.foreign_hit(doc, start, end, payload)
        return self.article_hit(doc, start, end, payload)

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.mode == "foreign":
            yield from self.foreign_acronyms(doc)
            return
        if self.mode != "mismatch":
            return
        text = doc.text
        for match in PAREN_ACRONYM.finditer(text):
            acr = match.group("acr")
            if not is_acronym(acr):
                continue
            words = self.expansion(text, match.start())
            if not words:
                continue
            finding = self.judge(doc, match, acr, words)
            if finding is not None:
                yield finding

    # -- mismatch ---------------------------------------------------------------------------
    def expansion(self, text: str, paren: int) -> list[str]:
        """The capitalised words (and connectors between them) right before "(ACR)"."""
        tokens = TOKEN.findall(text[max(0, paren - 160) : paren])
        words: list[str] = []
        for token in reversed(tokens):
            if len(words) >= MAX_EXPANSION_WORDS or not (token[0].isupper() or token.lower() in CONNECTORS):
                break
            words.append(token)
        words.reverse()
        while words and words[0].lower() in CONNECTORS:
            words.pop(0)
        return words

    def judge(self, doc: Document, match: re.Match[str], acr: str, words: list[str]) -> Finding | None:
        start, end = match.span("acr")
        # the longest suffix of the expansion that is a known name
        # the expansion is a known name, perhaps after possessives ("China's National ... Commission")
        known = None
        for i in range(len(words)):
            if i and not re.search(r"['’]s$", words[i - 1]):
                break
            candidate = self.by_form.get(self.spelling.text(" ".join(words[i:])))
            if candidate is not None:
                known = candidate
                words = words[i:]
                break
        expansion = " ".join(words)
        values = {"acronym": acr, "expansion": expansion}
        if known is not None:
            entry = known.entry
            right = entry.acronym
            if acr in entry.foreign_acronyms:
                values.update(right=right or entry.name, why=f"{acr} is a foreign-language acronym of the {entry.name}")
                return self.finding(doc, start, end, values, self.everywhere(doc, acr, right) if right else None)
            if acr not in known.english and right and not self.rotated(acr, words):
                if acr in self.english_acronyms:
                    return None  # another body's acronym: probably a different, longer name
                values.update(right=right, why=f"{acr} is not the acronym of the {entry.name}")
                return self.finding(doc, start, end, values, self.everywhere(doc, acr, right))
        if self.rotated(acr, words):
            initials = self.initials(words)
            values.update(right=initials, why=f"the letters of {acr} are the initials of the name in another order ({initials}): the name or the acronym is translated in the wrong order")
            edits = self.everywhere(doc, acr, initials) if known is not None and known.entry.acronym == initials else None
            return self.finding(doc, start, end, values, edits)
        return None

    @staticmethod
    def everywhere(doc: Document, acr: str, right: str) -> list[Edit]:
        """Edits renaming the acronym at every whole-word occurrence in the text: a fix of the
        one after the name alone would leave the article calling the body two things ("the
        Communist Party of China (CPC) ... the CCP's decision"). All or none: the fix
        resolver skips the whole fix when any of its edits clashes with another fix."""
        text = doc.text
        edits = []
        at = text.find(acr)
        while at >= 0:
            end = at + len(acr)
            if doc.word_bounded(at, end):
                edits.append(Edit(at, end, right))
            at = text.find(acr, end)
        return edits

    @staticmethod
    def content_words(words: list[str]) -> list[str]:
        return [w for w in words if w.lower() not in CONNECTORS]

    def initials(self, words: list[str]) -> str:
        return "".join(w[0].upper() for w in self.content_words(words))

    def rotated(self, acr: str, words: list[str]) -> bool:
        """The acronym is the initials of the name's last len(acr) content words, rotated."""
        if not acr.isalpha() or not acr.isupper() or not acr.isascii():
            return False
        content = self.content_words(words)
        if len(content) < len(acr) or len(acr) < 3:
            return False
        initials = "".join(w[0].upper() for w in content[-len(acr) :])
        return initials != acr and acr in rotations(initials)

    # -- foreign ----------------------------------------------------------------------------
    def foreign_acronyms(self, doc: Document) -> Iterator[Finding]:
        """Every whole-word occurrence of a foreign acronym as written, in text order (by
        end), each judged once with all acronyms of its lowercase form."""
        automaton = self.automaton
        low = doc.lower
        size = len(low)
        acronyms = self._acronyms
        for index, start, end in find_all(automaton, doc.text):
            acr = acronyms[index]
            # whole words by the engine's test: on the lowercase copy
            if (start and is_word_char(low[start - 1])) or (end < size and is_word_char(low[end])):
                continue
            yield from self.on_word(doc, start, end, self.foreign[acr.lower()])

    def foreign_hit(self, doc: Document, start: int, end: int, payload: list[tuple[str, Entry]]) -> Iterator[Finding]:
        found = doc.text[start:end]
        for acr, entry in payload:
            if found != acr:
                continue
            if start > 0 and doc.text[start - 1] == "(" and self.after_known_name(doc, start - 1, entry):
                return  # "World Health Organization (OMS)": the mismatch check reports it with the name
            if contained_in(doc, start, end, entry.forms):
                return
            weak = entry.ambiguous or (len(acr) <= 2 and acr.isascii())
            after_the = doc.lower[max(0, start - 4) : start] == "the " and self.ends_phrase(doc.text, end)
            if weak and not (after_the or self.mentions(doc, entry)):
                return
            right = entry.acronym or entry.name
            values = {"acronym": acr, "right": right, "name": entry.name}
            yield self.finding(doc, start, end, values, [Edit(start, end, right)])
            return

    @staticmethod
    def after_known_name(doc: Document, paren: int, entry: Entry) -> bool:
        before = doc.text[max(0, paren - 120) : paren].rstrip()
        return any(before.endswith(form) for form in (entry.name, *entry.variants))

    @staticmethod
    def mentions(doc: Document, entry: Entry) -> bool:
        names = [entry.name, *(v for v in entry.variants if len(v) > 3)]
        return any(n in doc.text for n in names)

    # -- article ----------------------------------------------------------------------------
    def article_hit(self, doc: Document, start: int, end: int, payload: list[tuple[str, Entry]]) -> Iterator[Finding]:
        text = doc.text
        name_start = start + 4
        found = text[name_start:end]
        for form, entry in payload:
            if not capitals_match(found, form) or found[:1].islower():
                continue
            if not self.ends_phrase(text, end):
                return
            values = {"name": found, "right": found}
            replacement = match_case(text[start:name_start], found) if text[start].isupper() else found
            yield self.finding(doc, start, end, values, [Edit(start, end, replacement)])
            return

    def ends_phrase(self, text: str, end: int) -> bool:
        """After the acronym: punctuation, the end, or a verb or preposition."""
        rest = text[end : end + 30]
        if not rest.strip():
            return True
        if rest[0] in "-–/+" or rest[0].isalnum():
            return False
        if rest[0] in "'’":
            return False  # "the NASA's Hubble telescope": "the" may belong to the later noun
        if rest[0] in ".,;:!?)”\"":
            return True
        m = NEXT_WORD.match(rest)
        if m is None or m.group(1) is None:
            return True
        word = (m.group(1) + (m.group(2) or "")) if m.group(1).islower() else ""
        return word in self.phrase_enders
