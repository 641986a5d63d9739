"""Free-text answers: what a trainee types, mapped to the options offered at that moment.

Offline and deterministic, in French, Dutch and English. A sentence and each option's texts
(the option's own text in the language spoken, plus the example phrasings an author gives
under `says:`) are read the same way:

- words are lower-cased, accents and punctuation dropped, elisions split ("l'autoroute" is
  "l autoroute"), then reduced to their stem (Snowball: "conduisez" and "conduire" meet);
- words that carry no meaning of their own ("le", "de", "een", "the") are left out;
- a negation ("ne ... pas", "niet", "geen", "don't", "never") marks the next few words as
  negated: "ne le laissez pas conduire" does not match "laissez-le conduire";
- a typed word that is not in an option may still match one of its words closely enough
  (rapidfuzz's ratio), for typos: "ambulanse", "takelwagn".

Each option's score mixes how much of the sentence it covers (words weighted by how rare they
are among the options of that moment: a word every option has tells nothing) with how much
of the option the sentence covers, and the similarity of their character trigrams (which
catches compounds and word forms the stemmer misses). The reading is *sure* when the best
score is high enough and clearly above the second; *unsure* when the two best are close or
the best is only fair (the trainee picks one of the two); otherwise nothing was understood.
Every score keeps the words that matched, so a reading can be explained
(`plateau understand`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

SURE = 0.42           # the best reading is taken at once from this score on...
MARGIN = 0.18         # ...when it leads the second by at least this much
MAYBE = 0.28          # from this score on, the two best readings are offered to pick from...
RATIO = 0.6           # ...unless the second is far behind (at most this share of the best): then the best is taken
FUZZY = 82            # rapidfuzz ratio from which a typed word counts as a misspelt option word
NEGATED_WORDS = 3     # how many meaningful words a negation reaches

STEMMERS = {"fr": "french", "nl": "dutch", "en": "english"}

# Words that carry no meaning of their own at a call centre (articles, pronouns, fillers).
STOPWORDS = {
    "fr": set("""a ai as au aux avec c ca ce ceci cela ces cet cette d de des du elle elles en es est et etes eu
        il ils j je l la le les leur leurs lui m ma me mes moi mon n nos notre nous on par pour qu que qui s sa se
        ses si son sont sur t ta te tes toi ton tu un une vos votre vous y oui bon bien ok alors donc euh voila hein
        madame monsieur svp stp plait merci ben bah juste peu tres tout toute tous""".split()),
    "nl": set("""aan al als bij dan dat de den der des die dit door dus een en er ge gij haar hem het hier hij hun
        ik in is je jij jou jouw ja kan me mee men mij mijn met na naar nu of om onze ook op over te tot u uw uwe van
        voor wat we wel wij zal ze zij zijn zo zou oke ok allee amai efkes even eens nog maar hoor he euh mevrouw
        meneer alstublieft aub dank dankuwel bedankt graag gewoon heel heb hebt heeft hebben had ben bent wordt werd
        word worden""".split()),
    "en": set("""a am an and are as at be been but by do does for from he her him his i if in into is it its me my
        of on or our she so that the their them then there they this to us was we were what which who will with would
        you your yes ok okay well sir madam please thanks thank just very really right now alright have has had im""".split()),
}
# Words that negate what follows. "ne"/"n" are French's first half of a negation; "pas", "plus", "jamais"
# the second; both start the reach, so "ne le laissez pas conduire" negates "laissez" and "conduire".
NEGATIONS = {
    "fr": {"ne", "n", "pas", "jamais", "aucun", "aucune", "sans", "rien", "ni", "non"},
    "nl": {"niet", "geen", "nooit", "niks", "niets", "zonder", "nee", "neen", "noch"},
    "en": {"not", "no", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "shouldnt", "mustnt", "nt",
           "without", "nothing", "nor", "isnt", "arent"},
}

# What makes an answer warm rather than curt, when two options say the same thing in two manners.
COURTESY = {
    "fr": ("svp", "stp", "s il vous plait", "s il te plait", "merci", "ne vous inquietez pas", "t inquiete", "pas de souci",
           "pas de panique", "je comprends", "je vais", "on va", "ensemble", "prenez votre temps", "rassurez",
           "d accord", "desole", "excusez"),
    "nl": ("alstublieft", "alsjeblieft", "aub", "geen zorgen", "maak u geen zorgen", "ik begrijp", "ik snap", "we gaan",
           "ik ga", "rustig", "samen", "neem uw tijd", "dank u", "dank je", "sorry", "excuseer"),
    "en": ("please", "do nt worry", "dont worry", "no worries", "i understand", "we will", "i will", "we ll", "i ll",
           "together", "take your time", "thank you", "sorry", "it s ok", "it s okay"),
}
WARM_TONES = {"reassuring", "empathetic"}
TONE_NUDGE = 0.04
CURT_WORDS = 6        # a sentence without courtesy of at most this many meaningful words sounds curt

_WORD = re.compile(r"[a-z0-9]+")
_WORD_OR_STOP = re.compile(r"[a-z0-9]+|[,.;:!?]")
_PAUSES = set(",.;:!?")


def courteous(sentence: str, lang: str) -> bool:
    padded = " " + " ".join(_WORD.findall(plain(sentence))) + " "
    return any(f" {marker} " in padded for marker in COURTESY.get(lang, ()))


def plain(text: str) -> str:
    """Lower case, no accents, elisions and hyphens split, no punctuation ('n°' is 'numero', not a negation)."""
    text = re.sub(r"\bn\s*[°º]", " numero ", text.lower())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"n['’]t\b", " nt", text).replace("’", " ").replace("'", " ")


@lru_cache(maxsize=20_000)
def _stem(word: str, lang: str) -> str:
    return _stemmer(lang).stemWord(word)


@lru_cache(maxsize=3)
def _stemmer(lang: str):
    import snowballstemmer
    return snowballstemmer.stemmer(STEMMERS.get(lang, "english"))


def terms(text: str, lang: str) -> list[str]:
    """The meaningful words of `text`, stemmed; a negated one carries a leading '¬'."""
    stop, negations = STOPWORDS.get(lang, set()), NEGATIONS.get(lang, set())
    out: list[str] = []
    reach = 0
    for word in _WORD_OR_STOP.findall(plain(text)):
        if word in _PAUSES:  # a negation ends with its clause: "ne vous inquiétez pas, un dépanneur arrive"
            reach = 0
            continue
        if word in negations:
            reach = NEGATED_WORDS
            continue
        if word in stop:
            continue
        stem = _stem(word, lang)
        out.append("¬" + stem if reach else stem)
        reach = max(0, reach - 1)
    return out


def trigrams(text: str) -> set[str]:
    padded = " " + " ".join(_WORD.findall(plain(text))) + " "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Phrase:
    """One text an option can be recognised by, read once."""

    text: str
    terms: frozenset[str]
    grams: frozenset[str]


def phrase(text: str, lang: str) -> Phrase:
    return Phrase(text, frozenset(terms(text, lang)), frozenset(trigrams(text)))


@dataclass(frozen=True)
class Reading:
    """One way of understanding the sentence: an option, its score (0-1) and the words that matched."""

    option: str
    score: float
    words: tuple[str, ...] = ()   # the sentence's words that matched (typed form)
    via: str = ""                 # the option text or phrasing that matched best


@dataclass(frozen=True)
class Understanding:
    """`kind` is "sure" (one reading), "unsure" (the two best readings, to pick from) or "none"."""

    kind: str
    readings: tuple[Reading, ...] = field(default_factory=tuple)  # every option, best first

    @property
    def best(self) -> Reading | None:
        return self.readings[0] if self.readings else None


def _fuzzy(term: str, vocabulary: Iterable[str]) -> tuple[str, float] | None:
    """The option word closest to a typed word that matched none exactly, if close enough (a typo)."""
    if len(term.lstrip("¬")) < 4:
        return None
    from rapidfuzz import fuzz, process
    negated = term.startswith("¬")
    candidates = [v for v in vocabulary if v.startswith("¬") == negated]
    found = process.extractOne(term, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY)
    return (found[0], found[1] / 100) if found else None


def understand(sentence: str, options: dict[str, list[Phrase]], lang: str,
               tones: dict[str, str] | None = None) -> Understanding:
    """Rank `options` (option id -> the phrases it is known by) for `sentence`, typed in `lang`.

    `tones` (option id -> tone) lets the manner decide between options that say the same thing: a sentence
    with a courtesy or a reassurance leans to the warm option, a short bare one to the curt."""
    typed = terms(sentence, lang)
    typed_words = _typed_words(sentence, lang)
    grams = trigrams(sentence)
    if not options:
        return Understanding("none")
    # How telling each word is among the options of this moment (a word all of them share tells nothing).
    df: dict[str, int] = {}
    for phrases in options.values():
        for word in set().union(*(p.terms for p in phrases)) if phrases else ():
            df[word] = df.get(word, 0) + 1
    n = len(options)

    def weight(word: str) -> float:
        return 1.0 + math.log((n + 1) / (df.get(word, 0) + 0.5))

    # Each typed word as it stands for an option word: itself, or the closest option word (a typo), looked for
    # in a fixed order so that a typo equally close to two words reads the same in every run.
    vocabulary: list[str] | None = None
    resolved: list[tuple[str, float]] = []
    for word in typed:
        if word in df:
            resolved.append((word, 1.0))
        else:
            vocabulary = sorted(df) if vocabulary is None else vocabulary
            near = _fuzzy(word, vocabulary)
            resolved.append(near if near else (word, 0.0))
    total = sum(weight(w) for w, _ in resolved) or 1.0
    warm = courteous(sentence, lang)
    readings = []
    for option_id, phrases in options.items():
        best, best_words, via = 0.0, (), ""
        for p in phrases:
            hits = [(i, w, m) for i, (w, m) in enumerate(resolved) if m and w in p.terms]
            covered = sum(weight(w) * m for _, w, m in hits) / total
            own = sum(weight(w) for w in p.terms) or 1.0
            found = sum(weight(w) for w in {w for _, w, _ in hits}) / own
            shared = len(grams & p.grams) / math.sqrt(len(grams) * len(p.grams)) if grams and p.grams else 0.0
            score = 0.55 * covered + 0.2 * found + 0.25 * shared
            if score > best:
                best, via = score, p.text
                best_words = tuple(dict.fromkeys(typed_words[i] for i, _, _ in hits if i < len(typed_words)))
        if tones and best:
            best += _manner(tones.get(option_id), warm, len(typed))
        readings.append(Reading(option_id, round(max(best, 0.0), 3), best_words, via))
    readings.sort(key=lambda r: (-r.score, r.option))
    first = readings[0].score
    second = readings[1].score if len(readings) > 1 else 0.0
    if first >= SURE and first - second >= MARGIN or first >= MAYBE and second <= RATIO * first:
        kind = "sure"
    elif first >= MAYBE:
        kind = "unsure"
    else:
        kind = "none"
    return Understanding(kind, tuple(readings))


def _manner(tone: str | None, warm: bool, words: int) -> float:
    """A small push towards the option whose manner the sentence has."""
    if tone == "curt":
        return -TONE_NUDGE if warm else TONE_NUDGE if words <= CURT_WORDS else 0.0
    if tone in WARM_TONES:
        return TONE_NUDGE if warm else 0.0
    return 0.0


def _typed_words(sentence: str, lang: str) -> list[str]:
    """The sentence's meaningful words as typed, one for each of `terms(sentence)`."""
    stop, negations = STOPWORDS.get(lang, set()), NEGATIONS.get(lang, set())
    return [w for w in _WORD.findall(plain(sentence)) if w not in stop and w not in negations]


