"""Closeness in meaning (`sendbot/answering/meaning.py`): the word vectors, the two features
the decision takes from them, and the decision's data files failing kindly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sendbot.answering.decide import Decider
from sendbot.answering.matcher import NEUTRAL_FEATURES, SIMILAR_TIE, Calibration, Matcher
from sendbot.answering.meaning import VECTORS, WORDS_FILE, Meaning, WordVectors
from sendbot.knowledge.problems import DataError


@pytest.fixture(scope="module")
def matcher(full_decider: Decider) -> Matcher:
    return full_decider.matcher


def test_the_word_list_and_the_vectors_agree() -> None:
    words = WordVectors.load()
    assert len(words.rows) == words.vectors.shape[0] == len(WORDS_FILE.read_text(encoding="utf-8").split())
    assert VECTORS.stat().st_size < 20_000_000  # the bound for a static embedding


def test_a_word_list_of_another_length_stops_loading(tmp_path: Path) -> None:
    short = tmp_path / "words.txt"
    short.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        WordVectors.load(VECTORS, short)
    assert "build_word_vectors.py" in str(caught.value.problems[0])


def test_a_broken_vectors_file_stops_start_up_with_the_file_and_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "word_vectors.npy"
    broken.write_bytes(b"not numpy at all")
    with pytest.raises(DataError) as caught:
        WordVectors.load(broken, WORDS_FILE)
    problem = caught.value.problems[0]
    assert problem.file == broken and "build_word_vectors.py" in problem.fix
    missing = tmp_path / "missing.npy"
    with pytest.raises(DataError):
        WordVectors.load(missing, WORDS_FILE)


def test_nearly_every_word_of_the_knowledge_base_has_a_vector(matcher: Matcher) -> None:
    """The vectors were built from the knowledge base's words: many new words without one mean
    `benchmarks/build_word_vectors.py` should be run again (numbers and dates never have one)."""
    words = [w for w in matcher.index.vocab if w.isalpha()]
    missing = [w for w in words if w not in matcher.meaning.words.rows]
    assert len(missing) <= 0.05 * len(words), missing


def test_words_close_in_meaning_are_close() -> None:
    words = WordVectors.load()

    def cosine(a: str, b: str) -> float:
        return float(words.text_vector([a]) @ words.text_vector([b]))

    assert cosine("exclus", "suspens") > cosine("exclus", "banana") + 0.2
    assert cosine("tribun", "appeal") > cosine("tribun", "banana") + 0.2


def test_a_message_is_closest_to_the_entry_it_is_about_without_sharing_its_words(matcher: Matcher) -> None:
    """'Expelled' and 'exclusion' are folded by the synonyms; 'thrown out for good' is not."""
    similar = matcher.meaning.similarity(matcher.tokens("will the headteacher throw my boy out of school for good"))
    keys = matcher.index.keys
    closest = [keys[i] for i in np.argsort(-similar)[:10]]
    assert any("exclusion" in k for k in closest), closest


def test_unknown_words_have_no_meaning() -> None:
    words = WordVectors.load()
    assert not words.text_vector(["zzqx", "qqzy"]).any()
    assert not words.text_vectors([["zzqx"], []]).any()


def test_one_text_and_many_texts_give_the_same_vectors() -> None:
    words = WordVectors.load()
    texts = [["tribun", "appeal"], ["zzqx"], ["school", "council", "school"]]
    together = words.text_vectors(texts)
    assert np.allclose(together, np.stack([words.text_vector(t) for t in texts]))


def test_an_entry_vector_is_the_mean_of_its_phrasings() -> None:
    words = WordVectors.load()
    meaning = Meaning(words, ["a", "b"], [("a", ["tribun"]), ("a", ["appeal"]), ("b", ["school"])])
    mean = words.text_vector(["tribun"]) + words.text_vector(["appeal"])
    assert np.allclose(meaning.key_vectors[0], mean / np.linalg.norm(mean))
    assert meaning.similarity(["school"])[1] == pytest.approx(1.0)


def test_the_features_say_how_close_and_whether_the_closest_is_the_best(matcher: Matcher) -> None:
    result = matcher.match("how do i appeal to the tribunal")
    assert result.features is not None and result.best is not None
    similar = matcher.meaning.similarity(matcher.tokens("how do i appeal to the tribunal"))
    row = matcher.index.keys.index(result.best.entry_id)
    assert result.features.similar == pytest.approx(similar[row])
    entries = [i for i, k in enumerate(matcher.index.keys) if not k.startswith("~") and i != row]
    clearly_closest = similar[row] > similar[entries].max() + SIMILAR_TIE
    assert result.features.similar_agrees == (1.0 if clearly_closest else 0.0)


def test_another_language_goes_without_vectors_and_takes_the_english_mean(full_decider: Decider) -> None:
    """The vectors are English: a Polish message's closeness would come from the few English
    words in it, and it lowered P(scope) enough to decline a Polish SEND question. So is the
    model learnt from parents' questions (`learned`)."""
    polish = full_decider.matcher_for("pl")
    assert polish.meaning is None and polish.learned is None
    result = polish.match("mojego syna z SEN wykluczono ze szkoły, jakie mam prawa?")
    assert result.features is not None
    neutral = polish.calibration.neutral
    assert {name: getattr(result.features, name) for name in NEUTRAL_FEATURES} == dict(neutral)
    assert result.status != "fallback"


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "features": [\n  oops', 3), ('{"features": ["confidence"]}', 1), ("{}", 1)],
)
def test_a_broken_calibration_stops_start_up_with_the_file_and_the_fix(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Calibration.load(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (path, line) and "calibrate.py" in problem.fix
