"""The matcher on the small fixture knowledge base: answers, typos, stories, fallbacks, settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sendbot.answering.matcher import (
    FEATURE_NAMES,
    RIGHT_ONLY_FEATURES,
    SCOPE_ONLY_FEATURES,
    Calibration,
    Matcher,
    MatchSettings,
    Signal,
    is_story,
    out_of_scope_explains_better,
)
from sendbot.answering.normalise import Normaliser, normalise, whole_phrases
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.model import KnowledgeBase

KB_SMALL = Path(__file__).resolve().parent / "fixtures" / "kb_small"

STORY = (
    "Hi. My daughter is 9 and has ADHD and dyslexia. School have been lovely but she is falling "
    "behind and the SENCO says there is no more money. We have tried everything and I am worn out.\n"
    "My mum says I should push for an EHCP. Do I need the school to apply for an EHCP? "
    "Thanks for reading, sorry it is so long."
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KB_SMALL)


@pytest.fixture(scope="module")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture(scope="module")
def full_matcher(full_kb: KnowledgeBase) -> Matcher:
    return Matcher(full_kb)


# --- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("how do I ask for an EHC needs assessment", "ehc-request-how"),
        ("the council refused to assess my child", "ehc-refused-assessment"),
        ("who is sendiass in derby", "contacts-derby-sendiass"),
    ],
)
def test_exact_phrasing_is_answered(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status == "answer"
    assert result.best is not None
    assert result.best.entry_id == entry_id
    assert result.best.score == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # acronym (LA -> council), typos corrected to known words (asess, aply)
        ("can the LA asess my dd for an EHCP or do i need the school to aply", "ehc-request-how"),
        ("the LA refused to asess my dd", "ehc-refused-assessment"),
        ("LA wont asess my son", "ehc-refused-assessment"),
        # synonym (education health and care plan -> ehcp) and a listed spelling (asessment)
        ("can I reqest an education health and care plan asessment myself", "ehc-request-how"),
        ("do i need the skool to apply for an EHC plan", "ehc-request-how"),
        ("who is IASS in derby", "contacts-derby-sendiass"),
    ],
)
def test_typos_and_acronyms_reach_the_right_entry(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status == "answer", result
    assert result.best is not None
    assert result.best.entry_id == entry_id


def test_synonyms_and_spellings_are_folded(matcher: Matcher) -> None:
    tokens = matcher.tokeniser.words("Can the LA do an Education, Health and Care Plan asessment?")
    assert "council" in tokens
    assert "ehcp" in tokens
    assert "assessment" in tokens
    assert "la" not in tokens


def test_normalise_folds_case_accents_and_apostrophes() -> None:
    assert normalise("  Won’t the Café   ASSESS? ") == "wont the cafe assess"
    assert Normaliser({}, {})("It's") == "its"


def test_plan_sections_keep_their_letter() -> None:
    tokens = Normaliser({}, {}).tokens
    assert tokens("what goes in section I") == ["goes", "sectioni"]
    assert tokens("sections B, F and I") == ["sectionb", "sectionf", "sectioni"]
    assert tokens("the section is empty") == ["section", "empty"]


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("transport for a 22 year old", "ageadult"),
        ("dd is 17 and at college", "agepost16"),
        ("my 19yo", "ageadult"),
        ("ds (7) has ADHD", "ageschool"),
        ("she turns 3 in May", "ageunder5"),
    ],
)
def test_an_age_becomes_its_stage_of_life(full_matcher: Matcher, text: str, stage: str) -> None:
    assert stage in full_matcher.tokens(text)  # "dd", "ds" are "child" by the real synonyms


def test_typos_are_corrected_only_to_words_with_the_same_first_letter(full_matcher: Matcher) -> None:
    assert "return" not in full_matcher.tokens("someone turning 25")
    assert full_matcher.tokens("tribunl") == full_matcher.tokens("tribunal")


def test_a_rare_word_is_kept_and_a_rare_misspelling_is_corrected(full_matcher: Matcher) -> None:
    assert "harm" in full_matcher.tokens("she is self harming")
    assert full_matcher.tokens("reasessment") == full_matcher.tokens("reassessment")


def test_other_numbers_are_left_out(full_matcher: Matcher) -> None:
    assert not any(t.startswith("age") or t.isdigit() for t in full_matcher.tokens("we asked on 3 March, 14 weeks ago"))


def test_question_inside_a_long_story_is_found(matcher: Matcher) -> None:
    result = matcher.match(STORY)
    assert result.status == "answer"
    assert result.best is not None
    assert result.best.entry_id == "ehc-request-how"


def test_sentences_are_scored_separately() -> None:
    parts = Matcher.segments("First thing. Second thing?\nThird thing")
    assert parts == ["First thing.", "Second thing?", "Third thing"]
    assert Matcher.segments("one sentence only") == []


# --- no answer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "asdkjh qwlekj zxcmnb",
        "xxxxxxxxxxxxxxxxxxxxxxxx",
        "1234 5678",
        "what is the weather tomorrow",
        "how do i bake a chocolate cake",
        "what is the capital of France",
        "",
        "   ",
        "?!?!",
    ],
)
def test_gibberish_and_off_topic_fall_back(full_matcher: Matcher, question: str) -> None:
    """On the real knowledge base: the small one has no out-of-scope kinds, so P(scope) has
    nothing to tell a SEND question's words from (`send_words` is 0 there)."""
    result = full_matcher.match(question)
    assert result.status == "fallback"
    assert result.candidates == ()


