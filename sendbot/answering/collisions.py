"""Warn when two entries share (nearly) the same phrasing: the matcher cannot tell them apart,
so a parent asking exactly that gets a coin toss. Reported by `sendbot check` as warnings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from sendbot.answering.normalise import Normaliser
from sendbot.knowledge.model import Entry
from sendbot.knowledge.problems import Problem

COLLISION_SCORE = 95.0  # token_sort_ratio at or above which two phrasings count as the same


def phrasing_collisions(
    entries: Iterable[Entry], synonyms: Mapping[str, str], spellings: Mapping[str, str]
) -> list[Problem]:
    normaliser = Normaliser(synonyms, spellings)
    owners: list[Entry] = []
    texts: list[str] = []
    originals: list[str] = []
    for entry in entries:
        for phrasing in entry.phrasings("en"):
            owners.append(entry)
            texts.append(" ".join(normaliser.tokens(phrasing)))
            originals.append(phrasing)
    if not texts:
        return []
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for i, text in enumerate(texts):
        if not text:
            continue
        hits = process.extract(text, texts, scorer=fuzz.token_sort_ratio, score_cutoff=COLLISION_SCORE, limit=None)
        for _, _, j in hits:
            a, b = owners[i], owners[j]
            if j <= i or a.id == b.id or (a.id, b.id) in reported:
                continue
            reported.add((a.id, b.id))
            problems.append(
                Problem(
                    a.file,
                    a.line,
                    f"phrasing '{originals[i]}' of '{a.id}' collides with '{originals[j]}' of '{b.id}'",
                    "reword one of them so each says what only its entry answers",
                    warning=True,
                )
            )
    return problems
