"""`frame`: false friends, flagged only in the syntactic frame that makes them wrong.

"assist" is English in "assisted the police" and a false friend in "assisted to the
ceremony" (French assister à, Spanish asistir a: attend); "actual" is English in "the
actual damage" and a calque in "the actual president" (actuel: current). The knowledge
is data (`data:`, a YAML file next to the pack): per headword its `forms`, each with its
replacement, and the `frames` in which a form is wrong, written in a small token language
that this kind compiles to one regular expression per frame:

    {FORM}        the headword form itself (the literal found in the engine's one pass)
    word          that word;  [a|b|c] one of these (a_b: the two-word phrase "a b")
    CLASS         a word of a named list in the file's `classes` (plural -s/-es allowed)
    ~             any one word
    -[a|b]        the next word is none of these (a negative look-ahead, matches nothing)
    suffixes      ?  optional;  !  deleted by the fix;  =x  replaced by x in the fix

A frame may start before {FORM} ("[gave|give] [a]? {FORM}"): the kind searches a window
around each hit and keeps a match whose {FORM} is that hit. A frame given as a mapping
has `frame`, and optionally `to` (a replacement for {FORM} in this frame only) and
`whole: true` (`to` replaces the whole match). The fix is unsafe: the frame shows the
form is a false friend, not that the replacement fits every sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from qc.errors import RulePackError
from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, match_case, register
from qc.lint.kinds.calque_term import cased
from qc.lint.data import data_stamp

# Between two tokens: spaces, or one line break (wrapped text), never a blank line.
SEP = r"(?:[ \t\u00a0]+\n?[ \t\u00a0]*|\n[ \t\u00a0]*)"
WORD_END = r"(?![\w’'-])"
WORD_START = r"(?<![\w’'-])"
ANY_WORD = r"(?:[^\W\d_][\w’'-]*|\d[\d.,]*\d|\d)"  # a word or a number
NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|several|many|a_few".replace("_", " ")
SPECIAL = {
    "NUM": rf"(?:\d[\d.,]*|{NUMBER_WORDS}){WORD_END}",  # a figure or a number word
    "NAME": rf"(?-i:[A-Z])[\w’'-]+{WORD_END}",  # a capitalised word (a place, a person)
}
# How far before a hit a frame may start, and after it end (characters).
WINDOW_BEFORE = 80
WINDOW_AFTER = 160
TOKEN = re.compile(
    r"""(?P<neg>-)?(?:
        (?P<form>\{FORM\}) | \[(?P<alts>[^\]]+)\] | (?P<cls>[A-Z][A-Z_]+) | (?P<any>~) | (?P<word>[^\s\[\]{}?!=~]+)
    )(?P<opt>\?)?(?P<drop>!)?(?:=(?P<repl>[^\s]+))?""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Frame:
    source: str
    regex: re.Pattern[str]
    to: str | None  # replacement of {FORM} in this frame (None: the form's own)
    whole: bool  # `to` replaces the whole match
    replaced: tuple[tuple[str, str], ...]  # (group name, replacement) of =x tokens; "" deletes
    # The frame from {FORM} on (None when {FORM} is optional or deleted): a hit where it does
    # not match cannot be this frame's {FORM}, so `regex` need not search the window. Most
    # hits of a common form ("have", "make") fail it on the word after.
    after: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Headword:
    headword: str
    langs: tuple[str, ...]
    source: str
    sense: str
    forms: dict[str, str | None]
    frames: tuple[Frame, ...]


def words_regex(words: Iterable[str], plural: bool) -> str:
    alternatives = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    parts = [SEP.join(re.escape(piece) for piece in w.replace("_", " ").split()) for w in alternatives]
    suffix = r"(?:e?s)?" if plural else ""
    return r"(?:" + "|".join(parts) + r")" + suffix + WORD_END


def sep_before_first(pieces: list[str]) -> bool:
    """True once a token that consumes text is in `pieces` (look-aheads consume none)."""
    return any(not p.startswith("(?!") for p in pieces)