# --- determinism and ranking ---------------------------------------------------------------


@pytest.mark.parametrize("question", [STORY, "can the LA asess my dd for an EHCP", "council assess"])
def test_same_input_gives_same_ranking(kb: KnowledgeBase, matcher: Matcher, question: str) -> None:
    first = matcher.rank(question, "derby")
    assert matcher.rank(question, "derby") == first
    assert Matcher(kb).rank(question, "derby") == first  # a fresh index too
    assert matcher.match(question) == matcher.match(question)


def test_ranking_is_best_first_with_ties_broken_by_id(matcher: Matcher) -> None:
    ranked = matcher.rank("council assess ehcp")
    keys = [(-c.score, c.entry_id) for c in ranked]
    assert keys == sorted(keys)
    assert len({c.entry_id for c in ranked}) == len(ranked)


def test_other_area_penalty(matcher: Matcher) -> None:
    question = "sendiass contact details please"
    home = {c.entry_id: c.score for c in matcher.rank(question, area="derby")}
    away = {c.entry_id: c.score for c in matcher.rank(question, area="derbyshire")}
    unknown = {c.entry_id: c.score for c in matcher.rank(question)}
    settings = MatchSettings()
    assert away["contacts-derby-sendiass"] == pytest.approx(
        home["contacts-derby-sendiass"] - settings.other_area_penalty, abs=1e-3
    )
    # no area chosen or named: a small penalty only
    assert unknown["contacts-derby-sendiass"] == pytest.approx(
        home["contacts-derby-sendiass"] - settings.unknown_area_penalty, abs=1e-3
    )


def test_naming_a_place_overrides_the_chosen_area(matcher: Matcher) -> None:
    question = "derby sendiass contact"
    assert matcher.mentioned_areas(question) == {"derby"}
    assert matcher.rank(question, area="derbyshire") == matcher.rank(question, area="derby") == matcher.rank(question)


@pytest.mark.parametrize(
    "question",
    [
        "We live in Stirling. My son is 12, autistic, and CAMHS still haven't seen him",
        "belfast mum here, the EA sent a proposed statement, how long do I have to comment",
        "we're in Fife and school say DS doesn't need a plan",
        "we moved to San Diego and DS keeps getting suspended, is that legal",  # a large US city
        "in Brisbane, school want reduced hours for my autistic 6 year old",  # an Australian state capital
        "we live in aberdeenshire, how do we get short breaks, is it the same as in england?",  # England compared
    ],
)
def test_a_message_naming_a_place_in_another_country_is_declined(full_matcher: Matcher, question: str) -> None:
    """Rule "names_place_of": the other-countries reply, never an answer or choices."""
    assert full_matcher.names_place_of(question) == "other-countries"
    result = full_matcher.match(question)
    assert (result.status, result.out_of_scope) == ("fallback", "other-countries")


