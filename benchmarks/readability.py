"""Readability of the knowledge base's answers: entry count, words per first reply, the share
at or under 120 words, and Flesch reading ease (answer alone, and answer with "more").

    .venv/bin/python benchmarks/readability.py [KNOWLEDGE_DIR]

Syllables are counted with pyphen's hyphenation dictionary (a well-kept library shipping its
own data; the usual Flesch tools need a pronunciation dictionary downloaded at run time), so
the figures are close to, not exactly, other tools'. Flesch: 60-70 is plain English, 70-80
fairly easy (a 12-year-old reads it), higher is easier."""

from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

import pyphen
import yaml

ROOT = Path(__file__).resolve().parents[1]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE = re.compile(r"[.!?]+(?:\s|$)|\n\n|:\s*\n|;\s")
_HYPHENATOR = pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    return max(1, len(_HYPHENATOR.positions(word.lower())) + 1)


def flesch(text: str) -> float:
    words = _WORD.findall(text)
    sentences = max(1, len([s for s in _SENTENCE.split(text) if _WORD.search(s)]))
    if not words:
        return 0.0
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * sum(map(syllables, words)) / len(words)


def main() -> None:
    parser = argparse.ArgumentParser(description="Words and Flesch reading ease of the knowledge base's answers.")
    parser.add_argument("knowledge", nargs="?", type=Path, default=ROOT / "knowledge", help="a knowledge folder")
    folder = parser.parse_args().knowledge
    files = sorted((folder / "entries").glob("*.yaml"))
    if not files:
        parser.error(f"no entries in {folder / 'entries'}: give a knowledge folder (one with entries/*.yaml)")
    # Read the YAML directly, so that older knowledge bases (before and after figures) load too.
    entries = [e for f in files for e in yaml.safe_load(f.read_text())["entries"]]

    def english(text: str | dict[str, str] | None) -> str:
        return (text.get("en", "") if isinstance(text, dict) else text or "").strip()

    answers = [english(e["answer"]) for e in entries]
    full = [a + "\n\n" + english(e.get("more")) for a, e in zip(answers, entries, strict=True)]
    words = [len(a.split()) for a in answers]
    print(f"entries: {len(answers)}")
    print(f"words in the first reply: median {statistics.median(words):.0f}, max {max(words)}")
    short = sum(w <= 120 for w in words)
    print(f"at or under 120 words: {short} of {len(words)} ({short / len(words):.0%})")
    print(f"Flesch reading ease, first reply: median {statistics.median(map(flesch, answers)):.0f}")
    print(f"Flesch reading ease, with 'more': median {statistics.median(map(flesch, full)):.0f}")


if __name__ == "__main__":
    main()
