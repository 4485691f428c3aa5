"""Site furniture inside a page's main text: lines that are the site's, not the story's.

trafilatura keeps the paragraphs of a page's main block; some of those are the
site talking, not the story. Each kind is named here, so that nothing else is
taken out of a story:

- a pointer to another story: "Read also: <headline>", "Lea también: …",
  "Lesen Sie auch: …", whose headline is a link on the page;
- a box of related links: a heading such as "Related stories" or "Weitere
  Artikel zum Thema", and the links below it; and links that end the text,
  one headline a line;
- a pitch for the site's own channels: its newsletter, app, feeds, social
  accounts or donations ("Never miss the latest news by signing up to our
  newsletter today!");
- a credit line: who took the picture or where the text came from ("Foto: Ann
  Lee / Agency", "Crédits photos : …", "Quelle: dpa").

Links are compared with `line_key` (case and spacing do not count).
"""

from __future__ import annotations

import re

from dateline.corpus.clean import line_key

# Labels that point to other stories, in the languages of the pages Dateline
# reads most: English, Spanish, French, German, Polish, Italian, Portuguese, Dutch.
_POINTER_LABELS = (
    r"read (?:also|more|next)|also read|see also|related(?: (?:articles?|stories|content|news|posts?))?"
    r"|more on this(?: story)?|don'?t miss|recommended(?: for you)?|you (?:may|might) also like"
    r"|lea (?:también|además|más)|lea|lee (?:también|además|más)|(?:le|te) puede interesar"
    r"|puede interesarte|vea (?:también|además)|vea|ver (?:también|más)|mira|mire|puedes ver"
    r"|también (?:puedes leer|te puede interesar)|noticias relacionadas|notas relacionadas"
    r"|contenido relacionado|(?:à )?lire (?:aussi|également)|(?:à )?voir aussi"
    r"|lesen sie (?:auch|hier|mehr)(?: die folgenden beiträge)?|auch lesen|mehr zum thema"
    r"|(?:zum )?weiterlesen|siehe auch|das könnte sie (?:auch )?interessieren|schon gelesen\??"
    r"|empfohlene beiträge|weitere (?:artikel|beiträge|themen|nachrichten)(?: zum thema)?|mehr themen"
    r"|czytaj (?:też|także|więcej)|czytaj|zobacz (?:też|także)|dowiedz się więcej|leggi anche"
    r"|leia (?:também|mais)|veja também|lees ook"
)
_POINTER = re.compile(rf"(?:{_POINTER_LABELS})\s*[:»>|]+\s*(?P<headline>.+)", re.IGNORECASE)
_RELATED_HEADING = re.compile(rf"(?:{_POINTER_LABELS})\s*[:.]?", re.IGNORECASE)
_DECORATION = " >-»«<"

# A pitch names the site's channels and speaks to the reader; every sentence of
# the line is one (or a word or two around one), so a story about a newsletter
# or about subscribers is not a pitch.
_PITCH = re.compile(
    r"newsletter|follow (?:us|the \w+) on|sign(?:ing)? up\b|\bsubscribe\b|download (?:the|our)\b.{0,60}\bapps?\b"
    r"|apps? for (?:ios|android)|canal de (?:telegram|youtube|whatsapp)|support (?:us|our (?:work|journalism))"
    r"|\bdonate\b|\bfolg(?:e|en sie) uns|suscr[ií]b|síguenos|únete|unterstütze|wesprzyj|zapraszamy",
    re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b(?:our|us|you|your|unser\w*|uns|sie|du|dich|dein\w*|ihr|nuestr\w*|te|tu|notre|nos|vous|zum"
    r"|here|hier|aquí|now|today|jetzt)\b|^[^.!?]*!$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MAX_PITCH_CHARS = 300
_CREDIT = re.compile(
    r"(?:fot\.|fotos?|photos?|bild(?:er)?|titelbild|cr[ée]dits? photos?|credits?|copyright|quelle|source|fuente)"
    r"\s*[:.]\s*.{1,100}", re.IGNORECASE)


def is_pointer(line: str, link_texts: set[str]) -> bool:
    """"Read also: <headline>", the headline being a link on the page."""
    match = _POINTER.fullmatch(line.strip(_DECORATION))
    return bool(match) and line_key(match.group("headline")) in link_texts


def is_pitch(line: str) -> bool:
    """A short line whose sentences are the site's pitch for its own channels."""
    sentences = [s for s in _SENTENCE_END.split(line) if s]
    return (len(line) <= MAX_PITCH_CHARS and _ADDRESS.search(line) is not None
            and any(_PITCH.search(s) for s in sentences)
            and all(_PITCH.search(s) or len(s.split()) <= 5 for s in sentences))


def is_credit(line: str) -> bool:
    return bool(_CREDIT.fullmatch(line.strip()))


def is_site_line(line: str, link_texts: set[str]) -> bool:
    """Whether a line of the main text is the site's furniture (see the module)."""
    return is_pointer(line, link_texts) or is_pitch(line) or is_credit(line)


def related_links(paragraphs: list[str], link_texts: set[str]) -> set[int]:
    """Indexes of the paragraphs that are a box of related links: a related-stories
    heading and the links right below it, and the links that end the text."""
    found: set[int] = set()
    in_box = False
    for n, paragraph in enumerate(paragraphs):
        if _RELATED_HEADING.fullmatch(paragraph.strip()):
            found.add(n)
            in_box = True
        elif in_box and line_key(paragraph) in link_texts:
            found.add(n)
        else:
            in_box = False
    end = len(paragraphs)
    while end > 1 and (end - 1 in found or line_key(paragraphs[end - 1]) in link_texts):
        end -= 1
        found.add(end)
    return found