@pytest.mark.parametrize(
    "question",
    [
        "we moved from Cardiff to Derby, does the council have to keep his EHCP",  # an area is named
        "is the law on EHC plans the same in England and Wales",  # England is named
        "we moved from Cardiff to England, does his plan carry over",  # England is where they live now
        "my son's teacher is called Mr Stirlingshire",  # not a whole place name
        "how do i get an ehcp",
    ],
)
def test_the_place_rule_stays_out_of_english_questions(full_matcher: Matcher, question: str) -> None:
    assert full_matcher.names_place_of(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "my son is 34 with a learning disability and lives with us, can adult social care help",
        "I'm 31 and disabled, the council agreed direct payments for my care package, do I do payroll",
        "My adult son (30, Down's syndrome) lives in supported living and the council want more rent",
        "our 28 year old daughter needs a carers assessment for her dad",
        # Education the adult has left does not count (`_LEFT_EDUCATION`).
        "my son is 29, he left college years ago and lives at home, can I get respite from adult social care",
        "our daughter is 31, not in work or any college, and her care hours were cut",
        # Over 18, and out of education or in a part of adult life: the kind's `adult_over` and `adult_signs`.
        "my son is 24, left college years ago and lives with us, his care contribution keeps going up",
        "DD is 20, finished college last year and wants supported living, who decides",
        # Under 25 but naming only adult life (stop 35 kept this one out; since stop 40 it is the adult-care reply:
        # it names no plan or education, and an adult's care charges are the Care Act's).
        "my son is 24 and adult social care want him to pay for his day centre",
        "DS is 24, autistic, lives in supported living and the social worker cut his hours",
    ],
)
def test_a_message_about_an_adult_past_25_is_declined(full_matcher: Matcher, question: str) -> None:
    """Rule "past_age_of": the adult-care reply, never an answer or choices."""
    assert full_matcher.past_age_of(question) == "adult-care"
    result = full_matcher.match(question)
    assert (result.status, result.out_of_scope) == ("fallback", "adult-care")


@pytest.mark.parametrize(
    "question",
    [
        "my son is 26 and his college course was cancelled, could he get an EHCP now",  # names education
        "I'm 40 and my son is 7, the council adult team assessed me",  # a child's age too
        "I asked for an EHC needs assessment for my daughter 30 weeks ago",  # 30 weeks is not an age
        "DS is 8 and school only give 32 hrs of support",
        "my son is 24 and at college, adult social care want him to pay for his day centre",  # under 25, in education
        "DD is 17 and adult social care say they will only assess her at 18",  # not over 18
        "DS is 26 and finished college last year, now he wants to go back to college",  # still names education
        "my son is 27 and left school, can he still get his EHCP back",  # names the plan
        "DS is 18, left school in July and has no college place yet",  # not over 18
        "my son is 20 and left college, the council say his EHCP will end",  # names the plan
        "my daughter is 22 and at college, adult social care cut her hours",  # still in education
    ],
)
def test_the_age_rule_stays_out_of_questions_about_young_people(full_matcher: Matcher, question: str) -> None:
    assert full_matcher.past_age_of(question) is None


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("pl", "Mój syn ma 30 lat, ma niepełnosprawność intelektualną i opieka społeczna chce, żeby płacił za opiekę"),
        ("pl", "Moja 28-letnia córka mieszka z nami, czy mogę dostać ocenę opiekuna?"),
        ("pl", "my son is 34 with a learning disability"),  # parents who speak Polish also write English
        ("ur", "میرا بیٹا 30 سال کا ہے اور کونسل اس کی دیکھ بھال کے پیسے مانگتی ہے"),
        ("ur", "mera beta 32 saal ka hai aur council care ke paise maang rahi hai"),
    ],
)
def test_the_age_rule_reads_polish_and_urdu(full_kb: KnowledgeBase, lang: str, question: str) -> None:
    """Rule "past_age_of" in another language's matcher: its own ages, and English ones, past 25."""
    matcher = Matcher(full_kb, lang=lang)
    assert matcher.past_age_of(question) == "adult-care"
    result = matcher.match(question)
    assert (result.status, result.out_of_scope) == ("fallback", "adult-care")


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("pl", "Syn ma 26 lat i chce wrócić do college, czy może dostać plan EHC?"),  # names education
        ("pl", "Córka ma 29 lat i uczy się w szkole policealnej, kto płaci za jej opiekę?"),  # szkole
        ("pl", "Syn ma 24 lata i opieka społeczna chce, żeby płacił za opiekę"),  # under 25
        ("pl", "czekamy od 30 lat na pomoc"),  # a wait, not an age
        ("ur", "میرا بیٹا 27 سال کا ہے، کیا وہ کالج کے لیے EHC پلان لے سکتا ہے؟"),  # college
        ("ur", "ہم 30 سال سے اس علاقے میں رہتے ہیں اور بیٹی 8 سال کی ہے"),  # "for 30 years", and a child of 8
    ],
)
def test_the_age_rule_stays_out_of_polish_and_urdu_questions_about_young_people(
    full_kb: KnowledgeBase, lang: str, question: str
) -> None:
    assert Matcher(full_kb, lang=lang).past_age_of(question) is None


