"""Word tables for sentence splitting: abbreviations by what they do at a sentence end, and the
word classes (sentence openers, function words, month names) the boundary rules weigh.

The short forms are the common ones of news text, after the Ukrainian and Russian standards for
abbreviated words (ДСТУ 3582:2013, ГОСТ 7.0.12-2011) and English news style (AP Stylebook titles,
addresses, months). Each is filed by what it does: it names what follows (a title, a street, a
page: never final), counts what comes before (a unit or currency after a number: final when a
capitalised word follows), closes a list ("etc.", "і т. д.": final even before a number), or is
ambiguous and decided by the next word (see sentences.py).
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


TERMINAL = ".!?…"
CLOSERS = "»\"“”'’)]}"
OPENERS = "«„“\"'‘‚([{"
DASHES = "—–-"
BULLETS = "•▪●◦‣∙⁃"

# What an abbreviation does before a capitalised word.
NONFINAL = "nonfinal"  # never ends a sentence: titles, street words, "e.g.", "стор."
FINAL = "final"  # ends a sentence when a capitalised word follows: units, currency
ENDER = "ender"  # closes a list: ends a sentence before a capital or a number ("etc.", "т. д.")
STARTER = "starter"  # ends one only when a typical sentence opener follows: "U.S.", "Inc."

_EN_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            # titles, singular and plural ("Sens. Graham and Blumenthal")
            "mr mrs ms messrs dr drs prof gen gens sen sens rep reps gov govs lt col capt sgt"
            " cpl pvt maj adm cmdr rev hon pres supt det insp amb atty msgr fr"
            # words that name or count what follows
            " mt ft vs cf approx ca dept fig figs vol pp sec ch e.g i.e viz sq"
        ),
        NONFINAL,
    ),
    **dict.fromkeys(_words("etc"), ENDER),
    **dict.fromkeys(_words("al no nos nr art"), FINAL),
    **dict.fromkeys(
        _words("inc ltd corp co bros jr sr st ave blvd rd a.d b.c"),
        STARTER,
    ),
}
_CYRILLIC_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "пл просп наб бул проф акад доц св гр тел кв мкр напр табл ст.ст т.ч т.зв сер арх ред"
            " зам оз о-в п-ов стор мал арт прибл оф корп англ нім франц фр лат італ ісп"
            " ит исп грец греч араб кит яп"
        ),
        NONFINAL,
    ),
    **dict.fromkeys(_words("млн млрд трлн дол коп обл хв сек"), FINAL),
    # "Дж." is an initial; "пр.", "ген.", "рис.", "рос." are also words: "и пр.", "новий ген"
    **dict.fromkeys(_words("дж пр ген рис рос"), STARTER),
}
_UK_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "ім вул пров смт див зокр полк підп лейт буд каб поч пол кін худ упоряд зб заст"
            " с-ще мкрн майд прим укр"
        ),
        NONFINAL,
    ),
    **dict.fromkeys(_words("тис грн рр міс год"), FINAL),
    **dict.fromkeys(_words("ін"), ENDER),
    # "див." is "see" and also "of wonders" ("диво з див")
    **dict.fromkeys(_words("див"), STARTER),
}
_RU_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words("ул пер ср ок стр гл прим т.е т.к т.н нач изд сб пгт пос дер пр-т рус"),
        NONFINAL,
    ),
    **dict.fromkeys(_words("тыс руб долл гг вв чел шт экз мес мин"), FINAL),
    # "им." names a theatre or street ("им. Вахтангова") but "им" is also a pronoun ("them")
    **dict.fromkeys(_words("им"), STARTER),
}
# Words that are abbreviations in one language can be plain words in the other ("пол", "им"),
# so uk and ru text each get their own table; any other label gets all of them. Keys are lower
# case: tables are looked up by the word as written, then in lower case.
ABBREVIATIONS_BY_LANG: dict[str, dict[str, str]] = {
    "en": {
        **_EN_ABBREVIATIONS,
        **_CYRILLIC_ABBREVIATIONS,
        **_UK_ABBREVIATIONS,
        **_RU_ABBREVIATIONS,
    },
    "uk": {**_EN_ABBREVIATIONS, **_CYRILLIC_ABBREVIATIONS, **_UK_ABBREVIATIONS},
    "ru": {**_EN_ABBREVIATIONS, **_CYRILLIC_ABBREVIATIONS, **_RU_ABBREVIATIONS},
}
ALL_ABBREVIATIONS = ABBREVIATIONS_BY_LANG["en"]

# Month abbreviations: "14 окт. 2025", "27 жовт.", "Oct. 27". After a day number they close a
# date like "р." after a year; elsewhere the next word decides.
MONTH_ABBREVIATIONS = frozenset(
    _words(
        "січ лют бер берез квіт трав черв лип серп вер верес жовт лист листоп груд"
        " янв фев февр апр июн июл авг сен сент окт нояб дек"
        " jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)
# Street words that may follow the name they type ("на Невском пр.", "Nauky Ave."), and so end a
# sentence there. "St." is left out: after a name it is usually "Saint" ("Mount St. Helens").
POSTPOSITIVE_STREET_WORDS = frozenset(_words("пр просп пл бул наб пер ул вул пров ave blvd rd"))
# Dotted short forms that close a list ("т.д.", "т.п.").
DOTTED_ENDERS = frozenset(_words("т.д т.п т.ін"))
# Currency abbreviations that take a country after them: "дол. США", "долл. США".
CURRENCY_WITH_COUNTRY = frozenset(_words("дол долл"))
# Abbreviations that close a sentence after a number or year ("2023 р.", "XX ст.", "10 a.m.")
# and otherwise name what follows ("р. Дніпро", "г. Москва", "ст. Кримінального кодексу").
DATE_WORDS = frozenset(_words("р рр г гг ст в вв a.m p.m"))
# Words counting thousands and millions: "47 млн т." is a number before a unit.
QUANTITY_WORDS = frozenset(_words("тис тыс млн млрд трлн thousand million billion"))
# Prefixes of square and cubic units: "120 кв. м.", "per sq. m."
UNIT_PREFIXES = frozenset(_words("кв куб sq cu"))
# "т. д.", "т. п.", "і т. ін."; "т. е." (Russian "that is"); "н. е." and "н. э." (Common Era)
AFTER_T_ENDER = frozenset(_words("д п ін"))
AFTER_T_FINAL = frozenset(_words("е"))
AFTER_N_FINAL = frozenset(_words("е э"))
# Lone lower-case letters that are words and may end a sentence ("він є.", "это был я.").
ONE_LETTER_WORDS = frozenset(_words("я є"))
# Number signs: "№ 5", "N°. 1026".
NUMBER_SIGNS = frozenset(_words("№ n° nº"))

# Month names (stems), for dates that open a sentence: "15 вересня 1995 р.", "в мае 2020 г.".
MONTH_STEMS = tuple(
    _words(
        "січ лют берез квіт трав черв лип серп верес жовт листопад груд"
        " январ феврал март апрел ма[йяе] июн июл август сентябр октябр ноябр декабр"
    )
)
MONTH_NAMES = frozenset(
    _words(
        "january february march april may june july august september october november december"
        " jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)
# Words that may stand before a year in a date phrase that opens a sentence.
DATE_PHRASE_WORDS = frozenset(
    _words(
        "у в з зі із від до на по о об наприкінці початку кінці середині кінця половині"
        " восени навесні влітку взимку весною літом осінню зимою"
        " во с со к около весной летом осенью зимой начале конце середине"
        " упродовж протягом впродовж течение между між"
        " in on at by since from until before after during early late mid between throughout"
    )
)

# Words that typically open a news sentence; they decide the ambiguous abbreviations.
STARTER_WORDS = frozenset(
    # en
    _words(
        "The A An It Its He She They We I You This That These Those There Here But And Or So Yet"
        " However In On At For From With After Before During When While If As Although Though"
        " Meanwhile Still Also Then His Her Their Our My Some Many Most All Both Each One Two"
        " What Who Why How Where Officials Police Authorities According Since By Did Do Does Is"
        " Are Was Were Thus Therefore Now Today Yesterday Earlier Later"
        # uk
        " Він Вона Воно Вони Ми Я Ви Це Ця Цей Ці Та Той Там Тут Тоді Але А І Й Проте Однак Втім"
        " Також Крім Після До Під На У В З Із За Від Для Про Його Її Їх Як Коли Якщо Хоча Нині"
        " Зараз Наразі Раніше Згодом Водночас Тим Окрім Серед Усі Всі Ще Вже Уже Так Ні Лише"
        " Тільки Саме Наступного Минулого Цього Того Загалом Відтак Тому Наприклад Далі Сьогодні"
        " Вчора Учора Отже"
        # ru
        " Он Она Оно Они Мы Вы Это Эта Этот Эти Тот Тогда Но И Однако Кроме Во С Со От О Об По"
        " При Ее Её Их Если Сейчас Ранее Позже Впрочем Все Всё Еще Ещё Нет Лишь Только Именно"
        " Среди Следующего Прошлого Этого Того Поэтому Затем Теперь Например Далее Сегодня Вчера"
        " Итак"
    )
)

# Words a sentence cannot end on (prepositions, conjunctions, articles): an ellipsis after one
# marks a pause inside the sentence ("на... Луганському").
FUNCTION_WORDS = frozenset(
    _words(
        "на в у з із зі до від по за про під над між для через і й та а але чи або що як"
        " с со к о об из от при без для и но или что как не ни"
        " the a an of to in on at by for from with and or but as"
    )
)

# Verbs that attribute a quotation: '"…!" Zelensky said.' keeps the quote in the sentence.
SPEECH_VERBS = frozenset(
    _words(
        "said says wrote writes told tells asked asks added adds tweeted posted shouted declared"
        " replied insisted warned stressed"
    )
)
