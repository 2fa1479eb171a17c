"""The model learnt from parents' questions (`sendbot/answering/learned.py`): its stored file,
its arithmetic, the feature `learned` the decision takes from it, and a broken file failing kindly."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sendbot.answering.decide import Decider
from sendbot.answering.learned import MODEL, QuestionModel, terms
from sendbot.answering.matcher import Matcher
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.model import KnowledgeBase
from sendbot.knowledge.problems import DataError
from tests.conftest import KB_SMALL


@pytest.fixture(scope="module")
def matcher(full_decider: Decider) -> Matcher:
    return full_decider.matcher


def test_the_stored_model_knows_only_entries_of_the_knowledge_base(full_kb: KnowledgeBase) -> None:
    """An entry renamed or removed needs the model trained again (benchmarks/train_question_model.py)."""
    model = QuestionModel.load()
    assert set(model.classes) <= set(full_kb.entries)
    assert len(model.classes) >= 0.9 * len(full_kb.entries)
    assert MODEL.stat().st_size < 5_000_000


def _tiny() -> QuestionModel:
    return QuestionModel(
        {"tribun": 0, "bus": 1, "late": 2},
        np.array([1.0, 2.0, 1.5]),
        np.array([[2.0, -1.0, 0.5], [-1.0, 2.0, 0.0]]),
        np.array([0.1, -0.1]),
        ("appeal", "transport"),
    )


def test_the_probabilities_are_a_softmax_over_sublinear_tf_idf() -> None:
    """As scikit-learn's TfidfVectorizer(sublinear_tf=True) and LogisticRegression compute them."""
    model = _tiny()
    tokens = ["bus", "bus", "late", "unknown"]
    x = np.array([0.0, (1 + math.log(2)) * 2.0, 1.5])
    x /= np.linalg.norm(x)
    scores = model.weights @ x + model.bias
    expected = np.exp(scores) / np.exp(scores).sum()
    assert model.probabilities(model.vector(tokens)) == pytest.approx(expected)
    assert model.probabilities(model.vector(tokens))[model.rows["transport"]] == pytest.approx(expected[1])
    assert "not-trained-on" not in model.rows
    assert terms(tokens) == tokens


def test_a_message_of_unknown_words_gets_the_bias_alone() -> None:
    model = _tiny()
    expected = np.exp(model.bias) / np.exp(model.bias).sum()
    assert model.probabilities(model.vector(["zzz"])) == pytest.approx(expected)


def test_the_feature_is_the_models_probability_of_the_best_entry(matcher: Matcher) -> None:
    text = "the council refused to assess my son, can I appeal to the tribunal?"
    result = matcher.match(text)
    assert result.features is not None and result.best is not None and matcher.learned is not None
    rows = matcher.learned.rows
    assert result.best.entry_id in rows
    expected = matcher.learned.probabilities(matcher.learned.vector(matcher.message_tokens(text)[0]))[
        rows[result.best.entry_id]
    ]
    assert result.features.learned == pytest.approx(expected)


def test_a_matcher_can_be_given_its_own_model(full_kb: KnowledgeBase) -> None:
    """As `benchmarks/calibrate.py` gives each fold's matcher the model trained without that fold:
    the feature `learned` is that model's (here one that knows two entries only)."""
    model = replace(_tiny(), classes=("tribunal-deadline", "transport-eligibility"))
    matcher = Matcher(full_kb, learned=model)
    assert matcher.learned is model
    text = "how long do I have to appeal to the tribunal"
    result = matcher.match(text)
    assert result.features is not None and result.best is not None
    assert result.best.entry_id == "tribunal-deadline"
    assert result.features.learned == pytest.approx(
        model.probabilities(model.vector(matcher.message_tokens(text)[0]))[0]
    )


def test_an_entry_the_model_does_not_know_takes_the_neutral_value() -> None:
    """An entry added since the model was trained (here: the small knowledge base's entries,
    renamed), or a test knowledge base's own."""
    kb = load_knowledge(KB_SMALL)
    renamed = replace(kb, entries={f"new-{i}": replace(e, id=f"new-{i}") for i, e in kb.entries.items()})
    matcher = Matcher(renamed)
    entry = next(iter(renamed.entries.values()))
    result = matcher.match(entry.title.get_text("en"))
    assert result.features is not None and result.best is not None
    assert result.best.entry_id not in QuestionModel.load().rows
    assert result.features.learned == matcher.calibration.neutral["learned"]


@pytest.mark.parametrize("content", [b"", b"not a numpy file"])
def test_a_broken_model_file_stops_start_up_with_the_file_and_the_fix(tmp_path: Path, content: bytes) -> None:
    broken = tmp_path / "question_model.npz"
    broken.write_bytes(content)
    with pytest.raises(DataError) as caught:
        QuestionModel.load(broken)
    assert "question_model.npz" in str(caught.value) and "train_question_model.py" in str(caught.value)


def test_mismatched_arrays_stop_start_up(tmp_path: Path) -> None:
    path = tmp_path / "question_model.npz"
    np.savez(
        path,
        terms=np.array(["a", "b"]),
        idf=np.ones(2),
        weights=np.ones((3, 5)),
        bias=np.zeros(3),
        classes=np.array(["x", "y", "z"]),
    )
    with pytest.raises(DataError, match="do not fit"):
        QuestionModel.load(path)