def test_national_entries_are_not_penalised(matcher: Matcher) -> None:
    question = "how do I ask for an EHC needs assessment"

    def national(area: str | None) -> dict[str, float]:
        return {c.entry_id: c.score for c in matcher.rank(question, area) if c.entry_id != "contacts-derby-sendiass"}

    assert national("derby") == national("derbyshire") == national(None)


# --- settings ------------------------------------------------------------------------------


def test_the_decision_is_calibrated_data() -> None:
    calibration = Calibration.load()
    assert len(calibration.right.weights) == len(calibration.scope.weights) == len(FEATURE_NAMES)
    assert 0 < calibration.suggest_at < 1 and 0 < calibration.answer_at < 1
    assert 0 <= calibration.also_at <= 1


def test_each_model_leaves_out_the_other_ones_features() -> None:
    """P(right) gives `send_words` no weight, P(scope) the features that compare the best entry
    with the others (`calibrate.py` fits each with those set to 0)."""
    calibration = Calibration.load()
    for name in SCOPE_ONLY_FEATURES:
        assert calibration.right.weights[FEATURE_NAMES.index(name)] == 0
    for name in RIGHT_ONLY_FEATURES:
        assert calibration.scope.weights[FEATURE_NAMES.index(name)] == 0


@pytest.mark.parametrize(
    ("question", "send"),
    [
        ("the LA refused to assess DS for an EHCP, can we appeal", True),
        ("senco says she cant get 1:1 without a plan", True),
        ("how do i claim dla for my son", False),
        ("how do i bake a chocolate cake", False),  # words the index has never seen count against
    ],
)
def test_send_words_tell_send_questions_from_off_topic_ones(full_matcher: Matcher, question: str, send: bool) -> None:
    features = full_matcher.match(question).features
    assert features is not None
    assert (features.send_words > 0) is send


def test_send_words_are_no_evidence_without_out_of_scope_kinds(matcher: Matcher) -> None:
    result = matcher.match("the LA refused to assess my son")
    assert result.features is not None and result.features.send_words == 0


def test_an_answer_needs_p_scope_too(full_kb: KnowledgeBase) -> None:
    """However high P(right), a message P(scope) doubts is not answered (unless it says a
    phrasing word for word): the off-topic questions P(right) rated high are declined."""
    question = "the council refused to assess my son for an ehcp, what now"
    always = Calibration.load().with_one_threshold(0.0)
    assert Matcher(full_kb, calibration=always).match(question).status == "answer"
    doubting = replace(always, suggest_at=1.0)
    assert Matcher(full_kb, calibration=doubting).match(question).status != "answer"


def _never_answer(kb: KnowledgeBase) -> Calibration:
    return Calibration.load().with_one_threshold(1.0)


def test_a_story_is_answered_at_its_own_threshold(kb: KnowledgeBase) -> None:
    """STORY is over STORY_WORDS words: only answer_at_story decides whether it is answered."""
    assert is_story(STORY) and not is_story("do i need the skool to apply for an EHC plan")
    stories_never = replace(Calibration.load().with_one_threshold(0.0), answer_at_story=1.0)
    assert Matcher(kb, calibration=stories_never).match(STORY).status == "suggest"
    assert Matcher(kb, calibration=stories_never).match("do i need the skool to apply for an EHC plan").status == (
        "answer"
    )
    stories_always = replace(Calibration.load().with_one_threshold(1.0), answer_at_story=0.0)
    assert Matcher(kb, calibration=stories_always).match(STORY).status == "answer"


