"""What a capitalised name in an article denotes: a person, an organisation, a place or a news source.
Pure, model-free, and read from how the *article* uses each name, never from a list of known entities
(the only lists are a small gazetteer of markets/cities/countries, corporate suffixes and media words).

Evidence, per name, from every occurrence in the article:

* **organisation**: a corporate suffix in the name ("Holdings", "Corp", "Group", "Bank" ...); a place
  inside a longer name ("Taobao China", "Bank of China"); followed by "'s shares/stock/ADSs/chairman/
  board", "shares", "(NYSE: ...)", "(BABA)", "-owned/-backed", "executive(s)/sources/spokesperson",
  "said in an announcement/filing"; preceded by "agreement/deal with", "shares of", "stake in",
  "invested in".
* **person**: preceded by a title or role ("Mr", "Chairman", "CEO", "executive", "billionaire",
  "founder"); followed by an age (", 42,") or ", who"; preceded by "replacing"/"succeed(s)"; or the
  surname of such a person ("Ma" after "Jack Ma" is known). Person evidence wins over organisation
  evidence (a person may be written "Ma's shares").
* **place**: in the gazetteer (:data:`PLACES`), or used as "<X>-based".
* **news source**: a media word at the end of the name ("Post", "Times", "Reuters" ...), or preceded by
  "media outlet", "newspaper", "news agency".

:func:`attributions` finds, in one sentence, the names that are only sources of the report ("according
to X", "X cited", "X reported", "told X"), which can never be a seller or a person changing roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsextract.lexicon.companies import LEGAL_FORMS
from newsextract.text.wordindex import WordIndex

__all__ = [
    "PLACES",
    "ArticleNames",
    "attributions",
    "classify_names",
    "is_acronym",
    "is_common_word",
    "is_place",
]

PLACES = frozenset(
    [
        "hong kong",
        "new york",
        "us",
        "u.s",
        "u.s.",
        "usa",
        "united states",
        "america",
        "wall street",
        "silicon valley",
        "china",
        "mainland china",
        "shanghai",
        "shenzhen",
        "beijing",
        "hangzhou",
        "guangzhou",
        "zhejiang",
        "guangdong",
        "macau",
        "taiwan",
        "taipei",
        "singapore",
        "japan",
        "tokyo",
        "osaka",
        "korea",
        "south korea",
        "seoul",
        "india",
        "mumbai",
        "uk",
        "u.k.",
        "britain",
        "london",
        "europe",
        "asia",
        "germany",
        "berlin",
        "frankfurt",
        "france",
        "paris",
        "switzerland",
        "zurich",
        "canada",
        "toronto",
        "australia",
        "sydney",
        "dubai",
        "california",
        "san francisco",
        "chicago",
        "texas",
    ]
)
"""Markets, cities, regions and countries that news articles name as places. Lower case."""

_CORPORATE = LEGAL_FORMS | frozenset(
    [
        "bank",
        "capital",
        "partners",
        "investments",
        "investment",
        "properties",
        "fund",
        "funds",
        "securities",
        "technologies",
        "technology",
        "motors",
        "academy",
        "foundation",
        "ventures",
        "management",
        "trust",
        "industries",
        "electronics",
        "pharmaceuticals",
        "exchange",
        "commission",
        "authority",
        "ministry",
        "university",
        "insurance",
        "resources",
        "minerals",
        "mining",
        "energy",
        "materials",
        "chemical",
        "chemicals",
        "robotics",
        "biosciences",
        "bio",
        "semiconductor",
        "semiconductors",
        "logistics",
        "homes",
        "airlines",
        "systems",
        "software",
        "pharma",
        "therapeutics",
        "partnership",
    ]
)
# words that never make a name on their own: legal forms, filing words, board and department words
_GENERIC = LEGAL_FORMS | frozenset(
    [
        "partnership",
        "form",
        "forms",
        "rule",
        "schedule",
        "exhibit",
        "item",
        "section",
        "filing",
        "supervisory",
        "board",
        "management",
        "executive",
        "executives",
        "committee",
        "division",
        "department",
        "council",
        "directors",
        "director",
        "shareholders",
        "shareholder",
        "staff",
        "and",
        "of",
        "&",
    ]
)
_MEDIA = frozenset(
    [
        "news",
        "times",
        "post",
        "journal",
        "daily",
        "media",
        "herald",
        "tribune",
        "telegraph",
        "gazette",
        "reuters",
        "bloomberg",
        "cnbc",
        "cnn",
        "bbc",
        "xinhua",
        "caixin",
        "yicai",
        "weekly",
        "magazine",
        "wire",
    ]
)
_CONNECTOR_TOKENS = frozenset(["of", "and", "&", "de", "du", "der", "van", "von"])

_ORG_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:[\w-]+\s+){0,2}?"
    r"(?:(?:shares|stock|ADSs?|ADRs?|share price|stock price)(?!\s+(?:in|of)\b)|"
    r"market value|shareholders|subsidiary|unit|division|headquarters|board|employees|staff|executives?|"
    r"chairman|chairwoman|chief executive|CEO|CFO|CTO|COO|president|founder)\b"
    r"|\s+(?:shares|stock|ADSs?|ADRs?)\b(?!\s+(?:his|her|their|the|a|an|its|my)\b)"
    r"|\s+(?:executives?|officials?|sources|spokes\w+|shareholders|employees)\b"
    r"|\s*\((?:[A-Za-z]+:\s*)?[A-Z0-9.]{1,8}\s*[,;)]"
    r"|-(?:owned|backed|controlled)\b"
    r"|\s+said in (?:an?|the|its) (?:[\w-]+\s+){0,4}?(?:announcement|filing|disclosure)\b)"
)
_ORG_BEFORE = re.compile(
    r"(?:\b(?:firm|company|consultancy|supplier|maker|chipmaker|carmaker|automaker|developer|lender|brokerage|"
    r"conglomerate|utility|insurer|retailer|manufacturer|operator|producer|bank|group|startup|start-up|"
    r"fund|asset manager|outfit|rival|peer|subsidiary|affiliate|parent|unit)|"
    r"\b(?:agreement|deal|partnership|contract|joint venture|merger) with|\bshares (?:of|in)|"
    r"\bstakes? in|\bholdings? in|\binvest(?:ed|s|ing|ment)? in|\bunits? of|\bsubsidiary of|"
    r"\bspin-off of)\s+(?:the\s+)?$",
    re.I,
)
_MEDIA_BEFORE = re.compile(
    r"\b(?:media outlet|outlet|newspaper|news agency|news site|news portal|broadcaster|magazine|"
    r"publication|daily|tabloid|wire service)\s+$",
    re.I,
)
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sir)\.?|\b(?:[Cc]hairman|[Cc]hairwoman|CEO|CFO|CTO|COO|[Ff]ounder|"
    r"[Pp]resident|[Ee]xecutive|[Dd]irector|[Oo]fficer|[Bb]illionaire|[Mm]anager|[Ss]pokes(?:man|woman|person)|"
    r"[Ee]ntrepreneur|[Aa]nalyst|[Ii]nvestor|[Cc]o-founder|[Tt]reasurer|[Ss]ecretary|[Cc]ounsel|[Mm]ember)|\b(?:replac(?:e|es|ed|ing)|succeed(?:s|ed|ing)?|"
    r"in place of))\s+$"
)
_PERSON_AFTER = re.compile(
    r"^(?:,\s*\d{2},|\s*\(\d{2}\)|,\s*who\b|,\s*(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:analyst|economist|strategist|"
    r"trader|portfolio manager|fund manager|spokes(?:man|woman|person)|partner|professor|lawyer)\b)"
)
# "Austin, Texas-based": a city before its region is a place too
_PLACE_AFTER = re.compile(r"^(?:-based\b|,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?-based\b)")
_MEDIA_AFTER = re.compile(r"^\s+(?:News|Daily|Times|Post|Journal|Herald)\b")
_ATTRIBUTION = (
    re.compile(r"\b(?:according to|told|reported by|citing|cited by|quoted by)\s+(?:the\s+)?$", re.I),
    re.compile(r"^\s+(?:News\s+)?(?:cited|citing|reported|reports|quoted|quoting)\b", re.I),
)


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^\w.&-]+", name.lower()) if t]


def is_place(name: str) -> bool:
    """True when ``name`` is a gazetteer place ("Hong Kong", "the US")."""
    low = name.strip().lower().removeprefix("the ").rstrip(".")
    return low in PLACES or (low + ".") in PLACES


def is_acronym(name: str) -> bool:
    """One token with two or more capitals and no space ("SEC", "IoT", "BABA", "HKEX"): an acronym or
    ticker, never a person's name."""
    return " " not in name.strip() and sum(c.isupper() for c in name) >= 2


