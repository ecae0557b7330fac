"""Where a one-article start-up goes: CPU seconds of each phase, in this process.

    PYTHONPATH=CHECKOUT python bench/startup_phases.py ARTICLE.txt

Phases: importing the packs module, loading the default rules (from the compiled-rules
cache when it is warm: run twice), building the Linter, its literal pass and automaton,
the batch hooks (`prepare_batch`), and linting the article; then the rules whose own
calls took longest. Run it under PYTHONPATH of another checkout to compare.
"""

from __future__ import annotations

import collections
import sys
import time
from typing import Any


def main() -> None:
    clock = time.process_time
    t0 = clock()
    from qc.lint.document import Batch, Document
    from qc.lint.engine import Linter
    from qc.lint.packs import default_rules

    t1 = clock()
    rules = default_rules()
    t2 = clock()
    linter = Linter(rules)
    t3 = clock()
    literal_pass = linter.literal_pass
    t4 = clock()
    _ = literal_pass.automaton
    t5 = clock()
    with open(sys.argv[1], encoding="utf-8") as handle:
        batch = Batch([Document(handle.read())])
    t6 = clock()
    for matcher in linter.batch_matchers:
        matcher.prepare_batch(batch)
    t7 = clock()
    hits = literal_pass.hits_by_text(batch)
    per_rule: collections.Counter[tuple[str, str]] = collections.Counter()
    for matcher in set(linter.matchers):
        for name in ("on_literal", "check"):
            method = getattr(matcher, name)

            def timed(*args: Any, method: Any = method, key: tuple[str, str] = (matcher.rule.id, name)) -> Any:
                start = clock()
                found = list(method(*args))
                per_rule[key] += clock() - start
                return iter(found)

            setattr(matcher, name, timed)
    t8 = clock()
    linter.lint_document(batch.docs[0], hits[0])
    t9 = clock()
    print(f"import {t1 - t0:.3f}  rules {t2 - t1:.3f}  linter {t3 - t2:.3f}  literal pass {t4 - t3:.3f}  "
          f"automaton {t5 - t4:.3f} ({len(literal_pass.phrases)} phrases)  batch hooks {t7 - t6:.3f}  "
          f"lint {t9 - t8:.3f}  total {t9 - t0:.3f} s CPU")
    for (rule, name), seconds in per_rule.most_common(8):
        print(f"  {seconds:.3f} s  {rule} {name}")


if __name__ == "__main__":
    main()
