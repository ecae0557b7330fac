"""Edit the `text` value of one .jsonl record in place: every other byte of the line stays.

`--fix` must not reformat what it does not own: numbers (`2.50`, `1e3`), key order,
duplicate keys and escapes (`\\u2028`) outside the changed stretch come back as they were.
Only the stretch of the text value between the first and the last changed character is
re-encoded; it escapes what JSON must, plus U+2028/U+2029 and lone surrogates, and, when
the original value was written all in ASCII (`\\u00e9`), everything non-ASCII too.
"""

from __future__ import annotations

import json
from json.decoder import scanstring

from qc.errors import InputError

WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


def skip_ws(src: str, i: int) -> int:
    while i < len(src) and src[i] in WHITESPACE:
        i += 1
    return i


def text_value_span(src: str) -> tuple[int, int]:
    """(start, end) in `src` of the top-level `text` value, quotes included; the last one
    when the key repeats (as json.loads keeps the last)."""
    i = skip_ws(src, 0)
    if src[i : i + 1] != "{":
        raise ValueError("record is not a JSON object")
    i = skip_ws(src, i + 1)
    span: tuple[int, int] | None = None
    while i < len(src) and src[i] != "}":
        if src[i] != '"':
            raise ValueError("expected a key")
        key, i = scanstring(src, i + 1)
        i = skip_ws(src, i)
        if src[i : i + 1] != ":":
            raise ValueError("expected ':'")
        start = skip_ws(src, i + 1)
        _value, end = _DECODER.raw_decode(src, start)
        if key == "text":
            span = (start, end)
        i = skip_ws(src, end)
        if src[i : i + 1] == ",":
            i = skip_ws(src, i + 1)
    if span is None or src[span[0]] != '"':
        raise ValueError("no string 'text' value")
    return span


def source_offsets(src: str, quote: int, wanted: tuple[int, int]) -> tuple[int, int]:
    """Offsets in `src` where the decoded characters number wanted[0] and wanted[1] of the
    JSON string opening at `quote` begin (a surrogate pair escape is one character)."""
    found: list[int] = []
    i, char = quote + 1, 0
    targets = sorted(wanted)
    while True:
        while len(found) < 2 and targets[len(found)] == char:
            found.append(i)
        if len(found) == 2 or src[i] == '"':
            break
        if src[i] != "\\":
            i += 1
        elif src[i + 1] != "u":
            i += 2
        elif is_surrogate_pair(src, i):
            i += 12
        else:
            i += 6
        char += 1
    while len(found) < 2:
        found.append(i)
    return found[0], found[1]


def is_surrogate_pair(src: str, i: int) -> bool:
    try:
        high, low = int(src[i + 2 : i + 6], 16), src[i + 6 : i + 8] == "\\u" and int(src[i + 8 : i + 12], 16)
    except ValueError:
        return False
    return 0xD800 <= high <= 0xDBFF and low is not False and 0xDC00 <= int(low) <= 0xDFFF


def encode_stretch(text: str, ascii_only: bool) -> str:
    """`text` as the inside of a JSON string (no quotes)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\' or code < 0x20 or code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF or (ascii_only and code > 0x7E):
            out.append(json.dumps(ch, ensure_ascii=True)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def changed_stretch(old: str, new: str) -> tuple[int, int, int]:
    """(prefix, old_end, new_end): old[prefix:old_end] became new[prefix:new_end]."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, len(new) - suffix


def replace_text(line: bytes, old: str, new: str, path: str, line_no: int) -> bytes:
    """The record line with its `text` value changed from `old` to `new`, all else as it was."""
    src = line.decode("utf-8")
    try:
        start, end = text_value_span(src)
    except (ValueError, IndexError) as exc:
        raise InputError(path, f"cannot locate the text value to rewrite: {exc}", line_no) from None
    prefix, old_end, new_end = changed_stretch(old, new)
    cut_from, cut_to = source_offsets(src, start, (prefix, old_end))
    ascii_only = src[start:end].isascii()
    edited = src[:cut_from] + encode_stretch(new[prefix:new_end], ascii_only) + src[cut_to:]
    if json.loads(edited).get("text") != new:  # never write a record that does not say what we mean
        raise InputError(path, "rewriting the text value went wrong; not rewritten", line_no)
    return edited.encode("utf-8")
