"""Text normalisation shared by the matcher, the collision check and the loader.

Parents type on phones, in a hurry, often upset: mixed case, curly quotes, accents, American
spellings, acronyms. Both the knowledge base and every message go through the same steps,
so that "LA won't do an EHCP" and "the local authority will not do an EHC plan" meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Words that carry no meaning for matching. Kept short on purpose: "not", "no" and
# "without" change what a parent asks, so they stay.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with about as into than then so is are was
    were be been being am do does did doing have has had having i me my mine we us our you your he
    him his she her they them their it its this that these those there here what which who whom
    whose when where why how can could would should will shall may might must just really very also
    too still even please any some all get got getting im ive id ill dont hi hello thanks thank""".split()  # noqa: SIM905
)


def normalise(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold apostrophes: 'Won’t' -> 'wont'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Normaliser:
    """Full normalisation: spellings fixed word by word, then synonyms folded to one form."""

    synonyms: Mapping[str, str]
    spellings: Mapping[str, str]
    _pattern: re.Pattern[str] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.synonyms:
            # Longest variants first so "education health and care plan" wins over "care plan".
            variants = sorted(self.synonyms, key=len, reverse=True)
            pattern = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in variants) + r")\b")
            object.__setattr__(self, "_pattern", pattern)

    def __call__(self, text: str) -> str:
        words = [self.spellings.get(w, w) for w in normalise(text).split()]
        joined = " ".join(words)
        if self._pattern is not None:
            joined = self._pattern.sub(lambda m: self.synonyms[m.group(0)], joined)
        return joined

    def tokens(self, text: str) -> list[str]:
        """Meaningful words of a text, after normalisation."""
        return [w for w in self(text).split() if w not in STOPWORDS]
