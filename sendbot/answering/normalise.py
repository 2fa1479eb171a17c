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
# "section i" and "section a" must not lose their letter to the stopwords ("i", "a"), and
# "section f" should be one rare word, not the common "section" plus a stray letter.
_PLAN_SECTION = re.compile(r"\bsections? ((?:[a-k][12]?(?: and| or)? )*[a-k][12]?)\b")


def _plan_sections(match: re.Match[str]) -> str:
    """'sections b f and i' -> 'sectionb sectionf sectioni'."""
    return " ".join(f"section{letter}" for letter in match.group(1).split() if letter not in ("and", "or"))


# Words that carry no meaning for matching. Kept short on purpose: "not", "no" and
# "without" change what a parent asks, and so do "who", "how", "when" and "why"
# ("who can ask for an assessment" is not "how do I ask for one"), so they stay.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with about as into than then so is are was
    were be been being am do does did doing have has had having i me my mine we us our you your he
    him his she her they them their it its this that these those there here what can could would
    should will shall may might must just really very also too still even please any some all get
    got getting im ive id ill dont hi hello thanks thank""".split()  # noqa: SIM905
)


def normalise(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold apostrophes: 'Won’t' -> 'wont'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Normaliser:
    """Full normalisation: spellings fixed word by word, then synonyms folded to one form.

    Synonyms are matched on whole words, longest first ("education health and care plan"
    wins over "care plan"), by looking word runs up in a table: a regular expression of a
    thousand alternatives was the slowest part of building the index."""

    synonyms: Mapping[str, str]
    spellings: Mapping[str, str]
    _variants: dict[tuple[str, ...], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, default=0, repr=False, compare=False)

    def __post_init__(self) -> None:
        variants = {tuple(v.split()): tuple(c.split()) for v, c in self.synonyms.items() if v.split()}
        object.__setattr__(self, "_variants", variants)
        object.__setattr__(self, "_longest", max((len(v) for v in variants), default=0))

    def __call__(self, text: str) -> str:
        words = [self.spellings.get(w, w) for w in normalise(text).split()]
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                canonical = self._variants.get(tuple(words[i : i + size]))
                if canonical is not None:
                    out.extend(canonical)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)

    def tokens(self, text: str) -> list[str]:
        """Meaningful words of a text, after normalisation."""
        return [w for w in _PLAN_SECTION.sub(_plan_sections, self(text)).split() if w not in STOPWORDS]
