"""Merge a cluster into one Markdown story with provenance.

The representative's text comes first; then, per other member, the passages (runs of
consecutive sentences) that no representative sentence says already (best chrF below
ALIGN_CHRF), each marked with its source. YAML front matter records the members,
pairwise scores and the choice of representative. Inputs are never modified.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from qc.corpus import Article
from qc.errors import QcError
from qc.finding import escape_lone_surrogates
from qc.fix import current_umask
from qc.dedup.cluster import Cluster
from qc.dedup.story import ALIGN_CHRF, align, split_sentences


def new_passages(member_text: str, rep_sentences: Sequence[str]) -> list[str]:
    """Runs of the member's sentences that align to no representative sentence."""
    sentences = [s for s in split_sentences(member_text) if len(s) >= 20]
    if not sentences:
        return []
    aligned = {i for i, _, chrf in align(sentences, list(rep_sentences)) if chrf >= ALIGN_CHRF}
    passages: list[str] = []
    run: list[str] = []
    for i, sent in enumerate(sentences):
        if i in aligned:
            if run:
                passages.append(" ".join(run))
                run = []
        else:
            run.append(sent)
    if run:
        passages.append(" ".join(run))
    return passages


def merge_cluster(cluster: Cluster, articles: Sequence[Article]) -> str:
    rep = articles[cluster.representative]
    rep_sentences = [s for s in split_sentences(rep.text) if len(s) >= 20]
    ref_of = {m.index: m.ref for m in cluster.members}
    meta = {
        "qc_merge": 1,
        "cluster": cluster.id,
        "kind": cluster.kind,
        "representative": rep.ref,
        "chosen_because": cluster.reason,
        "members": [
            {"path": m.ref, "similarity": round(m.similarity, 4), "containment": round(m.containment, 4)}
            for m in cluster.members
        ],
        "pairs": [
            {"a": ref_of.get(a, articles[a].ref), "b": ref_of.get(b, articles[b].ref), **scores}
            for (a, b), scores in sorted(cluster.pairs.items())
        ],
    }
    body = [rep.text.strip(), ""]
    additions = []
    for m in cluster.members:
        if m.index == cluster.representative:
            continue
        passages = new_passages(articles[m.index].text, rep_sentences)
        if passages:
            additions.append((m.ref, passages))
    meta["added_from"] = [{"path": ref, "passages": len(p)} for ref, p in additions]
    if additions:
        body.append("---")
        body.append("")
        body.append("## Also reported")
        body.append("")
        for ref, passages in additions:
            for passage in passages:
                body.append(f"{passage} [source: {ref}]")
                body.append("")
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n\n" + "\n".join(body).rstrip() + "\n"


def slug(ref: str) -> str:
    stem = Path(ref.split(":")[0]).stem if ":" in ref and not ref.endswith(".txt") else Path(ref).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")[:60] or "article"


def write_merged(clusters: Sequence[Cluster], articles: Sequence[Article], outdir: str | Path, force: bool = False) -> list[Path]:
    """One Markdown file per top-level cluster. A copy cluster whose members all belong to
    a story cluster is merged inside that story, not written again.

    Safe output: a non-empty folder is refused unless `force`; every story is built before
    anything is written; each file is written to a temporary file and renamed into place,
    so a symbolic link planted in the folder is replaced, never followed; a failed run
    removes the files it created. Lone surrogates (from .jsonl escapes) are written as `\\udXXX`.
    """
    out = Path(outdir)
    check_output_folder(out, force)
    in_story = {m.index for c in clusters if c.kind == "story" for m in c.members}
    planned: list[tuple[str, bytes]] = []
    for c in clusters:
        if c.kind == "copy" and all(m.index in in_story for m in c.members):
            continue
        name = f"{c.id:04d}-{c.kind}-{slug(articles[c.representative].ref)}.md"
        planned.append((name, escape_lone_surrogates(merge_cluster(c, articles)).encode("utf-8")))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    created: list[Path] = []
    try:
        for name, data in planned:
            path = out / name
            existed = os.path.lexists(path)
            replace_entry(path, data)
            written.append(path)
            if not existed:
                created.append(path)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return written


def check_output_folder(out: Path, force: bool) -> None:
    """QcError when `out` is not a folder, or holds anything and `force` is off."""
    if os.path.lexists(out) and not out.is_dir():
        raise QcError(str(out), "--merge needs a folder; this is not one")
    if not force and out.is_dir() and any(out.iterdir()):
        raise QcError(str(out), "the --merge folder is not empty; choose an empty or new folder, or pass --force to write into it")


def replace_entry(path: Path, data: bytes) -> None:
    """Write a temporary file next to `path` and rename it onto `path`: the rename replaces
    whatever entry is there (a symbolic link included) instead of writing through it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".qc-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