def is_punctuation(token: re.Match[str]) -> bool:
    words = (token["alts"] or token["word"] or "").split("|")
    return bool(words[0]) and not any(ch.isalnum() for w in words for ch in w)


def compile_frame(spec: str, forms: Iterable[str], classes: dict[str, list[str]]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The regex source of one frame and its =x/! groups; ValueError names what is wrong."""
    source, replaced, _ = compile_frame_parts(spec, forms, classes)
    return source, replaced


def compile_frame_parts(spec: str, forms: Iterable[str], classes: dict[str, list[str]]) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """`compile_frame`, and the source of the frame from its {FORM} token on (None when that
    token is optional or deleted): whatever the frame matches with {FORM} at an offset, this
    matches at that offset, so a hit it does not match needs no window search."""
    pieces: list[str] = []
    replaced: list[tuple[str, str]] = []
    seen_form = False
    after_start: int | None = None  # index in `pieces` of the plain {FORM} token
    form_named = ""
    sep_taken = False  # the previous (deleted) token already matched the separator
    for n, raw in enumerate(spec.split()):
        m = TOKEN.fullmatch(raw)
        if m is None:
            raise ValueError(f"cannot read token {raw!r}")
        if m["form"]:
            body, seen_form = r"(?P<form>" + words_regex(forms, plural=False) + r")", True
        elif m["alts"]:
            body = words_regex(m["alts"].split("|"), plural=False)
        elif m["cls"] in SPECIAL:
            body = SPECIAL[m["cls"]]
        elif m["cls"]:
            if m["cls"] not in classes:
                raise ValueError(f"unknown class {m['cls']}")
            body = words_regex(classes[m["cls"]], plural=True)
        elif m["any"]:
            body = ANY_WORD + WORD_END
        else:
            body = words_regex([m["word"]], plural=False)
        if m["neg"]:
            pieces.append(r"(?!" + SEP + body + r")")
            continue
        group = f"g{n}"
        if m["drop"] or m["repl"] is not None:
            replaced.append((group, "" if m["drop"] else m["repl"].replace("_", " ")))
        lead = "" if (sep_taken or not sep_before_first(pieces)) else SEP
        if lead and is_punctuation(m):
            lead = r"[ \t]*"  # a comma or stop sits against the word before it
        sep_taken = False
        named = body if m["form"] else rf"(?P<{group}>{body})"
        if m["drop"] and lead:
            token = rf"(?P<{group}>{SEP}{body})"  # the separator before a deleted word goes with it
        elif m["drop"]:
            token, sep_taken = rf"(?P<{group}>{body}{SEP})", True  # a deleted first word takes the one after
        elif m["opt"] and not lead:
            token, sep_taken = named + SEP, True  # an optional first word carries the separator after it
        else:
            token = lead + named
        if m["form"] and not m["opt"] and not m["drop"] and token == lead + named:
            after_start, form_named = len(pieces), named
        pieces.append(rf"(?:{token})?" if m["opt"] else token)
    if not seen_form:
        raise ValueError("no {FORM} token")
    after = None if after_start is None else form_named + "".join(pieces[after_start + 1 :])
    return WORD_START + "".join(pieces), tuple(replaced), after


@lru_cache(maxsize=8)
def load_headwords(path: str, stamp: int) -> tuple[Headword, ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(path, f"cannot read false-friend frames: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise RulePackError(path, "false-friend frames: expected a mapping with `classes` and a list `entries`")
    classes = {str(k): [str(w) for w in v] for k, v in (data.get("classes") or {}).items()}
    return tuple(read_entry(path, i, raw, classes) for i, raw in enumerate(data["entries"]))


def read_entry(path: str, index: int, raw: Any, classes: dict[str, list[str]]) -> Headword:
    where = f"entry {index + 1}"
    if not isinstance(raw, dict) or not raw.get("headword") or not isinstance(raw.get("forms"), dict) or not raw.get("frames"):
        raise RulePackError(path, f"false-friend frames: {where} needs headword, forms (a mapping) and frames")
    where = f"entry {index + 1} ({raw['headword']})"
    forms = {str(k).lower(): (None if v is None else str(v)) for k, v in raw["forms"].items()}
    frames = []
    for spec in raw["frames"]:
        spec = spec if isinstance(spec, dict) else {"frame": spec}
        try:
            source, replaced, after = compile_frame_parts(str(spec["frame"]), forms, classes)
            regex = frame_regex(source)
            after_regex = None if after is None else frame_regex(after)
        except (KeyError, ValueError, re.error) as exc:
            raise RulePackError(path, f"false-friend frames: {where}: bad frame {spec!r}: {exc}") from None
        frames.append(Frame(str(spec["frame"]), regex, spec.get("to"), bool(spec.get("whole")), replaced, after_regex))
    langs = raw.get("langs") or []
    return Headword(str(raw["headword"]), tuple(langs), str(raw.get("source", "")), str(raw.get("sense", "")), forms, tuple(frames))


@lru_cache(maxsize=None)
def frame_regex(pattern: str) -> re.Pattern[str]:
    """A frame's regex (once per source: headwords share frames). The compiled-rules cache
    stores it as its compiled program (qc/lint/compiled_regex.py), so a start-up does not
    compile the ~200 frames again, and a scan does not compile them at first use either."""
    return re.compile(pattern, re.IGNORECASE)


TEMPLATE_SLOT = re.compile(r"\{g(\d+)(:sing)?\}")


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def fill_template(template: str, m: re.Match[str]) -> str:
    """`to` of a whole-match frame with {gN} (the words of token N) and {gN:sing} (singular)."""

    def slot(ref: re.Match[str]) -> str:
        try:
            words = (m.group(f"g{ref[1]}") or "").strip()
        except IndexError:
            return ""
        return " ".join(singular(w) for w in words.split()) if ref[2] else words

    return re.sub(r"\s+", " ", TEMPLATE_SLOT.sub(slot, template)).strip()


@register("frame")
class FalseFriendFrame(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "string", "minLength": 1},
            # Only entries for these source languages (default: all).
            "langs": {"type": "array", "items": {"type": "string", "minLength": 2}},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        path, stamp = data_stamp(self, rule.params["data"])
        wanted = set(rule.params.get("langs") or ())
        self.headwords = tuple(h for h in load_headwords(path, stamp) if not wanted or wanted & set(h.langs))

    def word_literals(self) -> Iterable[tuple[str, Any]]:
        for headword in self.headwords:
            for form in headword.forms:
                yield form, (headword, form)

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        headword, form = payload
        text = doc.text
        lo, hi = max(0, start - WINDOW_BEFORE), min(len(text), end + WINDOW_AFTER)
        for frame in headword.frames:
            if frame.after is not None and frame.after.match(text, start, hi) is None:
                continue
            for m in frame.regex.finditer(text, lo, hi):
                if m.start("form") == start and m.end("form") == end:
                    yield self.report(doc, m, headword, form, frame)
                    return
                if m.start() > start:
                    break

    def report(self, doc: Document, m: re.Match[str], headword: Headword, form: str, frame: Frame) -> Finding:
        replacement = frame.to if frame.to is not None else headword.forms[form]
        edits: list[Edit] = []
        if frame.whole:
            if replacement is not None:
                edits = [Edit(m.start(), m.end(), cased(m.group(), fill_template(replacement, m)))]
        else:
            if replacement is not None:
                edits.append(Edit(m.start("form"), m.end("form"), match_case(m.group("form"), replacement)))
            for group, text in frame.replaced:
                if m.start(group) >= 0:
                    edits.append(Edit(m.start(group), m.end(group), match_case(m.group(group), text) if text else ""))
            edits.sort(key=lambda e: e.start)
        values = {
            "headword": headword.headword,
            "langs": "/".join(headword.langs),
            "source": headword.source,
            "sense": headword.sense,
            "replacement": corrected(m, edits) if edits else headword.sense,
        }
        return self.finding(doc, m.start(), m.end(), values, edits or None)


def corrected(m: re.Match[str], edits: list[Edit]) -> str:
    """The matched words as the fix writes them."""
    text, base = m.group(), m.start()
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start - base] + edit.replacement + text[edit.end - base :]
    return text.strip()
