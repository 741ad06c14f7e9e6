"""Month names of Ukrainian, Russian and English in every case form, written once: the date
rules of the numbers check (pipeline.checks.dates) and the dateline reader of ingest use them.

Sources: Unicode CLDR (cldr.unicode.org, common/main/{uk,ru,en}.xml, ``months``): the
stand-alone wide forms are the nominatives ("січень", "январь", "January"), the format wide forms
the genitives used after a day ("25 січня", "25 января"), the abbreviated forms the short ones
("січ.", "янв.", "Jan"). The other case forms ("у січні", "січнем", "в январе", "январём") follow
the declension of these nouns: Ukrainian second declension (soft group, and "лютий" declined as
an adjective), Russian second declension (Зализняк, «Грамматический словарь русского языка»,
types 1a, 2b and 6a); English names don't decline.
"""

from __future__ import annotations

__all__ = ["ABBREVIATIONS", "MONTHS", "month_forms", "month_number"]

# month → language → every full case form (nominative, genitive, dative, instrumental, locative;
# the accusative equals the nominative).
MONTHS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "uk": ("січень", "січня", "січню", "січнем", "січні"),
        "ru": ("январь", "января", "январю", "январём", "январем", "январе"),
        "en": ("January",),
    },
    2: {
        "uk": ("лютий", "лютого", "лютому", "лютим", "лютім"),
        "ru": ("февраль", "февраля", "февралю", "февралём", "февралем", "феврале"),
        "en": ("February",),
    },
    3: {
        "uk": ("березень", "березня", "березню", "березнем", "березні"),
        "ru": ("март", "марта", "марту", "мартом", "марте"),
        "en": ("March",),
    },
    4: {
        "uk": ("квітень", "квітня", "квітню", "квітнем", "квітні"),
        "ru": ("апрель", "апреля", "апрелю", "апрелем", "апреле"),
        "en": ("April",),
    },
    5: {
        "uk": ("травень", "травня", "травню", "травнем", "травні"),
        "ru": ("май", "мая", "маю", "маем", "мае"),
        "en": ("May",),
    },
    6: {
        "uk": ("червень", "червня", "червню", "червнем", "червні"),
        "ru": ("июнь", "июня", "июню", "июнем", "июне"),
        "en": ("June",),
    },
    7: {
        "uk": ("липень", "липня", "липню", "липнем", "липні"),
        "ru": ("июль", "июля", "июлю", "июлем", "июле"),
        "en": ("July",),
    },
    8: {
        "uk": ("серпень", "серпня", "серпню", "серпнем", "серпні"),
        "ru": ("август", "августа", "августу", "августом", "августе"),
        "en": ("August",),
    },
    9: {
        "uk": ("вересень", "вересня", "вересню", "вереснем", "вересні"),
        "ru": ("сентябрь", "сентября", "сентябрю", "сентябрём", "сентябрем", "сентябре"),
        "en": ("September",),
    },
    10: {
        "uk": ("жовтень", "жовтня", "жовтню", "жовтнем", "жовтні"),
        "ru": ("октябрь", "октября", "октябрю", "октябрём", "октябрем", "октябре"),
        "en": ("October",),
    },
    11: {
        "uk": ("листопад", "листопада", "листопаду", "листопадом", "листопаді"),
        "ru": ("ноябрь", "ноября", "ноябрю", "ноябрём", "ноябрем", "ноябре"),
        "en": ("November",),
    },
    12: {
        "uk": ("грудень", "грудня", "грудню", "груднем", "грудні"),
        "ru": ("декабрь", "декабря", "декабрю", "декабрём", "декабрем", "декабре"),
        "en": ("December",),
    },
}

# Short forms, read only next to a day or a year (alone, "лип." or "Mar" are too often other
# words). Cyrillic ones need their dot; English ones may have one.
ABBREVIATIONS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"uk": ("січ.",), "ru": ("янв.",), "en": ("Jan",)},
    2: {"uk": ("лют.",), "ru": ("февр.", "фев."), "en": ("Feb",)},
    3: {"uk": ("бер.", "берез."), "ru": ("мар.",), "en": ("Mar",)},
    4: {"uk": ("квіт.",), "ru": ("апр.",), "en": ("Apr",)},
    5: {"uk": ("трав.",), "ru": (), "en": ()},
    6: {"uk": ("черв.",), "ru": ("июн.",), "en": ("Jun",)},
    7: {"uk": ("лип.",), "ru": ("июл.",), "en": ("Jul",)},
    8: {"uk": ("серп.",), "ru": ("авг.",), "en": ("Aug",)},
    9: {"uk": ("вер.", "верес."), "ru": ("сент.", "сен."), "en": ("Sep", "Sept")},
    10: {"uk": ("жовт.",), "ru": ("окт.",), "en": ("Oct",)},
    11: {"uk": ("лист.", "листоп."), "ru": ("нояб.", "ноя."), "en": ("Nov",)},
    12: {"uk": ("груд.",), "ru": ("дек.",), "en": ("Dec",)},
}


def month_number(word: str) -> int | None:
    """The month (1-12) a full or abbreviated month name in any case form names, else None."""
    word = word.lower()
    return _FORMS.get(word) or _FORMS.get(word.rstrip("."))


def month_forms() -> dict[str, int]:
    """Every full and short form, lower-cased, with and without its dot → month (1-12)."""
    forms: dict[str, int] = {}
    for table in (MONTHS, ABBREVIATIONS):
        for month, by_lang in table.items():
            for words in by_lang.values():
                for word in words:
                    forms[word.lower()] = month
                    forms[word.lower().rstrip(".")] = month
    return forms


_FORMS = month_forms()
