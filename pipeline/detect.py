"""Language detection for newsroom text: uk, ru, en, or other:<code>.

The script decides the branch. Cyrillic text is split between Ukrainian and Russian by adding
log-odds from four independent kinds of evidence: letters only one language has (і ї є ґ and the
apostrophe versus ы э ъ ё), frequent words (word lists in pipeline/data), endings and letter
sequences that the two orthographies treat differently, and lingua's character n-gram models.
Bulgarian, Serbian, Macedonian and Belarusian are only named on letters specific to them, so real
uk/ru text never loses to them. Latin text is English unless lingua and langdetect agree it is
clearly something else; the code then comes from langdetect. Other scripts go to langdetect.

``prior`` (the enclosing paragraph's detection) only nudges text that carries little evidence.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["Detection", "detect", "detect_lines", "detect_many"]


@dataclass(frozen=True)
class Detection:
    label: str  # "uk" | "ru" | "en" | "other:<code>"
    confidence: float


UNDETERMINED = Detection("other:und", 0.0)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# Apostrophe forms newsrooms use inside Ukrainian words (м'ясо, пам’ять, ім`я).
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_CYR_WORD = re.compile(r"[а-яёіїєґўјђћџљњѓќѕ]+(?:'[а-яёіїєґ]+)*")

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_SERBIAN_MACEDONIAN = frozenset("јђћџљњѓќѕ")
_MACEDONIAN_ONLY = frozenset("ѓќѕ")
# Letters of other Cyrillic-script languages (Kazakh, Tatar, Mongolian, Tajik, ...).
_OTHER_CYRILLIC = frozenset("әғқңөұүһҳӣӯҷҗӑӗҫӳӝӟӧӱҥ")
_CYR_VOWELS = "аеиоуюяєіїыэё"

# Evidence weights are log-odds (positive = Ukrainian). Letters one language lacks are decisive;
# a handful of them outweigh any statistical model.
_LETTER_WEIGHT = 4.0
_LINGUA_WEIGHT = 0.6
_LINGUA_CLIP = 8.0
_WORD_CLIP = 4.0

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

_LATIN_CODES = (
    *("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "ro", "hu"),
    *("tr", "sv", "da", "nb", "fi", "et", "lv", "lt", "ca", "sq", "az", "id", "vi"),
)
_CYRILLIC_CODES = ("uk", "ru", "bg", "mk", "sr", "be", "kk", "mn")
# English words that are not words of the other Latin-script candidates ("in", "was", "die",
# "on", "an" are left out for that reason).
_ENGLISH_FUNCTION_WORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "to",
        "for",
        "with",
        "that",
        "this",
        "from",
        "they",
        "their",
        "which",
        "would",
        "were",
        "are",
        "has",
        "have",
        "been",
        "just",
        "like",
        "what",
        "who",
        "whose",
        "not",
        "but",
        "its",
        "there",
        "these",
        "those",
        "should",
        "could",
        "about",
        "into",
        "than",
        "then",
        "when",
        "where",
        "why",
        "how",
        "because",
        "while",
        "after",
        "before",
        "said",
        "says",
    }
)


# -- lazily built resources ----------------------------------------------------------------


@functools.cache
def _word_log_odds() -> dict[str, float]:
    """Per-word log-odds uk vs ru from the two frequency-ranked lists (Zipf: p ∝ 1/rank)."""
    ranks: dict[str, dict[str, int]] = {}
    for lang in ("uk", "ru"):
        text = (
            resources.files("pipeline")
            .joinpath(f"data/detect_words_{lang}.txt")
            .read_text(encoding="utf-8")
        )
        words = [w for w in text.splitlines() if w and not w.startswith("#")]
        ranks[lang] = {w: i + 1 for i, w in enumerate(words)}
    unseen_uk = len(ranks["uk"]) + 1
    unseen_ru = len(ranks["ru"]) + 1
    odds: dict[str, float] = {}
    for word in ranks["uk"].keys() | ranks["ru"].keys():
        rank_uk = ranks["uk"].get(word, unseen_uk)
        rank_ru = ranks["ru"].get(word, unseen_ru)
        value = math.log(rank_ru / rank_uk)
        odds[word] = max(-_WORD_CLIP, min(_WORD_CLIP, value))
    return odds


@functools.cache
def _langdetect_factory() -> Any:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


def _langdetect_probabilities(text: str) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _langdetect_factory().create()
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    return {str(item.lang): float(item.prob) for item in found}


def _lingua_languages(codes: Sequence[str]) -> list[Any]:
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]


@functools.cache
def _lingua_detector(codes: tuple[str, ...]) -> Any:
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(*_lingua_languages(codes))
    if len(codes) > len(_CYRILLIC_CODES):
        # The Latin-script candidates only decide English against the rest: trigram models
        # do that well and take a tenth of the memory of the full ones (about 700 MB).
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _lingua_confidences(codes: tuple[str, ...], texts: Sequence[str]) -> list[dict[str, float]]:
    detector = _lingua_detector(codes)
    if len(texts) > 16:
        raw = detector.compute_language_confidence_values_in_parallel(list(texts))
    else:
        raw = [detector.compute_language_confidence_values(t) for t in texts]
    return [
        {c.language.iso_code_639_1.name.lower(): float(c.value) for c in values} for values in raw
    ]


# -- evidence ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Script:
    cyrillic: int
    latin: int
    other: int

    @property
    def letters(self) -> int:
        return self.cyrillic + self.latin + self.other


def _script_counts(text: str) -> _Script:
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    letters = sum(1 for ch in text if ch.isalpha())
    return _Script(cyrillic=cyrillic, latin=latin, other=letters - cyrillic - latin)


def _cyrillic_words(text: str) -> list[str]:
    return _CYR_WORD.findall(text.lower().translate(_APOSTROPHES))


def _rule_log_odds(words: Sequence[str]) -> float:
    odds = _word_log_odds()
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


def _other_cyrillic(text: str, words: Sequence[str]) -> Detection | None:
    """Bulgarian, Serbian, Macedonian, Belarusian and non-Slavic Cyrillic on specific letters."""
    lowered = text.lower()
    if sum(1 for ch in lowered if ch in _OTHER_CYRILLIC) >= max(1, len(lowered) // 80):
        # langdetect has no profiles for these languages; lingua covers every Cyrillic one.
        probs = _lingua_confidences(_CYRILLIC_CODES, [text])[0]
        code = max(probs, key=lambda k: probs[k]) if probs else "und"
        if code not in {"uk", "ru"}:
            return Detection(f"other:{code}", round(probs.get(code, 0.5), 4))
    joined = "".join(words)
    n = max(len(joined), 1)
    specific = sum(1 for ch in joined if ch in _SERBIAN_MACEDONIAN)
    if specific >= 2 or (specific == 1 and n < 40):
        code = "mk" if any(ch in _MACEDONIAN_ONLY for ch in joined) else "sr"
        return Detection(f"other:{code}", round(min(1.0, 0.6 + 0.1 * specific), 4))
    uk_letters = sum(1 for ch in joined if ch in "їєґ")
    if "ў" in joined and "и" not in joined and uk_letters == 0:
        return Detection("other:be", round(min(1.0, 0.7 + 0.1 * joined.count("ў")), 4))
    # Bulgarian writes ъ as a vowel (път, съм, България); Russian only before е ё ю я.
    bulgarian_hard_sign = len(re.findall(r"ъ(?![еёюя])", joined))
    if bulgarian_hard_sign and not any(ch in "іїєґыэё" for ch in joined):
        codes = ("uk", "ru", "bg", "mk")
        conf = _lingua_confidences(codes, [" ".join(words)])[0]
        if conf.get("bg", 0.0) >= 0.5:
            return Detection("other:bg", round(conf["bg"], 4))
    return None


def _decide_cyrillic(
    words: Sequence[str], lingua: dict[str, float], prior: Detection | None
) -> Detection:
    letter_odds, decisive = _letter_log_odds(words)
    rule_odds = _rule_log_odds(words)
    p_uk = lingua.get("uk", 0.0) + 1e-4
    p_ru = lingua.get("ru", 0.0) + 1e-4
    lingua_odds = max(-_LINGUA_CLIP, min(_LINGUA_CLIP, math.log(p_uk / p_ru)))
    score = letter_odds + rule_odds + _LINGUA_WEIGHT * lingua_odds
    if prior is not None and prior.label in {"uk", "ru"} and not decisive:
        # A tie-breaker only: smaller than one decisive letter or one clear ending.
        bias = 1.2 * prior.confidence
        score += bias if prior.label == "uk" else -bias
    label = "uk" if score >= 0 else "ru"
    return Detection(label, round(_sigmoid(abs(score)), 4))


def _decide_latin(
    text: str, lingua: dict[str, float], letters: int, prior: Detection | None
) -> Detection:
    p_en = lingua.get("en", 0.0)
    top = max(lingua, key=lambda k: lingua[k]) if lingua else "en"
    p_top = lingua.get(top, 0.0)
    if top == "en":
        return Detection("en", round(p_en, 4))
    prior_code = prior.label.removeprefix("other:") if prior is not None else None
    has_diacritics = any(ord(ch) > 0x7F and ch.isalpha() for ch in text)
    latin_words = [w.lower() for w in _LATIN_WORD.findall(text)]
    word_count = len(latin_words)
    english = sum(1 for w in latin_words if w in _ENGLISH_FUNCTION_WORDS)
    # Words no other Latin-script language uses settle short mixed text (names, brands, terms)
    # that the trigram models give to another language.
    if english >= 2 and english * 6 >= word_count:
        return Detection("en", round(max(p_en, 0.75), 4))
    # Short plain-ASCII snippets in uk/ru/en newsrooms are mostly English names and terms;
    # one or two such words say too little to be called anything else without a prior.
    if word_count < 3 and not has_diacritics:
        if prior_code and prior_code != "en" and lingua.get(prior_code, 0.0) >= p_en:
            return Detection(f"other:{prior_code}", round(lingua[prior_code], 4))
        return Detection("en", round(max(p_en, 0.5), 4))
    needed_ratio = 1.5 if letters >= 40 else 8.0
    if prior_code == "en":
        needed_ratio *= 2.0
    if p_top < needed_ratio * max(p_en, 1e-6):
        return Detection("en", round(max(p_en, 0.5), 4))
    code = top
    if letters >= 25:
        probs = _langdetect_probabilities(text)
        best = max(probs, key=lambda k: probs[k]) if probs else None
        if best == "en" and probs[best] > 0.9:
            return Detection("en", round(probs[best], 4))
        if best is not None:
            code = best
    if prior_code and prior_code != "en" and lingua.get(prior_code, 0.0) >= 0.5 * p_top:
        code = prior_code
    return Detection(f"other:{code}", round(p_top, 4))


def _decide_other_script(text: str) -> Detection:
    probs = _langdetect_probabilities(text)
    if not probs:
        return UNDETERMINED
    code = max(probs, key=lambda k: probs[k])
    if code in {"uk", "ru", "en"}:
        return Detection(code, round(probs[code], 4))
    return Detection(f"other:{code}", round(probs[code], 4))


# -- public API ----------------------------------------------------------------------------


def detect_many(
    texts: Sequence[str],
    *,
    prior: Detection | None = None,
    priors: Sequence[Detection | None] | None = None,
) -> list[Detection]:
    """Detect each text; lingua runs once per script group, in parallel for long batches.

    ``priors`` gives each text its own prior (a sentence's paragraph); otherwise all share
    ``prior``.
    """
    if priors is None:
        priors = [prior] * len(texts)
    elif len(priors) != len(texts):
        raise ValueError("priors must give one prior per text")
    results: list[Detection | None] = [None] * len(texts)
    cyrillic: list[tuple[int, list[str]]] = []
    latin: list[tuple[int, int]] = []
    for i, text in enumerate(texts):
        script = _script_counts(text)
        if script.letters == 0:
            results[i] = UNDETERMINED
        elif script.cyrillic >= script.latin and script.cyrillic >= script.other:
            words = _cyrillic_words(text)
            found = _other_cyrillic(text, words)
            if found is not None:
                results[i] = found
            else:
                cyrillic.append((i, words))
        elif script.latin >= script.other:
            latin.append((i, script.latin))
        else:
            results[i] = _decide_other_script(text)
    if cyrillic:
        joined = [" ".join(words) for _, words in cyrillic]
        confidences = _lingua_confidences(("uk", "ru", "en"), joined)
        for (i, words), conf in zip(cyrillic, confidences, strict=True):
            results[i] = _decide_cyrillic(words, conf, priors[i])
    if latin:
        confidences = _lingua_confidences(tuple(_LATIN_CODES), [texts[i] for i, _ in latin])
        for (i, letters), conf in zip(latin, confidences, strict=True):
            results[i] = _decide_latin(texts[i], conf, letters, priors[i])
    return [r if r is not None else UNDETERMINED for r in results]


def detect(text: str, *, prior: Detection | None = None) -> Detection:
    """Label one text as uk, ru, en or other:<code>, with a confidence in [0, 1]."""
    return detect_many([text], prior=prior)[0]


def detect_lines(lines: Iterable[str], *, batch_size: int = 512) -> Iterator[Detection]:
    """Detect each line independently, batching so thousands of lines take seconds."""
    batch: list[str] = []
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= batch_size:
            yield from detect_many(batch)
            batch = []
    if batch:
        yield from detect_many(batch)
