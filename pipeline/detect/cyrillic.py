"""Cyrillic text: Ukrainian against Russian, and the other Cyrillic-script languages.

Ukrainian and Russian are told apart by adding log-odds from four independent kinds of evidence:
letters only one language has (і ї є ґ and the apostrophe versus ы э ъ ё), frequent words (word
lists in pipeline/data), endings and letter sequences that the two orthographies treat
differently, and lingua's character n-gram models.

Belarusian, Bulgarian, Macedonian and Serbian are considered only where the text's letters allow
them (each alphabet lacks letters the others use: Belarusian has no и щ ъ, Bulgarian no ы э ё і,
Macedonian and Serbian no й щ ъ ь ю я; Belarusian text has both і and one of ы э ё) and the
text is long enough to carry evidence (3 words, 20 letters); lingua
then decides among the allowed languages with its full models. Letters that only one of them has
(ў, ј љ њ џ, ћ ђ, ѓ ќ ѕ) name it outright. Real uk/ru text almost never passes these filters,
which keeps the newsroom's closed world: short or ambiguous text is uk or ru.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.detect.resources import lingua_confidences, word_log_odds

__all__ = ["CyrillicText", "decide_cyrillic", "other_cyrillic"]

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_CYR_WORD = re.compile(r"[а-яёіїєґўјђћџљњѓќѕ]+(?:'[а-яёіїєґ]+)*", re.IGNORECASE)

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_SERBIAN_MACEDONIAN = frozenset("јђћџљњѓќѕ")
_MACEDONIAN_ONLY = frozenset("ѓќѕ")
# Letters of other Cyrillic-script languages (Kazakh, Tatar, Mongolian, Tajik, ...).
_OTHER_CYRILLIC = frozenset("әғқңөұүһҳӣӯҷҗӑӗҫӳӝӟӧӱҥ")
# Letters each alphabet does not have (standard orthographies): one of them in the text rules
# the language out.
_LACKS: dict[str, frozenset[str]] = {
    "be": frozenset("ищъїєґ"),
    "bg": frozenset("ыэёіїєґў"),
    "mk": frozenset("йщъьюяыэёіїєґў"),
    "sr": frozenset("йщъьюяыэёіїєґўѓќѕ"),
}
_CYRILLIC_CODES = ("uk", "ru", "be", "bg", "mk", "sr")
# Enough text for lingua's verdict on a language the newsroom does not publish in.
_OTHER_MIN_LETTERS = 20
_OTHER_MIN_WORDS = 3
# lingua's share for the other language against uk+ru: without and with a uk/ru context.
_OTHER_SHARE = 0.6
_STRICT_SHARE = 0.9
_BELARUSIAN_WITHOUT_RU_LETTERS = 0.97

# Evidence weights are log-odds (positive = Ukrainian). Letters one language lacks are decisive;
# a handful of them outweigh any statistical model.
_LETTER_WEIGHT = 4.0
_LINGUA_WEIGHT = 0.6
_LINGUA_CLIP = 8.0

# (pattern over one lowercased word, log-odds). These follow from the two spelling systems:
# Ukrainian writes є/ї/'я where Russian writes vowel+е/и/я, keeps -ськ- where Russian has -ск-,
# doubles consonants in -ння/-ття, has past tense -в/-вся/-лася where Russian has -л/-лся/-лась,
# adjectives in -ий where Russian has -ый, infinitives in -ти/-тися where Russian has -ть/-ться.
_WORD_RULES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), weight)
    for pattern, weight in (
        (r"[сцз]ьк", 2.0),
        (r"ьо", 2.0),
        (r"(нн|тт|лл|сс|чч|жж|дд|зз|цц|шш)(я|ю|ям|ями|ях)$", 2.0),
        (r"вся$", 2.0),
        (r"л[аои]ся$", 2.0),
        (r"тися$", 2.0),
        (r"ти$", 0.7),
        (r"[аиу]в$", 0.8),
        (r"ою$", 0.8),
        (r"[бвдзлмпрсф]ий$", 1.5),
        (r"ний$", 0.6),
        (r"ього$", 1.5),
        (r"[еи]ш$", 1.0),
        (r"дж", 0.6),
        (r"ць", 2.0),
        (r"ють$", 1.5),
        (r"уть$", 0.5),
        (r"[бпвфр]и$", 0.7),
        (r"и[аеиоую]", -1.5),
        (r"(?<!^в)ия", -1.5),
        (r"[аоуюя]е$", -1.2),
        (r"[аяеу]е(т|м|шь|те)$", -1.2),
        (r"^и.", -1.5),
        (r"чт", -1.5),
        (r"ец$", -1.5),
        (r"ость$|остью$", -2.0),
        (r"(?<!р)ости$", -1.5),
        (r"цк", -1.2),
        (r"ск(ий|ая|ое|ого|ому|им|их|ими|ой|ую)$", -1.5),
        (r"ов$", -0.5),
        (r"ул$", -1.0),
        (r"[иея]л$", -0.6),
        (r"[ая]я$", -1.5),
        (r"[уюо]ю$", -0.8),
        (r"ой$", -0.7),
        (r"еть$", -1.0),
        (r"[жшчщ]ь", -2.0),
        (r"[бпвмф]ь", -2.0),
        (r"(^|[аеиоуюяієї])[бпвмф][яюё]", -1.5),
        (r"рь(?!о)", -1.5),
        (r"тесь$", -1.0),
        (r"лся$", -2.0),
        (r"л[аои]сь$", -1.0),
        (r"его$", -1.0),
        (r"[^о]ит$", -0.6),
        (r"[юу]т$", -0.6),
    )
)


@dataclass(frozen=True)
class CyrillicText:
    """A text's Cyrillic words, lowercased, and which of them look like proper names."""

    words: tuple[str, ...]
    names: tuple[bool, ...]

    @classmethod
    def of(cls, text: str) -> CyrillicText:
        found = _CYR_WORD.findall(text.translate(_APOSTROPHES))
        names = tuple(i > 0 and w[0].isupper() and not w.isupper() for i, w in enumerate(found))
        return cls(tuple(w.lower() for w in found), names)

    @property
    def joined(self) -> str:
        return " ".join(self.words)