def _contains_place(name: str) -> bool:
    toks = _tokens(name)
    for n in (1, 2):
        for i in range(len(toks) - n + 1):
            if " ".join(toks[i : i + n]) in PLACES:
                return True
    return False


def _occurrences(text: str, name: str, index: WordIndex | None = None) -> list[tuple[int, int]]:
    """Where ``name`` occurs as a whole (no word character on either side), through ``index`` (of
    ``text``) when given: the cost is the occurrences of the name's rarest word, not a scan of the text."""
    if index is None:
        pat = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
        return [(m.start(), m.end()) for m in pat.finditer(text)]
    return [(s, s + len(name)) for s in index.find(name, bounded_start=True, bounded_end=True)]


def _written(text: str, word: str, index: WordIndex | None) -> bool:
    """True when ``word`` is written in ``text`` with no word character or hyphen on either side."""
    if index is None:
        return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None
    return bool(index.find(word, bounded_start=True, bounded_end=True, extra="-", first=True))


@dataclass(frozen=True)
class ArticleNames:
    """How one article uses its names (see the module rules). Sets hold names as written."""

    orgs: frozenset[str]
    persons: frozenset[str]
    places: frozenset[str]
    media: frozenset[str]
    common: frozenset[str] = frozenset()
    """Capitalised common words taken for names (:func:`is_common_word`): neither person nor company."""

    def is_org(self, name: str) -> bool:
        """Organisation by usage or by shape (corporate suffix, a place inside a longer name)."""
        if name in self.persons or self.is_person_token(name) or name in self.common:
            return False
        toks = _tokens(name)
        if name in self.orgs or name in self.media:
            return True
        if any(t.rstrip(".") in _CORPORATE for t in toks[1:]):
            return True
        return len(toks) > 1 and _contains_place(name) and not is_place(name)

    def is_person_token(self, name: str) -> bool:
        """True for a known person or the surname/given name of one ("Ma" of "Jack Ma")."""
        if name in self.persons:
            return True
        if " " in name:
            return False
        return any(name in p.split() for p in self.persons)

    def is_place(self, name: str) -> bool:
        return is_place(name) or name in self.places

    def looks_like_person(self, name: str) -> bool:
        """Could ``name`` be a person: not a place, organisation, news source or acronym, no "of"."""
        if name in self.common:
            return False
        if self.is_person_token(name):
            return True
        if self.is_place(name) or self.is_org(name) or name in self.media or is_acronym(name):
            return False
        toks = _tokens(name)
        return not any(t in _CONNECTOR_TOKENS for t in toks) and not any(c.isdigit() for c in name)

    def looks_like_company(self, name: str) -> bool:
        """Could ``name`` be a company: not a place, not a person, not a common word."""
        return name not in self.common and not self.is_place(name) and not self.is_person_token(name)


