"""Wording a decision: the answer text with its sources, the suggestions, the honest
fallback with the helplines, small talk and contacts. Shared by the chat and `sendbot ask`;
what to say was decided once, in `sendbot.answering.decide`."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlparse

from sendbot._types import N_
from sendbot.answering.decide import Decision
from sendbot.answering.normalise import normalise
from sendbot.conversation.replies import Card, Foot, Link, Reply, plain_text
from sendbot.i18n import I18n
from sendbot.knowledge.model import NATIONAL, Contact, Entry, KnowledgeBase, SmallTalk, Source

SUGGEST_INTRO = N_("I'm not completely sure what you're asking. Did you mean one of these?")
# A story that raises several things gets choices more often than an answer (a wrong answer to it
# costs a parent more than a question back): thank them, and ask which fits.
STORY_INTRO = N_(
    "Thank you for telling me about this. Your message touches on a few things. "
    "Which of these is closest to what you need?"
)
MENU_INTRO = N_("Here are the main topics. Tell me a bit more, or pick one:")
# Beside a decline, the one entry the message may still be about (`MatchResult.maybe`).
MAYBE_LABEL = N_("Did you mean: {title}?")
FALLBACK_CARDS = 2  # one local helpline and one national: more is a wall of text on a phone
# The detail behind "More" comes a page at a time, each of whole paragraphs up to this many
# characters: a later page fits a phone's screen, and the first, under the answer, one message.
# (Sent whole, the longest detail was three Telegram messages at once, and 51 of 187 were over one.)
MORE_PAGE_CHARS = 1100
FIT_WORD_CHARS = 5  # question words this long or longer pick the helpline that fits (not "my", "the")
# Citations shortened the way lawyers and advice charities write them on a small screen.
CITE_SHORT = (
    (re.compile(r"\bsections? (?=\d)"), "s"),
    (re.compile(r"\bregulations? (?=\d)"), "reg "),
    (re.compile(r"\bparagraphs? (?=\d)"), "para "),
)


def source_link(source: Source) -> Link:
    """A source as a short named link: the Act or regulation with its section shortened
    ("Children and Families Act 2014, s36"), or the site's name for a page with no citation."""
    label = source.cite or urlparse(source.url or "").netloc.removeprefix("www.")
    for pattern, short in CITE_SHORT:
        label = pattern.sub(short, label)
    return Link(label, source.url)


def more_pages(text: str, limit: int = MORE_PAGE_CHARS) -> tuple[str, ...]:
    """``text`` in pages of whole paragraphs of at most ``limit`` characters (a longer paragraph
    is a page of its own); a lead-in ending in ':' stays with what it introduces."""
    pages: list[list[str]] = []
    size = 0
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if pages and (size + 2 + len(paragraph) <= limit or pages[-1][-1].endswith(":")):
            pages[-1].append(paragraph)
            size += 2 + len(paragraph)
        else:
            pages.append([paragraph])
            size = len(paragraph)
    return tuple("\n\n".join(page) for page in pages)


