"""`collocation`: a word or verb form that is wrong only before certain nouns.

False friends and calques live in collocations: "the actual president" (current),
"assisted at the summit" (attended), "a sensible issue" (sensitive), "realised the
project" (carried out). A rule lists the `forms` to find (each with its replacement,
matched in the engine's literal pass) and the `objects` that must follow, with at
most `max_gap` words in between (articles, possessives, adjectives). Without
`objects` the form alone is enough. `exceptions` are longer phrases around the form
that make it correct. `object_not_subject` names a data file of verbs (data/clause-verbs.txt)
that show the object is the subject of a new clause instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.data import load_lines
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, match_case, register

WORD = re.compile(r"[ \t]+([\w'’-]+)")
# Words that cannot stand between the form and its object ("realized that the study ...").
GAP_STOP = {"that", "what", "how", "why", "when", "whether", "if", "which", "who", "it", "this", "there"}


@register("collocation")
class Collocation(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["forms"],
        "additionalProperties": False,
        "properties": {
            "forms": {"type": "object", "additionalProperties": {"type": ["string", "null"]}, "minProperties": 1},
            "objects": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "max_gap": {"type": "integer", "minimum": 0, "maximum": 4},
            "exceptions": {"type": "array", "items": {"type": "string", "minLength": 1}},
            # Skip when the object is followed by one of the verbs listed in this data file: it
            # then starts a clause ("realized the project would fail").
            "object_not_subject": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.forms = {k.lower(): v for k, v in params["forms"].items()}
        self.objects = [tuple(o.lower().split()) for o in params.get("objects", [])]
        # Objects by their first word (trailing 's and quote marks stripped, as find_object
        # compares words), in list order: only those can match at a given word.
        self.by_first: dict[str, list[tuple[str, ...]]] | None = None
        if all(self.objects):
            self.by_first = {}
            for obj in self.objects:
                self.by_first.setdefault(obj[0].rstrip("'’s"), []).append(obj)
        # objects_possible(): each object's words as find_object compares them; where each
        # was found in a document is cached on it under `key`.
        self.object_words = tuple(tuple(w.rstrip("'’s") for w in obj) for obj in self.objects) if all(self.objects) else ()
        self.max_gap = params.get("max_gap", 2)
        self.exceptions = [e.lower() for e in params.get("exceptions", [])]
        clause_verbs = params.get("object_not_subject")
        self.clause_verbs = load_lines(self, clause_verbs) if clause_verbs else frozenset()

    def literals(self) -> Iterable[tuple[str, Any]]:
        return ((form, form) for form in self.forms)

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        if self.object_words and not self.objects_possible(doc, end):
            return
        if not doc.word_bounded(start, end):
            return
        if self.excepted(doc, start, end):
            return
        obj_end = end
        obj = ""
        if self.objects:
            found = self.find_object(doc, end)
            if found is None:
                return
            obj, obj_end = found
        right = self.forms[payload]
        form = doc.text[start:end]
        edits = [Edit(start, end, match_case(form, right))] if right is not None else None
        values = {"form": form, "replacement": match_case(form, right) if right else "", "object": obj}
        yield self.finding(doc, start, obj_end, values, edits)

    def objects_possible(self, doc: Document, end: int) -> bool:
        """False when no object can follow `end`: each has a word (as find_object compares
        words: trailing 's and s stripped) that occurs nowhere after it. Common forms ("made",
        "actual") are hit far more often than their objects are written; this costs a C-level
        search per word and document (in list order, so a common object settles it at
        once), where find_object costs a regex match per word and hit."""
        # word -> (from, its first occurrence at or after `from`, or -1), from an earlier hit:
        # still the answer for any end between `from` and that occurrence (hits come in text
        # order, so most calls reuse it).
        seen = doc.scratch.object_search.get(self)
        if seen is None:
            seen = doc.scratch.object_search[self] = {}
        lower = doc.lower
        for words in self.object_words:
            for word in words:
                since, at = seen.get(word, (end + 1, 0))
                if since > end or 0 <= at < end:
                    at = lower.find(word, end)
                    seen[word] = (end, at)
                if at < 0:
                    break
            else:
                return True
        return False

    def find_object(self, doc: Document, pos: int) -> tuple[str, int] | None:
        words: list[tuple[str, int, int]] = []
        low = doc.lower
        for _ in range(self.max_gap + max((len(o) for o in self.objects), default=1)):
            m = WORD.match(low, pos)
            if m is None:
                break
            words.append((m.group(1), m.start(1), m.end(1)))
            pos = m.end()
        for skip in range(0, min(self.max_gap, len(words)) + 1):
            if skip and words[skip - 1][0] in GAP_STOP:
                break
            candidates = self.objects if self.by_first is None or skip >= len(words) else self.by_first.get(words[skip][0].rstrip("'’s"), ())
            for obj in candidates:
                n = len(obj)
                if skip + n <= len(words) and all(words[skip + k][0].rstrip("'’s") == w.rstrip("'’s") or words[skip + k][0] == w for k, w in enumerate(obj)):
                    last = words[skip + n - 1]
                    after = WORD.match(low, last[2])
                    if after is not None and after.group(1) in self.clause_verbs:
                        return None
                    return doc.text[words[skip][1] : last[2]], last[2]
        return None

    def excepted(self, doc: Document, start: int, end: int) -> bool:
        low = doc.lower
        window = low[max(0, start - 40) : end + 40]
        offset = start - max(0, start - 40)
        for phrase in self.exceptions:
            i = window.find(phrase)
            while i >= 0:
                if i <= offset and i + len(phrase) >= offset + (end - start):
                    return True
                i = window.find(phrase, i + 1)
        return False