def classify_names(text: str, names: list[str], index: WordIndex | None = None) -> ArticleNames:
    """Classify ``names`` (as found by ``name_spans``) by how ``text`` uses each of them. Linear in the
    text and in the occurrences of the names: one :class:`WordIndex` of ``text`` (pass ``index`` to
    share one) answers where each name occurs."""
    if index is None:
        index = WordIndex(text)
    orgs: set[str] = set()
    persons: set[str] = set()
    places: set[str] = set()
    media: set[str] = set()
    for name in dict.fromkeys(names):
        toks = _tokens(name)
        if toks and toks[-1] in _MEDIA and len(toks) > 1:
            media.add(name)
        for start, end in _occurrences(text, name, index):
            after = text[end : end + 80]
            before = text[max(0, start - 40) : start]
            if _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after):
                persons.add(name)
            if _PLACE_AFTER.match(after):
                places.add(name)
            if _MEDIA_BEFORE.search(before) or _MEDIA_AFTER.match(after):
                media.add(name)
            if _ORG_AFTER.match(after) or _ORG_BEFORE.search(before):
                orgs.add(name)
    persons -= places
    # "activist investor Gamma Capital": a corporate last word outweighs a person's title before the name
    persons = {p for p in persons if not (len(_tokens(p)) > 1 and _tokens(p)[-1].rstrip(".") in _CORPORATE)}
    orgs -= persons
    common = {
        n
        for n in dict.fromkeys(names)
        if n not in persons and n not in orgs and is_common_word(text, n, index)
    }
    # a longer name holding a known organisation's name is part of it ("Alibaba Cloud")
    single = {o for o in orgs if " " not in o}
    for name in names:
        if name not in persons and " " in name and single & set(name.split()):
            orgs.add(name)
    return ArticleNames(
        frozenset(orgs), frozenset(persons), frozenset(places), frozenset(media), frozenset(common - places)
    )