def test_a_short_message_is_answered_at_its_own_threshold(kb: KnowledgeBase) -> None:
    """A message of SHORT_WORDS words or fewer: only answer_at_short decides (a short message
    that says a phrasing word for word is answered whatever the threshold, so this one does not).
    P(scope) lets every message through here (suggest_at 0): answers need it too."""
    short, medium = "ehcp refused", "the council refused to assess my son for an ehcp, what now"
    shorts_always = replace(Calibration.load().with_one_threshold(1.0), answer_at_short=0.0, suggest_at=0.0)
    assert Matcher(kb, calibration=shorts_always).match(short).status == "answer"
    assert Matcher(kb, calibration=shorts_always).match(medium).status != "answer"
    shorts_never = replace(Calibration.load().with_one_threshold(0.0), answer_at_short=1.0, suggest_at=0.0)
    assert Matcher(kb, calibration=shorts_never).match(short).status != "answer"
    assert Matcher(kb, calibration=shorts_never).match(medium).status == "answer"


def test_another_language_has_one_threshold_for_every_message() -> None:
    calibration = replace(Calibration.load(), answer_at_by_lang={"pl": 0.42})
    pl = calibration.for_lang("pl")
    assert (pl.answer_at, pl.answer_at_story, pl.answer_at_short) == (0.42, 0.42, 0.42)


def test_raising_the_answer_threshold_turns_an_answer_into_a_suggestion(kb: KnowledgeBase) -> None:
    question = "do i need the skool to apply for an EHC plan"
    default = Matcher(kb).match(question)
    assert default.status == "answer"
    strict = Matcher(kb, calibration=_never_answer(kb)).match(question)
    assert strict.status == "suggest"
    assert strict.best == default.best


def test_raising_the_suggest_threshold_turns_it_into_a_fallback(kb: KnowledgeBase) -> None:
    question = "do i need the skool to apply for an EHC plan"
    calibration = replace(_never_answer(kb), suggest_at=1.0)
    assert Matcher(kb, calibration=calibration).match(question).status == "fallback"


def test_a_short_message_about_send_gets_choices_not_a_fallback(kb: KnowledgeBase) -> None:
    """'ehcp' or 'tribunal?' alone never gets "I don't know", whatever the thresholds."""
    calibration = replace(_never_answer(kb), suggest_at=1.0)
    result = Matcher(kb, calibration=calibration).match("ehcp assessment?")
    assert result.status in ("suggest", "fallback") and (result.status == "suggest" or not kb.menu)


def test_a_vague_short_message_gets_the_topic_menu(full_matcher: Matcher) -> None:
    result = full_matcher.match("my son")
    assert result.status == "suggest" and result.menu
    assert [c.entry_id for c in result.candidates][-len(full_matcher.kb.menu) :] == list(full_matcher.kb.menu)


def test_a_few_words_with_a_send_word_get_the_menu_not_not_me(full_kb: KnowledgeBase) -> None:
    """Rule "few_words": four words with a SEND word in them, which P(scope) doubts (here: always)
    and no out-of-scope kind explains better, get the menu with the best guess first, not the
    closest kind's "not me" (this one used to get the benefits reply)."""
    doubting = replace(_never_answer(full_kb), suggest_at=1.0)
    result = Matcher(full_kb, calibration=doubting).match("year 9 review whats different")
    assert result.status == "suggest" and result.menu
    assert result.candidates[0].entry_id == "preparing-for-adulthood-review"


def test_a_few_words_without_a_send_word_are_still_declined(full_matcher: Matcher) -> None:
    assert full_matcher.match("pip reassessment form help").status == "fallback"


WAY_BACK = "how do you get a CAMHS referral in derbyshire, GP says they bounce everything back"


def test_a_declined_send_question_keeps_one_way_back(full_matcher: Matcher) -> None:
    """Rule "maybe": declined, yet P(scope) at or above `maybe_at`: its best entry is kept as the
    one button beside the "not me"."""
    result = full_matcher.match(WAY_BACK)
    assert result.status == "fallback" and not result.candidates
    assert result.maybe is not None and result.maybe.entry_id == "camhs-derbyshire"


@pytest.mark.parametrize(
    "question",
    ["how do I claim carers allowance for my son", "pip reassessment form help", "what is the capital of france"],
)
def test_an_off_topic_question_is_declined_with_no_way_back(full_matcher: Matcher, question: str) -> None:
    result = full_matcher.match(question)
    assert result.status == "fallback" and result.maybe is None


