"""Text normalisation shared by the matcher, the collision check and the loader.

Parents type on phones, in a hurry, often upset: mixed case, curly quotes, accents, American
spellings, acronyms. Both the knowledge base and every message go through the same steps,
so that "LA won't do an EHCP" and "the local authority will not do an EHC plan" meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_APOSTROPHES = re.compile(r"['’‘`´]")
# Letters of every script stay (Polish, Urdu, Gurmukhi), with the vowel signs of the Arabic and
# Gurmukhi blocks, which Python does not count as word characters.
_NON_WORD = re.compile(r"(?:[^\w\u0600-\u06ff\u0750-\u077f\u0a00-\u0a7f]|_)+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2066-\u2069\u202a-\u202e\u061c\ufeff]")  # joiners, bidi marks
# Letters NFKD leaves whole, and the Arabic-script variants Urdu keyboards mix (Arabic kaf, yeh
# and heh for the Urdu ones), and Urdu/Arabic digits: folded so that both sides meet.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ك": "ک",
        "ي": "ی",
        "ى": "ی",
        "ه": "ہ",
        "ة": "ہ",
        **dict.fromkeys("؟،۔؛٪", " "),  # Arabic-script punctuation, inside the kept block
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x0A66 + d): str(d) for d in range(10)},
    }
)
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

# Function words of the other languages, after normalisation (no diacritics), added to the
# English ones in that language's index (the English index is unchanged). Negations stay, as in
# English, and so do words that are also English acronyms ("la", "ta", "pa").
LANG_STOPWORDS: dict[str, frozenset[str]] = {
    "pl": frozenset(
        """i w we z ze na do o od po za u a albo lub czy ze jak co to jest sa byc bylo mam ma moj moja moje
        mojego mojej mi mnie sie nas nasz nasza nasze jego jej ich ten tego tej te tym czym kto gdzie kiedy
        tak juz jeszcze tez bo ale jesli jezeli dla przez przy bardzo prosze dzien dobry witam czesc
        dostac dostane dostanie dostaje dostal dostala dostaniemy moge mozna""".split()  # noqa: SIM905
    ),
    "sk": frozenset(
        """a v vo z zo na do o od po za u alebo ci ze ako co to je su byt mam ma moj moja moje mojho mi mna sa
        si nas jeho jej ich ten tento toho tej tie tym kto kde kedy tak uz este aj lebo ale ak pre cez pri
        velmi prosim dobry den""".split()  # noqa: SIM905
    ),
    "ro": frozenset(
        """si in din pe cu de a al ai ale un o unei unui este e sunt am are fi meu mea mei mele imi mi ma se
        sa ca ce cum care cine unde cand daca dar sau pentru prin la fel foarte va rog buna ziua""".split()  # noqa: SIM905
    ),
    "ur": frozenset(
        """کا کی کے میں ہے ہیں ہو ہوں ہوتا ہوتی ہوتے کو سے اور یہ وہ پر تو بھی ایک اس ان جو کہ تھا تھی تھے
        مجھے میرا میری میرے ہم ہمارا ہماری ہمارے آپ اپنا اپنی اپنے ka ki ke mein hai hain ko se aur ye yeh
        wo woh par bhi mera meri mere کیا گا گی گے رہا رہی رہے سکتا سکتی سکتے چاہیے مل ملتا ملتی ملتے ملے
        kya""".split()  # noqa: SIM905
    ),
    "pa": frozenset(
        """ਦਾ ਦੀ ਦੇ ਵਿੱਚ ਵਿਚ ਹੈ ਹਨ ਹੋ ਹਾਂ ਨੂੰ ਤੋਂ ਅਤੇ ਇਹ ਉਹ ਤੇ ਵੀ ਇੱਕ ਇਸ ਜੋ ਕਿ ਸੀ ਮੈਨੂੰ ਮੇਰਾ ਮੇਰੀ ਮੇਰੇ ਅਸੀਂ
        ਸਾਡਾ ਸਾਡੀ ਤੁਸੀਂ ਆਪਣਾ ਆਪਣੀ ਆਪਣੇ""".split()  # noqa: SIM905
    ),
}


def stopwords_for(lang: str) -> frozenset[str]:
    """The stopwords of a language's index: the English ones, and the language's own."""
    own = LANG_STOPWORDS.get(lang.split("_")[0], frozenset())
    return STOPWORDS | frozenset(normalise(w) for w in own)


def whole_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern that finds any of these phrases as whole words in ``f" {normalise(text)} "``:
    a single search instead of a substring test per phrase (safety words, place names)."""
    alternatives = [re.escape(f" {p} ") for p in sorted(set(phrases), key=len, reverse=True)]
    return re.compile("|".join(alternatives) or "(?!)")  # (?!) never matches: no phrases


def normalise(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold apostrophes: 'Won’t' -> 'wont'."""
    if not text.isascii():  # accents and invisible characters are never ASCII: most text skips this
        text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold()).translate(_FOLD)
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Normaliser:
    """Full normalisation: spellings fixed word by word, then synonyms folded to one form.

    Synonyms are matched on whole words, longest first ("education health and care plan"
    wins over "care plan"), by looking word runs up in a table: a regular expression of a
    thousand alternatives was the slowest part of building the index."""

    synonyms: Mapping[str, str]
    spellings: Mapping[str, str]
    stopwords: frozenset[str] = STOPWORDS
    _variants: dict[tuple[str, ...], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    # The longest variant starting with each word: most words start none, and are passed at once.
    _longest: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        variants = {tuple(v.split()): tuple(c.split()) for v, c in self.synonyms.items() if v.split()}
        longest: dict[str, int] = {}
        for variant in variants:
            longest[variant[0]] = max(longest.get(variant[0], 0), len(variant))
        object.__setattr__(self, "_variants", variants)
        object.__setattr__(self, "_longest", longest)

    def __call__(self, text: str) -> str:
        spellings, longest, variants = self.spellings, self._longest, self._variants
        words = [spellings.get(w, w) for w in normalise(text).split()]
        out: list[str] = []
        i, count = 0, len(words)
        while i < count:
            word = words[i]
            # The longest synonym run starting here (none, and no more lookups, for most words).
            size = longest.get(word, 0)
            canonical = None
            if size:
                size = min(size, count - i)
                while size and (canonical := variants.get(tuple(words[i : i + size]))) is None:
                    size -= 1
            if canonical is not None:
                out.extend(canonical)
                i += size
            else:
                out.append(word)
                i += 1
        return " ".join(out)

    def tokens(self, text: str) -> list[str]:
        """Meaningful words of a text, after normalisation."""
        return [w for w in _PLAN_SECTION.sub(_plan_sections, self(text)).split() if w not in self.stopwords]