def _rule_log_odds(words: Sequence[str]) -> float:
    odds = word_log_odds()
    total = 0.0
    for word in words:
        total += odds.get(word, 0.0)
        if len(word) < 3:
            continue
        for pattern, weight in _WORD_RULES:
            if pattern.search(word):
                total += weight
    return total


def _letter_log_odds(words: Sequence[str]) -> tuple[float, int]:
    """Log-odds from uk-only and ru-only letters, and how many such letters were seen."""
    uk = ru = 0
    for word in words:
        uk += sum(1 for ch in word if ch in _UK_LETTERS) + word.count("'")
        ru += sum(1 for ch in word if ch in _RU_LETTERS)
    return _LETTER_WEIGHT * (uk - ru), uk + ru


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _specific(text: str, words: Sequence[str]) -> tuple[str, float] | None:
    """Another Cyrillic language named by letters only it has: (code, confidence)."""
    lowered = text.lower()
    if sum(1 for ch in lowered if ch in _OTHER_CYRILLIC) >= max(1, len(lowered) // 80):
        # langdetect has no profiles for these languages; lingua covers every Cyrillic one.
        codes = ("uk", "ru", "bg", "mk", "sr", "be", "kk", "mn")
        probs = lingua_confidences(codes, [text])[0]
        code = max(probs, key=lambda k: probs[k]) if probs else "und"
        if code not in {"uk", "ru"}:
            return code, probs.get(code, 0.5)
    joined = "".join(words)
    n = max(len(joined), 1)
    specific = sum(1 for ch in joined if ch in _SERBIAN_MACEDONIAN)
    if specific >= 2 or (specific == 1 and n < 40):
        code = "mk" if any(ch in _MACEDONIAN_ONLY for ch in joined) else "sr"
        return code, min(1.0, 0.6 + 0.1 * specific)
    uk_letters = sum(1 for ch in joined if ch in "їєґ")
    if "ў" in joined and "и" not in joined and uk_letters == 0:
        return "be", min(1.0, 0.7 + 0.1 * joined.count("ў"))
    return None


def _allowed_others(cyr: CyrillicText) -> tuple[str, ...]:
    """Other Cyrillic languages whose alphabet has every letter of the text's common words."""
    letters = set("".join(w for w, name in zip(cyr.words, cyr.names, strict=True) if not name))
    allowed = [code for code, lacks in _LACKS.items() if not letters & lacks]
    if "be" in allowed and "і" not in letters:
        allowed.remove("be")  # Belarusian writes і where Russian writes и
    return tuple(allowed)


def _needed_share(code: str, cyr: CyrillicText, strict: bool) -> float:
    """How sure lingua must be of another Cyrillic language. Belarusian writes ы э ё where
    Ukrainian has и е; text with і and none of those could be Ukrainian that lacks и."""
    base = _STRICT_SHARE if strict else _OTHER_SHARE
    if code == "be" and not set("".join(cyr.words)) & _RU_LETTERS:
        return max(base, _BELARUSIAN_WITHOUT_RU_LETTERS)
    return base


def other_cyrillic(
    texts: Sequence[str], cyrs: Sequence[CyrillicText], strict: Sequence[bool]
) -> list[tuple[str, float] | None]:
    """(code, confidence) for each text in a Cyrillic language other than uk/ru, else None.

    strict: the text sits in a uk/ru context (a declared language, the article's or paragraph's
    label), so lingua must be surer.
    """
    found: list[tuple[str, float] | None] = [None] * len(texts)
    pending: list[tuple[int, tuple[str, ...]]] = []
    for i, (text, cyr) in enumerate(zip(texts, cyrs, strict=True)):
        named = _specific(text, cyr.words)
        if named is not None:
            found[i] = named
            continue
        if len(cyr.words) < _OTHER_MIN_WORDS or len("".join(cyr.words)) < _OTHER_MIN_LETTERS:
            continue
        allowed = _allowed_others(cyr)
        if allowed:
            pending.append((i, allowed))
    if pending:
        confidences = lingua_confidences(_CYRILLIC_CODES, [cyrs[i].joined for i, _ in pending])
        for (i, allowed), conf in zip(pending, confidences, strict=True):
            code = max(allowed, key=lambda c: conf.get(c, 0.0))
            rivals = conf.get("uk", 0.0) + conf.get("ru", 0.0)
            share = conf.get(code, 0.0) / max(conf.get(code, 0.0) + rivals, 1e-9)
            if share >= _needed_share(code, cyrs[i], strict[i]):
                found[i] = (code, share)
    return found


def decide_cyrillic(
    words: Sequence[str], lingua: dict[str, float], prior: tuple[str, float] | None
) -> tuple[str, float]:
    """uk or ru, with a confidence in [0.5, 1]; prior (label, confidence) breaks ties only."""
    letter_odds, decisive = _letter_log_odds(words)
    rule_odds = _rule_log_odds(words)
    p_uk = lingua.get("uk", 0.0) + 1e-4
    p_ru = lingua.get("ru", 0.0) + 1e-4
    lingua_odds = max(-_LINGUA_CLIP, min(_LINGUA_CLIP, math.log(p_uk / p_ru)))
    score = letter_odds + rule_odds + _LINGUA_WEIGHT * lingua_odds
    if prior is not None and prior[0] in {"uk", "ru"} and not decisive:
        # A tie-breaker only: smaller than one decisive letter or one clear ending.
        bias = 1.2 * prior[1]
        score += bias if prior[0] == "uk" else -bias
    label = "uk" if score >= 0 else "ru"
    return label, _sigmoid(abs(score))
