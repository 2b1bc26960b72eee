"""``jikg synth``: a synthetic corpus of bilateral cooperation agreements, streamed as N-Triples.

The corpus reuses the project's ontology and concept schemes (areas, commitment
levels, acting sides, technologies, sectors) and adds a register of countries and
ministries and ``N`` agreements of about 1,000 triples each (``--agreements 1000``
is about a million triples). Loaded beside the project's graphs it is valid under
the shapes and the QC checks; ``violations`` spoils exactly that many activities,
each in a way that yields exactly one SHACL result, recorded in ``Synthesis.expected``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..iris import SHAPES
from ..layout import Layout
from .agreement import Context, agreement_triples
from .concepts import project_concepts, vocabulary
from .corpus import ACT, Draw, draw, register
from .ntriples import Progress, Writer

SH = "http://www.w3.org/ns/shacl#"
#: Each kind of injected violation and the one (shape, component) result it yields.
FAULTS = {
    "commitmentVerb-missing": ("CooperationActivity-commitmentVerb", "MinCountConstraintComponent"),
    "commitmentVerb-language": ("CooperationActivity-commitmentVerb", "LanguageInConstraintComponent"),
    "actingSide-missing": ("CooperationActivity-actingSide", "MinCountConstraintComponent"),
}
MIN_ACTIVITIES = 20  # every agreement has at least 4 sections of at least 5 bullets


@dataclass
class Synthesis:
    """What ``synthesize`` wrote: counts and the injected violations (focus, shape, component)."""

    agreements: int
    triples: int = 0
    expected: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self) -> str:
        """The injected violations as JSON, for a test or a benchmark to check."""
        rows = [{"focus": f, "shape": s, "component": c} for f, s, c in self.expected]
        return json.dumps(
            {"agreements": self.agreements, "triples": self.triples, "violations": rows}, indent=1
        )


def plan_faults(agreements: int, violations: int) -> dict[tuple[int, int], str]:
    """Where the violations go: spread over the agreements, one activity each, kinds in turn."""
    if violations > agreements * MIN_ACTIVITIES:
        raise ValueError(f"at most {agreements * MIN_ACTIVITIES} violations for {agreements} agreements")
    kinds = sorted(FAULTS)
    plan: dict[tuple[int, int], str] = {}
    for v in range(violations):
        number = 1 + v * agreements // violations if violations <= agreements else 1 + v % agreements
        ordinal = sum(1 for n, _ in plan if n == number)
        plan[(number, ordinal)] = kinds[v % len(kinds)]
    return plan


def synthesize(
    agreements: int,
    seed: int,
    out: TextIO,
    violations: int = 0,
    layout: Layout | None = None,
    progress: bool = True,
) -> Synthesis:
    """Write the corpus to ``out`` as N-Triples; return its counts and injected violations."""
    vocab = vocabulary()
    plan = plan_faults(agreements, violations)
    ctx = Context(seed, project_concepts(layout), vocab["verbs"], plan)
    writer, bar = Writer(out), Progress(agreements, enabled=progress)
    triples, ministries = register(vocab)
    for t in triples:
        writer.triple(*t)
    result = Synthesis(agreements)
    for number in range(1, agreements + 1):
        d = draw(number, seed, ctx.concepts, ministries)
        for t in agreement_triples(d, ctx):
            writer.triple(*t)
        result.expected += expected(d, plan)
        bar.show(number, writer.count)
    bar.show(agreements, writer.count, final=True)
    result.triples = writer.count
    return result


def expected(d: Draw, plan: dict[tuple[int, int], str]) -> list[tuple[str, str, str]]:
    """The results the faults planned for agreement ``d`` yield: (focus IRI, shape IRI, component IRI)."""
    idents = [f"art2-sec{area.notation}-item{i}" for area, n in d.sections for i in range(1, n + 1)]
    found = []
    for (number, ordinal), kind in sorted(plan.items()):
        if number == d.number:
            shape, component = FAULTS[kind]
            found.append((f"{ACT}{d.slug}/{idents[ordinal]}", SHAPES + shape, SH + component))
    return found


def write_corpus(
    path: Path | None,
    agreements: int,
    seed: int,
    violations: int = 0,
    layout: Layout | None = None,
    progress: bool = True,
) -> Synthesis:
    """``synthesize`` into ``path`` (stdout if None); with violations, also ``<path>.violations.json``."""
    if path is None:
        return synthesize(agreements, seed, sys.stdout, violations, layout, progress)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        result = synthesize(agreements, seed, out, violations, layout, progress)
    if violations:
        Path(f"{path}.violations.json").write_text(result.record() + "\n", encoding="utf-8")
    return result