# the endings of sentence adverbs ("Elsewhere,", "Meanwhile,", "Separately,", "Nevertheless,")
_ADVERB = re.compile(r"(?:where|while|ly|ever|less|over|fore|wise|wards?|theless)$")
_LINE_START = re.compile(r"(?:^|[.!?]['’\"”)]?\s+|\n)[\s*•\-–—(\"“'‘]*$")


def is_common_word(text: str, name: str, index: WordIndex | None = None) -> bool:
    """True when a capitalised ``name`` is a common word, not an entity: it is made only of legal-form,
    filing, board or department words ("Limited Partnership", "Form", "Supervisory"), or it is one
    word, not in capitals, that the article also writes in lower case ("Bankers" beside "bankers"), or
    a sentence adverb: a word ending like one that the article only writes to open a sentence, before a
    comma ("Elsewhere, ...", "Separately, ..."). A company named once to open a sentence ("Volkswagen
    appointed ...") is no common word. ``index`` (a :class:`WordIndex` of ``text``) makes each lookup
    cost the name's occurrences instead of a scan of the text."""
    toks = _tokens(name)
    if not toks:
        return False
    if all(t.rstrip(".") in _GENERIC for t in toks):
        return True
    if len(toks) > 1 or name.isupper() or any(c.isdigit() for c in name):
        return False
    low = name.lower()
    if len(name) > 1 and _written(text, name.upper(), index):
        return False  # "DAGMAR ROE SOLD ..." beside "Roe sold ...": a name a headline writes in capitals
    if _written(text, low, index):
        return True
    if not _ADVERB.search(low):
        return False
    occ = _occurrences(text, name, index)
    return bool(occ) and all(
        _LINE_START.search(text[max(0, s - 12) : s]) and text[e : e + 1] == "," for s, e in occ
    )


def attributions(sentence: str, names: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans among ``names`` (offsets into ``sentence``) that are sources of the report: "according
    to X", "told X", "X cited", "X reported"."""
    out: set[tuple[int, int]] = set()
    for start, end in names:
        if _ATTRIBUTION[0].search(sentence[max(0, start - 30) : start]) or _ATTRIBUTION[1].match(
            sentence[end : end + 20]
        ):
            out.add((start, end))
    return out
