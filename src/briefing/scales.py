"""The fixed vocabularies of the format: TLP markings, Admiralty grades, ICD 203 words.

Kept apart from the pydantic models so that the command line, templates and
messages can use them without importing pydantic.
"""

from __future__ import annotations

TLP_LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
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
SOURCE_KINDS = ("news", "official", "report", "social", "other")
