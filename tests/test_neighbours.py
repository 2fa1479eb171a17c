"""Rule "story_neighbours" (`sendbot/answering/neighbours.py`): the agreement of an entry with a
story's closest past stories, and the stored file's checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from sendbot.answering.decide import Decider
from sendbot.answering.evaluate import load_eval
from sendbot.answering.learned import QuestionModel, TermVector
from sendbot.answering.matcher import StoryRule, is_story
from sendbot.answering.neighbours import NEIGHBOURS, StoryNeighbours
from sendbot.knowledge.model import KnowledgeBase
from sendbot.knowledge.problems import DataError
from tests.conftest import ROOT


def three_stories() -> StoryNeighbours:
    # terms x stories: story 0 is term 0, story 1 is term 1, story 2 is half of each
    by_term = csr_matrix(np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]]))
    holds = np.array([[True, False], [False, True], [True, True]])
    return StoryNeighbours(by_term, holds, {"a": 0, "b": 1})


def test_agreement_is_the_closeness_weighted_share_of_the_closest_stories_holding_the_entry() -> None:
    stories = three_stories()
    closeness = stories.closeness(TermVector(np.array([0]), np.array([1.0])))
    assert closeness == pytest.approx([1.0, 0.0, 0.6])
    assert stories.agreement(closeness, "a", k=2) == pytest.approx(1.0)  # stories 0 and 2 both hold "a"
    assert stories.agreement(closeness, "b", k=2) == pytest.approx(0.6 / 1.6)  # only story 2 holds "b"
    assert stories.agreement(closeness, "b", k=3) == pytest.approx(0.6 / 1.6)  # story 1 is not close at all


def test_no_agreement_for_an_unknown_entry_or_a_message_close_to_nothing() -> None:
    stories = three_stories()
    assert stories.agreement(stories.closeness(TermVector(np.array([0]), np.array([1.0]))), "zzz") == 0.0
    nothing = stories.closeness(TermVector(np.array([], dtype=np.int64), np.array([])))
    assert stories.agreement(nothing, "a") == 0.0


def test_the_story_rule_raises_p_right_with_agreement() -> None:
    rule = StoryRule((0.3, 2.3), 0.5, 0.84)
    assert rule.probability(0.6, 1.0) > rule.probability(0.6, 0.0)
    assert rule.probability(0.9, 0.5) > rule.probability(0.1, 0.5)
    assert 0.0 < rule.probability(0.0, 0.0) < rule.probability(1.0, 1.0) < 1.0


def test_the_stored_stories_fit_the_stored_model() -> None:
    model = QuestionModel.load()
    stories = StoryNeighbours.load(terms=len(model.columns))
    assert stories.by_term.shape[0] == len(model.columns)
    assert stories.holds.shape == (stories.by_term.shape[1], len(stories.entries))


def test_a_broken_or_mismatched_file_stops_start_up_with_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    with pytest.raises(DataError, match=r"build_story_neighbours\.py"):
        StoryNeighbours.load(broken)
    with pytest.raises(DataError, match="do not fit"):
        StoryNeighbours.load(NEIGHBOURS, terms=1)


def test_the_rule_only_adds_answers_to_stories(full_kb: KnowledgeBase) -> None:
    """S41 (docs/prereg41.md): a story P(right) answers stays answered, with the same entry; the
    rule only answers stories P(right) left to the choices."""
    decider = Decider(full_kb)
    with_rule = decider.matcher.calibration
    assert with_rule.story is not None
    stories = [i.question for i in load_eval([ROOT / "tests" / "eval" / "real"], set(full_kb.entries), "dev")]
    stories = [q for q in stories if is_story(q)][:150]
    decider.matcher.calibration = replace(with_rule, story=None)
    before = [decider.decide(q, None, "en").match for q in stories]
    decider.matcher.calibration = with_rule
    after = [decider.decide(q, None, "en").match for q in stories]
    kept = [(b.status, b.candidates[:1]) == (a.status, a.candidates[:1]) for b, a in zip(before, after, strict=True)]
    assert all(k for k, b in zip(kept, before, strict=True) if b.status == "answer")
    added = [b.status == "suggest" and a.status == "answer" for b, a in zip(before, after, strict=True)]
    assert any(added) and all(k or new for k, new in zip(kept, added, strict=True))
