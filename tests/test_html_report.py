"""HTML report: highlighting and escaping, self-containedness, and rendering in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from qc import quality as Q
from qc import scoring as S
from qc.finding import Edit, Finding, Fix
from qc.report.html import fix_preview, highlight, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "mqm" / "sample.jsonl"
TEXT = "They met in the the capital <b>today</b>. RIA News said."


def findings() -> list[Finding]:
    dup = Finding("MT501", "duplicated-word", "duplication", "warning", "“the” is repeated", 12, 19, "the the", Fix((Edit(15, 19, ""),), "safe"))
    ria = Finding("MT101", "ria", "mistranslation/named-entity", "error", "write RIA Novosti", 43, 51, "RIA News", Fix((Edit(43, 51, "RIA Novosti"),), "safe"))
    overlapping = Finding("XX1", "x", "grammar", "info", "overlaps", 16, 24, "the capi")
    return [dup, ria, overlapping]


def scored_items() -> list[S.ScoredArticle]:
    f = findings()
    item = S.ScoredArticle("doc.txt", Q.quality_of(TEXT, f), len(f), {"system": "S<1>"}, TEXT, f)
    clean = S.ScoredArticle("clean.txt", Q.quality_of("A clean text.", []), 0, {"system": "S2"}, "A clean text.", [])
    return [item, clean]


def test_fix_preview_shows_what_the_span_becomes() -> None:
    dup, ria, plain = findings()
    assert fix_preview(TEXT, dup) == "the"
    assert fix_preview(TEXT, ria) == "RIA Novosti"
    assert fix_preview(TEXT, plain) is None


def test_highlight_escapes_text_and_skips_overlaps() -> None:
    html = highlight(TEXT, findings())
    assert "&lt;b&gt;today&lt;/b&gt;" in html and "<b>today</b>" not in html
    assert html.count("<mark") == 2  # the overlapping info finding is not nested
    assert 'class="warning"' in html and 'class="error"' in html
    assert '<ins class="fix" title="proposed fix">RIA Novosti</ins>' in html
    # Stripping tags, tips and fixes gives back the text.
    plain = re.sub(r'<span class="tip">.*?</span>|<ins[^>]*>.*?</ins>|<[^>]+>', "", html)
    assert plain.replace("&lt;", "<").replace("&gt;", ">") == TEXT


def test_page_is_self_contained() -> None:
    page = render(scored_items(), [{"kind": "copy", "label": "c1", "members": ["doc.txt", "clean.txt"], "representative": "clean.txt"}])
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert 'id="article-table"' in page and 'id="score-chart"' in page
    assert "S&lt;1&gt;" in page
    assert page.index("doc.txt") < page.index("clean.txt")  # worst first


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
        ]
        return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=120)


def test_report_renders_in_headless_chromium(qc, tmp_path: Path) -> None:
    if chromium() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    out = tmp_path / "report.html"
    proc = qc("report", str(ROOT / "seeds"), str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    dom = run_chromium("--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # The script ran (sets data-ready) and the page holds what the report promises.
    assert 'data-ready="1"' in html
    assert '<b id="n-articles">32</b>' in html
    assert html.count("<tr>") >= 32
    assert "<svg" in html and 'class="bar"' in html
    assert "<mark" in html and 'class="fix"' in html
    assert "RIA Novosti" in html  # a proposed fix from a seed article
    assert "Near-duplicate and story groups" in html
    assert "news_chinese.dw.com.9579:zh-en" in html  # story groups from metadata
    shot = tmp_path / "shot.png"
    pic = run_chromium("--window-size=1200,1600", f"--screenshot={shot}", out.as_uri())
    assert pic.returncode == 0, pic.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_deletion_hover_says_delete() -> None:
    """A fix that deletes the span reads "delete “…”", not `fix (unsafe): ''`."""
    text = "He said so. so. Then left."
    gone = Finding("MT501", "dup", "duplication", "warning", "repeated", 10, 14, ". so", Fix((Edit(10, 14, ""),), "unsafe"))
    html = highlight(text, [gone])
    assert "fix (unsafe): delete “. so”" in html
    assert "&#x27;&#x27;" not in html and "''" not in html


def test_error_article_is_never_clean_through_the_consensus_bonus() -> None:
    with_error = Q.quality_of(TEXT, findings())
    assert with_error.errors == 1 and with_error.score < 100
    lifted = S.with_consensus(with_error, agreement=90.0, term=-1000.0)
    # peers that agree may offset the text signals, not the findings' penalty: never 100 (clean)
    assert lifted.score == round(100.0 - with_error.penalties["findings"], 1) < 100.0
    clean = Q.quality_of("A clean text.", [])
    assert S.with_consensus(clean, agreement=90.0, term=-10.0).score == min(100.0, round(clean.score + 10.0, 1))  # the full bonus
    assert S.with_consensus(clean, agreement=90.0, term=-1000.0).score == 100.0
    worse = S.with_consensus(with_error, agreement=10.0, term=5.0)
    assert worse.score < with_error.score  # a penalty still applies


def test_articles_table_fits_1280_pixels(tmp_path: Path) -> None:
    """Long refs and many metadata columns wrap or scroll inside the table: the page never
    gets wider than a 1280 px window."""
    if chromium() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    long_ref = "wire/" + "very-long-folder-name-without-breaks-" * 6 + "story.jsonl:12"
    meta = {f"field{k}": "value-" + "x" * 40 for k in range(6)}
    items = [S.ScoredArticle(long_ref, Q.quality_of(TEXT, findings()), 3, meta, TEXT + " " + "y" * 300, findings())]
    page = render(items, [], "", title="t")
    probe = "<script>addEventListener('load',function(){document.body.setAttribute('data-width',document.documentElement.scrollWidth)})</script>"
    out = tmp_path / "report.html"
    out.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = run_chromium("--window-size=1280,900", "--virtual-time-budget=2000", "--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    width = re.search(r'data-width="(\d+)"', dom.stdout)
    assert width is not None, dom.stdout[:500]
    assert int(width.group(1)) <= 1280