@lru_cache(maxsize=4096)
def _phrase(text: str, lang: str) -> Phrase:
    return phrase(text, lang)


def offered_phrases(session, options=None) -> dict[str, list[Phrase]]:
    """What each option offered now is known by, in the language spoken to the caller: its text as it would be
    said (placeholders filled in) and the author's example phrasings."""
    lang = session.case_state.speaking
    options = session.options() if options is None else options
    context = session.context()
    return {o.id: [_phrase(o.text.render(lang, context), lang), *(_phrase(p, lang) for p in o.phrasings(lang))]
            for o in options}


def understand_now(session, sentence: str, options=None) -> Understanding:
    """`sentence`, typed at the session's current choice, read against the options offered now."""
    options = session.options() if options is None else options
    return understand(sentence, offered_phrases(session, options), session.case_state.speaking,
                      {o.id: o.tone.value for o in options})


def as_action(understanding: Understanding, sentence: str, *, pick_unsure: bool = False) -> dict:
    """The action a reading stands for: the option understood (marked as a free answer), or "unclear".
    `pick_unsure` takes the best of two close readings, as an answers file must (it cannot be asked)."""
    if understanding.kind == "sure" or (understanding.kind == "unsure" and pick_unsure):
        return {"type": "choose", "option": understanding.best.option, "said": sentence, "free": True}
    return {"type": "unclear", "said": sentence}


