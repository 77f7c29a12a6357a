"""Every fixed vocabulary, in one home: TLP markings and colours, Admiralty grades, ICD 203 words,
statuses, warning kinds with what each means, the id pattern and the reserved names.

Kept apart from the pydantic models so that the command line, templates and
messages can use them without importing pydantic; the Method part of every
brief is written from these tables, so it cannot drift from what `check` accepts.
"""

from __future__ import annotations

import re

TLP_LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
TLP_COLOURS = {  # TLP 2.0: the label's text colour, always on black
    "TLP:CLEAR": "#ffffff",
    "TLP:GREEN": "#33ff00",
    "TLP:AMBER": "#ffc000",
    "TLP:AMBER+STRICT": "#ffc000",
    "TLP:RED": "#ff2b2b",
}


def tlp_class(marking: str) -> str:
    """`TLP:AMBER+STRICT` -> `tlp-amber-strict`, the CSS class of a marking; an unknown one gets `tlp-unknown`."""
    if marking not in TLP_LEVELS:
        return "tlp-unknown"
    return "tlp-" + marking[4:].lower().replace("+", "-")


def marking_rank(marking: str) -> int:
    """A marking's place in TLP order, CLEAR lowest: a cut up to a level keeps every rank at or below it."""
    return TLP_LEVELS.index(marking)

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
LIKELIHOOD = {  # ICD 203 terms, in order, with their probability ranges
    "almost-no-chance": ("almost no chance", "1-5%"),
    "very-unlikely": ("very unlikely", "5-20%"),
    "unlikely": ("unlikely", "20-45%"),
    "roughly-even-chance": ("roughly even chance", "45-55%"),
    "likely": ("likely", "55-80%"),
    "very-likely": ("very likely", "80-95%"),
    "almost-certain": ("almost certain", "95-99%"),
}
CONFIDENCE = ("low", "moderate", "high")
STATUSES = ("reported", "confirmed", "disputed", "denied", "retracted")
QUALIFIERS = ("exact", "about", "at-least", "at-most")
ROLES = ("supports", "contradicts", "context")  # what a fact does for a judgment that names it in `based_on`
OUTCOMES = ("borne-out", "not-borne-out", "indeterminate")  # how a forecast turned out
OUTCOME_WORDS = {"borne-out": "borne out", "not-borne-out": "not borne out", "indeterminate": "indeterminate"}


def likelihood_midpoint(likelihood: str) -> float:
    """The middle of a likelihood's ICD 203 range as a probability (likely, 55-80 %: 0.675), for Brier scores."""
    low, high = LIKELIHOOD[likelihood][1].rstrip("%").split("-")
    return (float(low) + float(high)) / 200
SOURCE_KINDS = ("news", "official", "report", "social", "other")
SOURCE_KIND_WORDS = {"news": "news report", "official": "official statement", "report": "report",
                     "social": "social media post", "other": "other source"}
STATUS_WORDS = ("CONFIRMED", "DISPUTED", "DENIED", "RETRACTED", "SUPERSEDED")  # how briefs show a status

# Ids of sources, facts, judgments and dossier folders: lowercase, digits and hyphens, a file name everywhere.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"  # JSON Schema's dialect: `$` is the very end there
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")  # Python's `$` also matches before a final newline: `\Z` does not
RESERVED_NAMES = frozenset({"assets", "pagefind"})  # the site's stylesheet and fonts (out/assets/), its search index (out/pagefind/)
# Device names Windows reserves in every folder: a file or folder of that name cannot be made or read there.
WINDOWS_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))})
SKIPPED_DIRS = frozenset({"archive", "templates"})  # folders of a dossier that hold no YAML of the format

# The warnings `check` gives about items, by the name `accept:` takes to silence one once it has been looked at.
WARNING_KINDS = {
    "single-weak-source": "a fact rests on one source graded E or F",
    "disagreement": "facts report figures that do not agree, contradict each other, or one is denied",
    "uncited": "a source no fact cites",
    "no-publisher": "a source without a publisher",
    "no-date": "a source without a publication date (its facts count from the day it was read)",
    "published-after-accessed": "a source published after the day it was read: almost always a typo",
    "judgment-before-fact": "a judgment dated before a fact it rests on was known",
    "status-date-before-known": "a status reached before the fact itself was known",
    "due-for-review": "a forecast whose horizon has passed without a resolution",
    "weak-basis": "a judgment rests on a fact that was later superseded, denied, disputed or retracted",
    "own-templates": "the dossier has its own templates/ folder: code that runs in every build (SECURITY.md)",
}
