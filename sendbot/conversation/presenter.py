"""Wording a decision: the answer text with its sources, the suggestions, the honest
fallback with the helplines, small talk and contacts. Shared by the chat and `sendbot ask`;
what to say was decided once, in `sendbot.answering.decide`."""

from __future__ import annotations

from collections.abc import Callable

from sendbot.answering.decide import Decision
from sendbot.i18n import I18n
from sendbot.knowledge.model import Contact, Entry, KnowledgeBase, SmallTalk


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet (translated when shown)."""
    return message


SUGGEST_INTRO = N_("I'm not completely sure what you're asking. Did you mean one of these?")


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
            return self.suggest_intro(lang) + "\n" + titles
        return self.fallback_text(area, lang, decision.out_of_scope)

    def suggest_intro(self, lang: str | None) -> str:
        return self._(lang)(SUGGEST_INTRO)

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
        _ = self.i18n.translator(lang).gettext
        code = lang or "en"
        parts = [entry.answer.get_text(code)]
        if with_more and entry.more:
            parts.append(entry.more.get_text(code))
        sources = "\n".join(f"• {source}" for source in entry.sources)
        parts.append(_("Where this comes from:") + "\n" + sources)
        parts.append(
            _("Checked: {date}. This is general information, not advice on your case.").format(
                date=self.i18n.date(entry.reviewed, lang)
            )
        )
        return "\n\n".join(parts)

    def fallback_text(self, area: str | None, lang: str | None, topic: str | None = None) -> str:
        """The honest "I don't know", with the helplines for the chat's area first."""
        _ = self.i18n.translator(lang).gettext
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
        return intro + "\n\n" + "\n\n".join(self.contact_text(c, lang) for c in helplines)

    def contact_text(self, contact: Contact, lang: str | None) -> str:
        _ = self.i18n.translator(lang).gettext
        code = lang or "en"
        lines = [f"{contact.name.get_text(code)}: {contact.what.get_text(code)}"]
        if contact.phone:
            lines.append(_("Phone: {phone}").format(phone=contact.phone))
        if contact.email:
            lines.append(_("Email: {email}").format(email=contact.email))
        if contact.website:
            lines.append(_("Website: {url}").format(url=contact.website))
        if contact.hours:
            lines.append(_("Hours: {hours}").format(hours=contact.hours.get_text(code)))
        lines.append(
            _("Checked {date} against {source}").format(
                date=self.i18n.date(contact.checked, lang), source=contact.source
            )
        )
        return "\n".join(lines)

    def letter_note(self, lang: str | None) -> str | None:
        """Beside a letter, which stays in English because it goes to the council: a note in the
        parent's language saying so (None in English). For the case file's chat wiring to show
        after `case.dialogue.letter_replies`."""
        note = self.kb.letter_note(lang)
        return self.i18n.bidi(note, lang) if note else None