_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def node_phrases(scenario, case_id: str, node_id: str, lang: str) -> dict[str, list[Phrase]]:
    """Every option written at a node (whatever its condition), known by its text and phrasings in `lang`; a
    placeholder whose value depends on the call ('{{ eta }}') is left out of the text."""
    node = scenario.cases[case_id].nodes[node_id]
    out = {}
    for option in node.options:
        template = option.text.values.get(lang) or next(iter(option.text.values.values()))
        text = _PLACEHOLDER.sub(" ", template.source)
        out[option.id] = [_phrase(text, lang), *(_phrase(p, lang) for p in option.phrasings(lang))]
    return out


def find_node(scenario, node_id: str) -> str:
    """The case a node id belongs to (KeyError when no case has it)."""
    for case_id, case in scenario.cases.items():
        if node_id in case.nodes:
            return case_id
    raise KeyError(node_id)


@dataclass
class Tally:
    """How a set of typed sentences with known meanings was read."""

    sentences: int = 0
    first: int = 0        # the best reading is the one meant (a sentence meaning nothing: not understood)
    right: int = 0        # understood at once, as meant (a sentence meaning nothing: not understood)
    unsure: int = 0       # two readings offered to pick from
    wrong: int = 0        # understood at once, as something else: the worst case
    missed: int = 0       # meant an option, understood as nothing (the caller asks again)
    mistakes: list = field(default_factory=list)  # (node, meant, said, kind, best)

    def add(self, node: str, meant: str, said: str, reading: Understanding) -> None:
        self.sentences += 1
        best = reading.best.option if reading.best else None
        self.first += best == meant if meant != "nothing" else reading.kind == "none"
        if reading.kind == "sure" and meant != "nothing" and best == meant or reading.kind == "none" and meant == "nothing":
            self.right += 1
            return
        if reading.kind == "unsure":
            self.unsure += 1
        elif reading.kind == "sure":
            self.wrong += 1
        else:
            self.missed += 1
        self.mistakes.append((node, meant, said, reading.kind, best))

    def share(self, count: int) -> float:
        return count / self.sentences if self.sentences else 0.0


def read_corpus(scenario, items: list[dict], lang: str) -> Tally:
    """Read each item ({node, means, said}) against every option of its node, as `plateau understand --node`."""
    tally = Tally()
    for item in items:
        node = item["node"]
        case_id = find_node(scenario, node)
        phrases = node_phrases(scenario, case_id, node, lang)
        tones = {o.id: o.tone.value for o in scenario.cases[case_id].nodes[node].options}
        tally.add(node, item["means"], item["said"], understand(item["said"], phrases, lang, tones))
    return tally
