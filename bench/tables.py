"""Markdown tables for the benchmark reports."""

from __future__ import annotations


def table(rows: list[dict], formats: dict[str, str]) -> str:
    """A Markdown table of ``rows`` with per-column format specs; ``None`` prints as "–"."""
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ["–" if row[c] is None else format(row[c], formats.get(c, "")) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