def test_no_way_back_when_p_scope_is_under_maybe_at(full_matcher: Matcher) -> None:
    doubting = replace(full_matcher.calibration, maybe_at=1.01)
    assert Matcher(full_matcher.kb, calibration=doubting).match(WAY_BACK).maybe is None


PLAN_DECLINED = "we are moving house soon, does her ehcp mean she gets priority for a school outside our catchment area"


def test_a_declined_message_naming_a_plan_keeps_its_way_back_whatever_p_scope(full_matcher: Matcher) -> None:
    """Rule "plan_way_back": school admissions read as the everyday kind, but a parent who names
    the plan keeps the button for its best entry, even where P(scope) alone would drop it."""
    doubting = Matcher(full_matcher.kb, calibration=replace(full_matcher.calibration, maybe_at=1.01))
    for matcher in (full_matcher, doubting):
        result = matcher.match(PLAN_DECLINED)
        assert result.status == "fallback" and not result.candidates
        assert result.maybe is not None and result.maybe.entry_id == "moving-council"


@pytest.mark.parametrize(
    "question",
    [
        "our school in glasgow says they cant support my son without a plan",
        "we live in cardiff, can i get an ehcp for my son",
    ],
)
def test_a_message_about_another_country_gets_no_way_back(full_matcher: Matcher, question: str) -> None:
    result = full_matcher.match(question)
    assert result.status == "fallback" and result.maybe is None


def test_lowering_the_thresholds_answers_a_vague_question(kb: KnowledgeBase) -> None:
    question = "help with school"
    lenient = replace(Calibration.load().with_one_threshold(0.0), suggest_at=0.0)
    result = Matcher(kb, calibration=lenient).match(question)
    assert result.status == "answer"
    assert result.best is not None
    assert result.best.entry_id == "ehc-request-how"


def test_max_suggestions_limits_candidates(kb: KnowledgeBase) -> None:
    matcher = Matcher(kb, replace(MatchSettings(), max_suggestions=1), calibration=_never_answer(kb))
    assert len(matcher.match("the LA refused to asess my dd").candidates) == 1


def test_runners_up_need_only_the_lower_bar_to_be_suggested(kb: KnowledgeBase) -> None:
    question = "the LA refused to asess my dd"
    everyone = Matcher(kb, calibration=replace(_never_answer(kb), also_at=0.0)).match(question)
    assert 2 <= len(everyone.candidates) <= MatchSettings().max_suggestions
    best_only = Matcher(kb, calibration=replace(_never_answer(kb), also_at=1.0)).match(question)
    assert best_only.candidates == everyone.candidates[:1]


def test_explain_names_every_signal_of_the_top_candidates(full_matcher: Matcher) -> None:
    signals, features = full_matcher.explain("the LA refused to assess my son, can I appeal?")
    assert signals and signals[0].entry_id == "ehc-refused-assessment"
    assert features is not None and features.confidence == signals[0].confidence


def test_a_story_that_raises_two_things_offers_the_other_one(full_matcher: Matcher) -> None:
    result = full_matcher.match(
        "The council refused to assess my son for an EHCP last week and I want to appeal. "
        "Separately, how do we get help with transport to his school, he can't walk that far?"
    )
    assert result.status in ("answer", "suggest")
    topics = {full_matcher.kb.entries[c.entry_id].topic for c in result.also}
    assert "transport" in topics or any(
        full_matcher.kb.entries[c.entry_id].topic == "transport" for c in result.candidates
    )


def test_a_place_named_in_the_message_rules_out_the_other_councils_entries(full_matcher: Matcher) -> None:
    result = full_matcher.match(
        "worried about a lad on our street in alvaston, always out late and hungry, who do i ring"
    )
    assert all(full_matcher.kb.entries[c.entry_id].area != "derbyshire" for c in result.candidates)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("which vaccinations does my toddler need", "medical"),
        ("we live in california, is a 504 plan like an ehcp", "other-countries"),
    ],
)
def test_an_out_of_scope_kind_that_explains_more_gets_the_fallback(
    full_matcher: Matcher, question: str, topic: str
) -> None:
    result = full_matcher.match(question)
    assert (result.status, result.out_of_scope) == ("fallback", topic)


def _signal(entry_id: str, confidence: float) -> Signal:
    return Signal(entry_id, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, confidence, 0.5, 0.1)