class Presenter:
    """Plain text for every kind of decision, in the parent's language."""

    def __init__(self, kb: KnowledgeBase, i18n: I18n) -> None:
        self.kb = kb
        self.i18n = i18n

    def _(self, lang: str | None) -> Callable[[str], str]:
        return self.i18n.translator(lang).gettext

    def text(self, decision: Decision, area: str | None, lang: str | None) -> str:
        """What the parent is told first, as plain text (`sendbot ask`)."""
        return self.i18n.bidi(self._text(decision, area, lang), lang)

    def _text(self, decision: Decision, area: str | None, lang: str | None) -> str:
        if decision.urgent is not None:
            return self.answer_text(decision.urgent, lang)
        if decision.smalltalk is not None:
            return self.smalltalk_text(decision.smalltalk, lang)
        if decision.kind == "answer" and decision.entry is not None:
            return self.answer_text(decision.entry, lang)
        if decision.kind == "suggest":
            titles = "\n".join(
                f"• {self.kb.entries[c.entry_id].title.get_text(lang or 'en')}" for c in decision.candidates
            )
            return self.suggest_intro(decision, lang) + "\n" + titles
        declined = plain_text(self.fallback_reply(area, lang, decision.out_of_scope, decision.question))
        if decision.maybe is None:
            return declined
        title = self.kb.entries[decision.maybe.entry_id].title.get_text(lang or "en")
        return declined + "\n\n" + self._(lang)(MAYBE_LABEL).format(title=title)

    def suggest_intro(self, decision: Decision, lang: str | None) -> str:
        """ "Did you mean" for a guess; the topic menu's own words for a short or vague message,
        and thanks for a story (`Decision.story`)."""
        intro = MENU_INTRO if decision.match.menu else STORY_INTRO if decision.story else SUGGEST_INTRO
        return self._(lang)(intro)

    def smalltalk_text(self, intent: SmallTalk, lang: str | None) -> str:
        _ = self._(lang)
        replies: dict[SmallTalk, str] = {
            "greeting": _(
                "Hello! I'm SENDbot. Ask me anything about special educational needs and "
                "disabilities (SEND) in England, such as EHC plans, annual reviews, "
                "tribunals or exclusions. Type /help to see everything I can do."
            ),
            "thanks": _(
                "You're welcome. I'm here whenever you need me. Looking after a child with "
                "SEND is hard work: you're doing a good job."
            ),
            "goodbye": _("Goodbye, and good luck. You can come back any time."),
            "help": _(
                "Ask me a question in your own words, for example: How do I ask for an EHC needs "
                "assessment? Type /help in the chat to see every command."
            ),
        }
        return replies[intent]

    def answer_text(self, entry: Entry, lang: str | None, *, with_more: bool = False) -> str:
        """The answer as plain text, with all its detail when asked, sources last as
        ``name (url)`` (`sendbot ask`)."""
        detail = entry.more.get_text(lang or "en") if with_more and entry.more else ""
        body, foot = self.answer_parts(entry, lang, detail=detail)
        return plain_text(Reply(body, foot=foot))

    def detail_pages(self, entry: Entry, lang: str | None) -> tuple[str, ...]:
        """The entry's detail ("more") as the chat shows it, a page at a time (`more_pages`)."""
        return more_pages(entry.more.get_text(lang or "en")) if entry.more else ()

    def answer_parts(self, entry: Entry, lang: str | None, *, detail: str = "") -> tuple[str, Foot]:
        """The answer's text (then ``detail``, some or all of its "more"), ending with when it
        was last checked, and its sources as short named links for the foot."""
        _ = self._(lang)
        code = lang or "en"
        parts = [entry.answer.get_text(code)]
        if detail:
            parts.append(detail)
        parts.append(
            _("Last checked {month}. General information, not advice on your case.").format(
                month=self.i18n.month(entry.reviewed, lang)
            )
        )
        return "\n\n".join(parts), self.sources(entry, lang)

    def sources(self, entry: Entry, lang: str | None) -> Foot:
        """The entry's sources as short named links, for the foot of its detail's last page."""
        return Foot(self._(lang)("Sources:"), tuple(source_link(s) for s in entry.sources))

    def fallback_reply(self, area: str | None, lang: str | None, topic: str | None = None, question: str = "") -> Reply:
        """The honest "I don't know", with at most two helplines: the chat's area first, then
        the national one that fits the question best. /contacts has the rest."""
        _ = self._(lang)
        intro = _(
            "I'm sorry, I don't know the answer to that. I can only help with special educational "
            "needs and disabilities (SEND) in England, and I would rather say so than guess. "
            "These people can help:"
        )
        if topic in self.kb.out_of_scope:
            intro = (
                self.kb.out_of_scope[topic].reply.get_text(lang or "en")
                + "\n\n"
                + _("For questions about SEND in England, these people can help:")
            )
        helplines = self.kb.contacts_for(area, helplines_only=True)
        local = self._fitting([c for c in helplines if c.area != NATIONAL], question)[:1]
        national = self._fitting([c for c in helplines if c.area == NATIONAL], question)
        picked = (local + national)[:FALLBACK_CARDS]
        more = _("Type /contacts for everyone else who can help.")
        return Reply(intro, cards=tuple(self.card(c, lang) for c in picked), foot=Foot(more, ()))

    @staticmethod
    def _fitting(contacts: list[Contact], question: str) -> list[Contact]:
        """Contacts ordered by how many of the question's longer words their name and
        description share (a question about autism puts the autism helpline first); the data's
        order breaks ties."""
        words = {w for w in normalise(question).split() if len(w) >= FIT_WORD_CHARS}

        def shared(contact: Contact) -> int:
            text = set(normalise(f"{contact.name.get_text('en')} {contact.what.get_text('en')}").split())
            return len(words & text)

        return sorted(contacts, key=shared, reverse=True)

    def card(self, contact: Contact, lang: str | None) -> Card:
        """A contact as a compact card; its website, and the page it was checked on, as links."""
        _ = self._(lang)
        code = lang or "en"
        links = []
        if contact.email:
            links.append(Link(contact.email, f"mailto:{contact.email}"))
        if contact.website:
            links.append(Link(source_link(Source(None, contact.website)).label, contact.website))
        links.append(Link(_("checked {month}").format(month=self.i18n.month(contact.checked, lang)), contact.source))
        hours = contact.hours.get_text(code) if contact.hours else None
        return Card(contact.name.get_text(code), contact.what.get_text(code), contact.phone, tuple(links), hours)

    def letter_note(self, lang: str | None) -> str | None:
        """Beside a letter, which stays in English because it goes to the council: a note in the
        parent's language saying so (None in English). For the case file's chat wiring to show
        after `case.dialogue.letter_replies`."""
        note = self.kb.letter_note(lang)
        return self.i18n.bidi(note, lang) if note else None
