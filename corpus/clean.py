"""Text cleaning shared by the readers: Unicode, whitespace, boilerplate, captions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")

# Lines that are site furniture, not journalism. Matched against a whole
# (stripped) line, case-insensitively; kept short so a sentence that merely
# mentions subscribing is not mistaken for a pitch.
BOILERPLATE_PATTERNS = [
    r"skip to (main )?content",
    r"(main )?menu|navigation|search|home|close|share( this)?( article)?|print|email",
    r"subscribe( now| today)?|sign up|sign in|log ?in|register",
    r"(subscribe|sign up) (to|for) (our|the) .{0,60}newsletters?.*",
    r"only \$?\d+([.,]\d+)? (per|a) (year|month|week)\.?",
    r"access the .{0,80} you can trust\.?",
    r"join our community of .{0,160}",
    r"read more:?.{0,120}|related( articles| stories)?:?|see also:?.{0,80}",
    r"(we use )?cookies?.{0,160}(accept|consent|policy).{0,80}",
    r"accept( all)?( cookies)?|reject all|manage (cookies|preferences)",
    r"(share|follow us) on (facebook|twitter|x|linkedin|whatsapp).{0,40}",
    r"advertisement|sponsored( content)?",
    # Copyright furniture, not a line that begins with the word ("Copyright lawyers
    # say…"): "© 2025 Harbour Times", "Copyright 2025 …", "(c) …", "Copyright Example
    # News." (capitalized words and a full stop), any short line with "all rights reserved".
    r"(copyright\s*)?(©|\(c\)).{0,120}",
    r"copyright\s+(©\s*)?\d{4}\b.{0,120}",
    r"copyright\s+(?-i:[A-Z][\w&'’.-]*(\s+[A-Z&][\w&'’.-]*){0,4})\.",
    r".{0,100}all rights reserved\.?.{0,60}",
]
_BOILERPLATE = re.compile(r"^(?:" + "|".join(BOILERPLATE_PATTERNS) + r")$", re.IGNORECASE)

# A wire photo caption: "... REUTERS/Jane Doe (KENYA - Tags: BUSINESS) - RTR8KQ41"
_CAPTION_CREDIT = re.compile(
    r"\b(?P<agency>REUTERS|AFP|AP|EPA|GETTY IMAGES|ANADOLU)\s*/\s*(?P<photographer>[^()\n]{2,60}?)\s*"
    r"(?:\((?P<where>[^()]*?)-\s*Tags:\s*(?P<tags>[^()]*)\))?\s*(?:-\s*(?P<picture>[A-Z]{2,5}[A-Z0-9]{3,8}))?\s*$"
)

AGENCY_NAMES = {
    "REUTERS": "Reuters",
    "AFP": "AFP",
    "AP": "AP",
    "EPA": "EPA",
    "GETTY IMAGES": "Getty Images",
    "ANADOLU": "Anadolu",
}


def tidy_line(line: str) -> str:
    return _INLINE_SPACE.sub(" ", unicodedata.normalize("NFC", line)).strip()


def tidy_text(text: str) -> str:
    """NFC, spaces folded within lines, at most one blank line between paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = tidy_line(raw)
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def line_key(line: str) -> str:
    """A line as compared across pages: case and spacing do not count."""
    return " ".join(line.casefold().split())


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(line.strip()))


@dataclass(frozen=True)
class Caption:
    text: str
    agency: str
    photographer: str
    tags: tuple[str, ...]
    picture_id: str | None


def parse_caption(line: str) -> Caption | None:
    """Recognize a wire photo caption by its credit; None for ordinary text."""
    match = _CAPTION_CREDIT.search(line)
    if not match:
        return None
    tags = tuple(
        t.title() for t in re.split(r"[\s,;]+", match.group("tags") or "") if t
    )
    return Caption(
        text=line,
        agency=AGENCY_NAMES[match.group("agency").upper()],
        photographer=match.group("photographer").strip(),
        tags=tags,
        picture_id=match.group("picture"),
    )
