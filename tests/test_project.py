"""Project hygiene that a reviewer would otherwise check by hand: lint, types, catalogue, real data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sendbot.knowledge.loader import check_knowledge
from tests.conftest import ROOT


def test_code_is_ruff_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "sendbot", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_are_checked() -> None:
    """mypy --strict over sendbot/ (settings in pyproject.toml), so a type error fails CI."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_interface_string_is_in_the_catalogue() -> None:
    """A string added to the code must reach locales/messages.pot, or translators never see it."""
    with (ROOT / "locales" / "messages.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    in_code = {message for _, _, message, _, _ in extract_from_dir(str(ROOT / "sendbot")) if message}
    missing = in_code - template
    assert not missing, "run pybabel extract (see README): missing " + repr(sorted(map(str, missing))[:5])


def test_the_real_knowledge_base_is_valid() -> None:
    kb, problems = check_knowledge(ROOT / "knowledge")
    assert kb is not None, "\n".join(str(p) for p in problems if not p.warning)
    assert len(kb.entries) >= 150
    assert all(entry.sources for entry in kb.entries.values())


def test_every_phone_number_shown_is_in_the_research_notes() -> None:
    """Contacts must be traceable: each number we show appears in ../shared/research/contacts.md."""
    research = ROOT.parent / "shared" / "research" / "contacts.md"
    if not research.exists():  # the notes live beside the project, not inside it
        pytest.skip(f"the research notes are not beside this checkout ({research}); nothing to trace against")
    kb, _ = check_knowledge(ROOT / "knowledge")
    assert kb is not None
    notes = research.read_text(encoding="utf-8").replace(" ", "")
    for contact in kb.contacts:
        for detail in (contact.phone, contact.email):
            if detail:
                for part in detail.replace(" or ", ";").replace(",", ";").split(";"):
                    digits = part.strip().replace(" ", "")
                    if (digits and digits[0].isdigit()) or "@" in digits:
                        assert digits.split("(")[0] in notes, f"{contact.id}: {part.strip()} not in research notes"


def test_eval_files_exist() -> None:
    assert list(Path(ROOT / "tests" / "eval").glob("*.yaml"))