def test_an_out_of_scope_kind_must_explain_better_than_every_top_entry_not_just_the_first() -> None:
    """Rule "best_explainer": the first entry (0.32) is beaten, but the second (0.40) is not."""
    entries = [_signal("ehc-school-permission", 0.32), _signal("school-duties-no-plan", 0.40)]
    assert not out_of_scope_explains_better(_signal("~parenting", 0.33), entries)
    assert out_of_scope_explains_better(_signal("~parenting", 0.40), entries)
    assert not out_of_scope_explains_better(None, entries)


def test_closest_phrasings_are_the_nearest_indexed_texts_best_first(full_matcher: Matcher) -> None:
    """What benchmarks/calibrate.py leaves out to ask a dev question as if it were new."""
    entry = full_matcher.kb.entries["ehc-refused-assessment"]
    phrasing = entry.questions["en"][0]
    closest = full_matcher.closest_phrasings(phrasing + ". thank you", 3)
    assert closest[0] == ("ehc-refused-assessment", phrasing)
    assert len(closest) == 3
    assert full_matcher.closest_phrasings("", 3) == []


def test_allowed_is_not_the_benefit_allowance(full_matcher: Matcher) -> None:
    """ "allowed" and "allowance" share the stem "allow": the benefits are one word each."""
    assert "allow" not in full_matcher.tokens("carers allowance and disability living allowance")
    assert full_matcher.match("the LA said no to an assessment, are they allowed to refuse").out_of_scope != (
        "benefits"
    )


def test_a_panel_is_not_the_exclusions_review_panel_unless_it_says_so(full_matcher: Matcher) -> None:
    """ "independent review panel" folds to one word, irp: a council's EHC panel is not the exclusions' panel."""
    assert full_matcher.tokens("the independent review panel met") == full_matcher.tokens("the irp met")
    assert full_matcher.rank("ehcp panel said no. appeal?")[0].entry_id != "independent-review-panel"


def test_a_transfer_review_is_a_phase_transfer(full_matcher: Matcher) -> None:
    """Parents call the review before a move of school a "transfer review"; it is not moving council."""
    assert full_matcher.tokens("transfer review") == full_matcher.tokens("phase transfer")
    assert full_matcher.rank("yr 11 transfer review deadline?")[0].entry_id.startswith("phase-transfer")


def test_the_councils_send_team_is_one_thing_whatever_parents_call_it(full_matcher: Matcher) -> None:
    """ "ehcp team", "sen section", "statutory assessment team": the council's SEND team, not its exclusions team."""
    assert full_matcher.tokens("derbyshire ehcp team email") == full_matcher.tokens("derbyshire sen section email")
    assert full_matcher.rank("derbyshire ehcp team email")[0].entry_id == "contacts-derbyshire-council-send"


def test_an_inhaler_or_an_epipen_is_a_medicine_at_school(full_matcher: Matcher) -> None:
    """Parents name the medicine ("inhaler", "epipen", "insulin"): the school's duty for pupils with
    medical conditions ranks first, not "what is an EHC plan"."""
    assert full_matcher.tokens("ds inhaler") == full_matcher.tokens("ds medicine")
    ranked = [c.entry_id for c in full_matcher.rank("school wont do ds inhaler")]
    assert ranked[0] == "medical-conditions-school"


def test_area_penalty_setting_changes_scores(kb: KnowledgeBase) -> None:
    question = "sendiass contact details please"
    no_penalty = Matcher(kb, replace(MatchSettings(), other_area_penalty=0.0))
    assert no_penalty.rank(question, "derbyshire") == no_penalty.rank(question, "derby")
    harsh = Matcher(kb, replace(MatchSettings(), other_area_penalty=0.9))
    assert harsh.match(question, "derbyshire").status == "fallback"
    assert harsh.match(question, "derby").status != "fallback"


def test_typo_cutoff_setting_controls_corrections(kb: KnowledgeBase) -> None:
    question = "LA wont asess my son"
    assert Matcher(kb).match(question).status == "answer"
    exact_only = Matcher(kb, replace(MatchSettings(), typo_cutoff=100.0))
    strict = exact_only.rank(question)
    default = Matcher(kb).rank(question)
    assert strict[0].entry_id == "ehc-refused-assessment"
    assert strict[0].score < default[0].score  # 'asess' no longer counts as 'assess'


