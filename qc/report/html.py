"""The HTML report: one self-contained page (no network fetches; inline CSS, JS and SVG).

Sections: a summary, a histogram of quality scores (inline SVG), a sortable table
of articles (score, findings by severity, words, metadata), near-duplicate and
story groups, and every article's text with flagged spans highlighted; hovering a
span shows the rule, the message and the proposed fix, which also appears inline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from qc.finding import Finding

CSS = """
:root{--bad:#c0392b;--warn:#d68910;--info:#2874a6;--ok:#1e8449;--bg:#fbfbfa;--fg:#1c1c1c;--muted:#666}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header{background:#1f2d3d;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cdd6e0}
main{padding:10px 28px 60px;max-width:1200px}
h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:34px}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin-top:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff}
.table-wrap{max-width:100%;overflow-x:auto}
th,td{border-bottom:1px solid #e5e5e5;padding:5px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#f0f0ee;position:sticky;top:0;cursor:pointer;user-select:none;white-space:nowrap}
th.sorted-asc::after{content:" \\25B2"}th.sorted-desc::after{content:" \\25BC"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.score{display:inline-block;min-width:46px;text-align:center;border-radius:4px;color:#fff;font-weight:600;padding:0 4px}
.s0{background:#922b21}.s1{background:var(--bad)}.s2{background:var(--warn)}.s3{background:#7d9c2f}.s4{background:var(--ok)}
article{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px 18px;margin:16px 0}
article h3{margin:0 0 6px;font-size:16px;word-break:break-all}
.meta{color:var(--muted);font-size:13px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,serif;font-size:15px;line-height:1.6;margin-top:8px}
mark{position:relative;border-radius:3px;padding:0 1px;cursor:help}
mark.error{background:#f5b7b1;border-bottom:2px solid var(--bad)}
mark.warning{background:#fde3a7;border-bottom:2px solid var(--warn)}
mark.info{background:#d6eaf8;border-bottom:2px solid var(--info)}
mark.point::before{content:"\\2038"}
mark .tip{display:none;position:absolute;left:0;top:1.7em;z-index:5;background:#1f2d3d;color:#fff;font:13px/1.4 system-ui,sans-serif;
  padding:6px 9px;border-radius:5px;width:max-content;max-width:420px;white-space:normal;box-shadow:0 2px 8px rgba(0,0,0,.3)}
mark:hover .tip,mark:focus .tip{display:block}
ins.fix{background:#d5f5e3;color:#145a32;text-decoration:none;border-radius:3px;padding:0 3px;font-family:system-ui,sans-serif;font-size:13px;margin-left:2px}
ins.fix::before{content:"\\2192 "}
.findings{font-size:13px;margin-top:10px}
.findings td{padding:3px 6px}
.sev-error{color:var(--bad);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}.sev-info{color:var(--info)}
.group{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 14px;margin:10px 0}
.group ul{margin:4px 0 0;padding-left:20px}
.note{color:var(--muted);font-style:italic}
svg text{font:11px system-ui,sans-serif;fill:#333}
"""

JS = """
(function(){
  function key(td){var v=td.getAttribute('data-sort');if(v===null)v=td.textContent.trim();var n=parseFloat(v);return isNaN(n)?v.toLowerCase():n;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    var ths=table.querySelectorAll('th');
    ths.forEach(function(th,col){
      th.addEventListener('click',function(){
        var asc=!th.classList.contains('sorted-asc');
        ths.forEach(function(h){h.classList.remove('sorted-asc','sorted-desc');});
        th.classList.add(asc?'sorted-asc':'sorted-desc');
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
          if(typeof x!==typeof y){x=String(x);y=String(y);}
          return (x<y?-1:x>y?1:0)*(asc?1:-1);});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.documentElement.setAttribute('data-ready','1');
})();
"""

META_COLUMNS = ("system", "story", "title", "source", "date")


def score_class(score: float) -> str:
    return "s" + str(min(4, int(score // 20)))


def fix_preview(text: str, finding: Finding) -> str | None:
    """What the flagged region becomes when the fix is applied ('' means deleted)."""
    if finding.fix is None:
        return None
    start = min(finding.start, finding.fix.start)
    end = max(finding.end, finding.fix.end)
    out = []
    pos = start
    for edit in sorted(finding.fix.edits):
        if edit.start < pos:
            continue
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:end])
    return "".join(out)


def highlight(text: str, findings: Sequence[Finding]) -> str:
    """The text as HTML, with non-overlapping <mark>s (earliest, then longest, wins)."""
    chosen: list[Finding] = []
    last_end = -1
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start), f.rule)):
        if f.start < 0 or f.end > len(text) or f.start < last_end:
            continue
        chosen.append(f)
        last_end = max(last_end, f.end)
    out: list[str] = []
    pos = 0
    for f in chosen:
        out.append(escape(text[pos : f.start]))
        fixed = fix_preview(text, f)
        tip = f"<b>{escape(f.rule)}</b> {escape(f.name)} ({escape(f.severity)})<br>{escape(f.message)}"
        if fixed is not None:
            # A deletion reads "delete “…”", not an empty quoted string.
            shown = escape(fixed) if fixed.strip() else f"delete “{escape(text[min(f.start, f.fix.start) : max(f.end, f.fix.end)])}”"  # type: ignore[union-attr]
            tip += f"<br>fix ({escape(f.fix.applicability)}): {shown}"  # type: ignore[union-attr]
        cls = f.severity + (" point" if f.end == f.start else "")
        out.append(f'<mark class="{cls}" tabindex="0" data-rule="{escape(f.rule)}">{escape(text[f.start:f.end])}<span class="tip">{tip}</span></mark>')
        if fixed is not None:
            out.append(f'<ins class="fix" title="proposed fix">{escape(fixed) if fixed.strip() else "(delete)"}</ins>')
        pos = max(pos, f.end)
    out.append(escape(text[pos:]))
    return "".join(out)


def histogram_svg(scores: Sequence[float], bins: int = 10, width: int = 560, height: int = 180) -> str:
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, int(s // (100 / bins)))] += 1
    top = max(counts) or 1
    pad_l, pad_b, pad_t = 34, 28, 14
    bw = (width - pad_l - 6) / bins
    colours = ["#922b21", "#922b21", "#c0392b", "#c0392b", "#d68910", "#d68910", "#7d9c2f", "#7d9c2f", "#1e8449", "#1e8449"]
    parts = [f'<svg id="score-chart" role="img" aria-label="Distribution of quality scores" width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    plot_h = height - pad_b - pad_t
    parts.append(f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - 4}" y2="{pad_t + plot_h}" stroke="#999"/>')
    for i, c in enumerate(counts):
        h = plot_h * c / top
        x = pad_l + i * bw + 2
        y = pad_t + plot_h - h
        colour = colours[int(i * 10 / bins)]
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw - 4:.1f}" height="{h:.1f}" fill="{colour}"><title>{i * 100 // bins}–{(i + 1) * 100 // bins}: {c} articles</title></rect>')
        if c:
            parts.append(f'<text x="{x + (bw - 4) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{c}</text>')
        parts.append(f'<text x="{x + (bw - 4) / 2:.1f}" y="{height - 12}" text-anchor="middle">{i * 100 // bins}</text>')
    parts.append(f'<text x="{width - 6}" y="{height - 1}" text-anchor="end">quality score</text>')
    parts.append(f'<text x="4" y="{pad_t + 4}">{top}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(
    scored: Sequence[Any],
    groups: Sequence[dict[str, Any]] | None = None,
    groups_note: str = "",
    title: str = "qc report",
    rules: dict[str, Any] | None = None,
) -> str:
    """The report page. `scored` are qc.scoring.ScoredArticle with text and located findings.

    `groups`: [{"kind": "copy"|"story"|"metadata story", "label": str, "members": [ref, ...], "representative": ref?}]
    """
    order = sorted(range(len(scored)), key=lambda i: (scored[i].quality.score, scored[i].ref))
    anchor = {scored[i].ref: f"a{i}" for i in range(len(scored))}
    scores = [s.quality.score for s in scored]
    meta_cols = [c for c in META_COLUMNS if any(isinstance(s.metadata.get(c), (str, int, float)) for s in scored)]
    total_findings = sum(s.findings for s in scored)
    words = sum(s.quality.words for s in scored)
    mean = sum(scores) / len(scores) if scores else 0.0
    below = sum(1 for s in scores if s < 60)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><p>Translation-quality score per article (0 unusable – 100 clean), worst first. Hover a highlighted span for the rule and the proposed fix.</p></header>",
        "<main>",
        '<div class="cards">',
        f'<div class="card"><b id="n-articles">{len(scored)}</b><span>articles</span></div>',
        f'<div class="card"><b>{mean:.1f}</b><span>mean score</span></div>',
        f'<div class="card"><b>{below}</b><span>below 60</span></div>',
        f'<div class="card"><b id="n-findings">{total_findings}</b><span>findings</span></div>',
        f'<div class="card"><b>{words:,}</b><span>words</span></div>',
        "</div>",
        "<h2 id=\"distribution\">Score distribution</h2>",
        histogram_svg(scores),
        '<h2 id="articles">Articles</h2>',
        '<div class="table-wrap"><table class="sortable" id="article-table"><thead><tr>',
        '<th class="num">score</th><th>article</th>'
        + "".join(f"<th>{escape(c)}</th>" for c in meta_cols)
        + '<th class="num">findings</th><th class="num">error</th><th class="num">warning</th><th class="num">info</th><th class="num">words</th><th class="num">garble %</th>',
        "</tr></thead><tbody>",
    ]
    for i in order:
        s = scored[i]
        sev = {"error": 0, "warning": 0, "info": 0}
        for f in s.located or ():
            sev[f.severity] = sev.get(f.severity, 0) + 1
        q = s.quality
        cells = [
            f'<td class="num" data-sort="{q.score}"><span class="score {score_class(q.score)}">{q.score:.1f}</span></td>',
            f'<td><a href="#{anchor[s.ref]}">{escape(s.ref)}</a></td>',
            *(f"<td>{escape(str(s.metadata.get(c, '')))}</td>" for c in meta_cols),
            f'<td class="num">{s.findings}</td><td class="num">{sev["error"]}</td><td class="num">{sev["warning"]}</td><td class="num">{sev["info"]}</td>',
            f'<td class="num">{q.words}</td><td class="num" data-sort="{q.garble}">{100 * q.garble:.2f}</td>',
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    out.append('<h2 id="groups">Near-duplicate and story groups</h2>')
    if groups_note:
        out.append(f'<p class="note">{escape(groups_note)}</p>')
    if groups:
        for g in groups:
            rep = g.get("representative")
            items = []
            for ref in g["members"]:
                score = next((x.quality.score for x in scored if x.ref == ref), None)
                mark = " <b>(representative)</b>" if ref == rep else ""
                score_html = f' <span class="score {score_class(score)}">{score:.1f}</span>' if score is not None else ""
                link = f'<a href="#{anchor[ref]}">{escape(ref)}</a>' if ref in anchor else escape(ref)
                items.append(f"<li>{link}{score_html}{mark}</li>")
            out.append(f'<div class="group" data-kind="{escape(g["kind"])}"><b>{escape(g["kind"])}</b>: {escape(g["label"])} — {len(g["members"])} articles<ul>{"".join(items)}</ul></div>')
    elif not groups_note:
        out.append('<p class="note">No near-duplicate or story groups found.</p>')
    out.append('<h2 id="texts">Texts</h2>')
    for i in order:
        s = scored[i]
        q = s.quality
        # a negative consensus penalty is a bonus: the translation agrees with its peers more than most
        pen = ", ".join(f"{k} {'−' if v > 0 else '+'}{abs(v):.1f}" for k, v in q.penalties.items() if abs(v) >= 0.05) or "no penalties"
        if q.agreement is not None:
            pen += f" · carries {q.agreement:.0f}% of what most peer translations say"
        meta = " · ".join(f"{c}: {escape(str(s.metadata[c]))}" for c in meta_cols if c in s.metadata)
        out.append(f'<article id="{anchor[s.ref]}"><h3><span class="score {score_class(q.score)}">{q.score:.1f}</span> {escape(s.ref)}</h3>')
        out.append(f'<div class="meta">{meta + " · " if meta else ""}{q.words} words · {s.findings} findings · {pen}</div>')
        out.append(f'<div class="text">{highlight(s.text or "", s.located or [])}</div>')
        if s.located:
            out.append('<table class="findings"><tbody>')
            for f in s.located:
                fixed = fix_preview(s.text or "", f)
                fix_cell = "" if fixed is None else f"{escape(f.fix.applicability)}: {escape(fixed) if fixed.strip() else '(delete)'}"  # type: ignore[union-attr]
                out.append(
                    f'<tr><td class="sev-{escape(f.severity)}">{escape(f.rule)}</td><td>{escape(f.message)}</td><td>“{escape(f.text)}”</td><td>{fix_cell}</td></tr>'
                )
            out.append("</tbody></table>")
        out.append("</article>")
    data = {"articles": [{"ref": s.ref, "score": s.quality.score, "findings": s.findings} for s in scored]}
    payload = json.dumps(data).replace("<", "\\u003c")
    out.append(f'<script type="application/json" id="qc-data">{payload}</script>')
    out.append(f"<script>{JS}</script>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