def test_a_send_story_the_rule_would_decline_gets_choices_when_p_scope_says_send(full_matcher: Matcher) -> None:
    """Rule "best_explainer" with P(scope): the diagnosis kind explains this story better than any
    entry, but it is a question about an exclusion, so it gets choices (never an answer); a short
    message the rule fits is still declined, however SEND-like its P(scope)."""
    story = (
        "ds is 6. he was excluded for 3 days for hitting a TA in a meltdown. he has no diagnosis yet. "
        "we are on the waiting list for an autism assessment. the school never put support in place. "
        "they said it was his choice. what are my rights? can i challenge the exclusion?"
    )
    signals, features = full_matcher.explain(story)
    rejects = [s for s in signals if s.entry_id.startswith("~")]
    entries = [s for s in signals if not s.entry_id.startswith("~")]
    assert features is not None and out_of_scope_explains_better(rejects[0], entries)
    result = full_matcher.match(story)
    assert result.status == "suggest"
    assert "exclusion-rights" in [c.entry_id for c in result.candidates]
    short = full_matcher.match("what is an ALN coordinator in wales")
    assert (short.status, short.out_of_scope) == ("fallback", "other-countries")


def test_whole_phrases_finds_whole_words_only() -> None:
    """One search for safety words and place names, as whole words of the normalised text."""
    danger = whole_phrases(["self harm", "overdose"])
    assert danger.search(f" {normalise('He talks about SELF-HARM.')} ")
    assert not danger.search(f" {normalise('self harming')} ")  # a listed form of its own
    assert not danger.search(f" {normalise('no overdosed')} ")
    assert not whole_phrases([]).search(" anything at all ")


def test_an_also_button_is_among_the_whole_messages_first_entries(full_matcher: Matcher) -> None:
    # Rule "also_ranked": a sentence's own best entry is offered only when the whole message ranks
    # it among its first entries. "its now December" used to offer the appeal deadlines over Christmas.
    late = (
        "My DS is 9 and has autism, school say he is fine but at home he melts down every day after school. "
        "We asked the LA for an EHCNA in September and have heard nothing, its now December. Is that allowed?"
    )
    assert "tribunal-christmas-august" not in {c.entry_id for c in full_matcher.match(late).also}
    two_things = (
        "The council refused to assess my son for an EHCP and I want to appeal to the tribunal. "
        "Also the school keeps sending him home at lunchtime, is that allowed?"
    )
    ranked_only = Matcher(full_matcher.kb, calibration=replace(full_matcher.calibration, also_learned_at=0.0))
    also = {c.entry_id for c in ranked_only.match(two_things).also}
    assert also == {"informal-exclusion"}
    assert also <= {c.entry_id for c in full_matcher.rank(two_things)[: MatchSettings().max_suggestions]}


def test_an_also_button_needs_the_learnt_models_support(full_matcher: Matcher) -> None:
    # Rule "also_learned": where the learnt model knows the entry, it must give it at least
    # `also_learned_at`; at 0 only also_ranked decides, at 1 no entry has enough support.
    two_things = (
        "The council refused to assess my son for an EHCP and I want to appeal to the tribunal. "
        "Also the school keeps sending him home at lunchtime, is that allowed?"
    )
    kb, calibration = full_matcher.kb, full_matcher.calibration
    assert Matcher(kb, calibration=replace(calibration, also_learned_at=0.0)).match(two_things).also
    assert not Matcher(kb, calibration=replace(calibration, also_learned_at=1.0)).match(two_things).also


def test_the_learnt_model_reorders_the_first_entries(full_matcher: Matcher) -> None:
    # Rule "rerank": the ranking alone puts the annual review of an under-5 first; the model learnt
    # from parents' questions knows this is the annual review itself. With a depth of 1, or
    # without the model, the ranking's order stands.
    question = "how often does an EHCP get looked at once you have one"
    assert full_matcher.match(question).candidates[0].entry_id == "annual-review-what"
    kb = full_matcher.kb
    by_ranking = Matcher(kb, MatchSettings(rerank_depth=1)).match(question)
    assert by_ranking.candidates[0].entry_id == "annual-review-under5"
    without_model = Matcher(kb, learned=False).match(question)
    assert without_model.candidates[0].entry_id == "annual-review-under5"
