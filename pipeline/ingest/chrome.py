"""Rules that tell a site's chrome from a story, in Ukrainian, Russian and English.

Shared by the text-dump cleaner and the HTML reader's dropped-text report. Each rule looks at
one line; the cleaner adds position (before the headline, after the end of the story).
"""

from __future__ import annotations

import functools
import re

from pipeline.ingest.common import word_set

# Words that carry no topic; real prose is dense with them, menus and link lists are not.
STOP_WORDS = word_set(
    """
    і й та в у на з із зі до за як що це від про його її їх але а ж же чи не ні вже ще для
    при по після під над між через також так бо який яка яке які був була було були є буде
    він вона воно вони ми ви я ти свій своє своїх цей ця ці той та те тому коли де щоб якщо
    и в во на с со к ко за как что это от о об его ее их но а же ли не ни уже еще для при
    по после под над между через также так который которая которое которые был была было
    были есть будет он она оно они мы вы я ты свой этот эта эти тот та те поэтому когда где
    чтобы если
    the a an of and to in is are was were be been for on with as by at it its from that this
    these those has have had not but or he she they we you i his her their which who will
    would can could said says also after before into than then there about
    """
)

LANG_TOKENS = word_set(
    """
    укр укр. українська українською україн рус рус. русский русская русском по-русски
    eng eng. english en ua ru uk рус/укр de pl fr es deutsch polski
    """
)

SECTION_WORDS = word_set(
    """
    новини політика економіка суспільство світ культура спорт наука технології здоров'я
    здоровʼя думки думка відео фото війна регіони бізнес аналітика інтерв'ю інтервʼю блоги
    київ україна життя освіта головна статті колонки подкасти спецпроєкти спецпроекти
    кліматичні розслідування новости политика экономика общество мир культура спорт наука
    технологии здоровье мнения мнение видео фото война регионы бизнес аналитика интервью
    блоги киев украина жизнь образование главная статьи колонки подкасты спецпроекты
    расследования news politics economy business world culture sport sports society science
    tech technology opinion opinions video videos photo photos health life lifestyle war
    ukraine regions analysis interviews blogs kyiv home features podcasts investigations
    travel finance markets climate entertainment environment more все всі всё меню menu
    all sections section розділи рубрики разделы рубрика розділ раздел
    """
)

_SEPARATORS = re.compile(r"\s*(?:\||·|•|/|\\|»|›|>|→|::|\s{2,}|\t)\s*")
_TERMINAL = re.compile(r"[.!?…:;»”\"')]\s*$")
_SENTENCE_END = re.compile(r"[.!?…]\s*[»”\"')]?\s*$")


def has_letters(line: str) -> bool:
    return any(ch.isalpha() for ch in line)


def looks_like_menu_row(line: str) -> bool:
    """Three or more capitalised words, no stop word, no sentence end: a row of links."""
    found = words(line)
    return (
        len(found) >= 3
        and all(w[:1].isupper() or w[:1].isdigit() for w in found)
        and not any(w.lower() in STOP_WORDS for w in found)
        and not ends_like_sentence(line)
    )


_WORD = re.compile(r"[^\W_]+(?:['ʼ’\-][^\W_]+)*")


@functools.lru_cache(maxsize=65536)
def _words(line: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(line))


def words(line: str) -> list[str]:
    # Every rule asks for the words of the same lines; the cache keeps a long page fast.
    return list(_words(line))


def stop_word_density(line: str) -> float:
    found = words(line)
    if not found:
        return 0.0
    return sum(1 for w in found if w.lower() in STOP_WORDS) / len(found)


@functools.cache
def _justext_stop_words() -> frozenset[str]:
    """jusText's stop-word lists for Ukrainian, Russian and English (thousands of words each
    for uk and ru, built from Wikipedia by its authors); our short list when it is missing."""
    try:
        import justext
    except ImportError:
        return STOP_WORDS
    found: set[str] = set()
    for language in ("Ukrainian", "Russian", "English"):
        found.update(w.lower() for w in justext.get_stoplist(language))
    return frozenset(found) | STOP_WORDS


def prose_density(line: str) -> float:
    """Share of a line's words that are stop words by jusText's lists: prose has about a
    third and more (jusText's own thresholds are 0.30-0.32), headlines and menus much less."""
    found = words(line)
    if not found:
        return 0.0
    stop = _justext_stop_words()
    return sum(1 for w in found if w.lower() in stop) / len(found)


def ends_like_sentence(line: str) -> bool:
    # The end alone: a long line stays cheap.
    return bool(_SENTENCE_END.search(line[-12:]))


@functools.lru_cache(maxsize=65536)
def key_of(line: str) -> str:
    """Case- and punctuation-insensitive form of a line, to compare markers and repeats."""
    return " ".join(w.lower() for w in words(line))


def _tokens(line: str) -> list[str]:
    return [t for t in _SEPARATORS.split(line.strip()) if t]


def is_lang_switcher(line: str) -> bool:
    parts = [p.lower().strip(".:") for p in re.split(r"[\s|/·•,]+", line.strip()) if p.strip()]
    return len(parts) >= 2 and all(p in LANG_TOKENS for p in parts)


def is_menu(line: str, *, strict: bool = False) -> bool:
    """A row of short capitalised items: a section menu or a breadcrumb trail."""
    stripped = line.strip()
    if not stripped or _SENTENCE_END.search(stripped) or len(stripped) > 200:
        return False
    items = _tokens(stripped)
    separated = len(items) >= 3
    if not separated:
        items = stripped.split()
    if len(items) < 3:
        return False
    if not all(item[:1].isupper() or item[:1].isdigit() for item in items):
        return False
    item_words = [w.lower() for item in items for w in words(item)]
    if not item_words or any(w in STOP_WORDS for w in item_words):
        return False
    known = sum(1 for w in item_words if w in SECTION_WORDS) / len(item_words)
    if separated:
        return known >= 0.3 or not strict
    # No separators: only a menu when most words are section names (a title-case headline
    # would otherwise look the same).
    return known >= 0.5


def is_breadcrumb(line: str) -> bool:
    stripped = line.strip()
    parts = re.split(r"\s+(?:/|>|»|›|→)\s+", stripped)
    return (
        len(parts) >= 2
        and len(stripped) <= 150
        and not _SENTENCE_END.search(stripped)
        and words(parts[0])[:1] != []
        and key_of(parts[0]) in {"головна", "главная", "home", "новини", "новости", "news"}
    )


def _starts_with(line: str, phrases: frozenset[str]) -> str | None:
    key = key_of(line)
    for phrase in phrases:
        if key == phrase or key.startswith(phrase + " "):
            return phrase
    return None


# Appeals to the reader: chrome even when written as a sentence.
SUPPORT = word_set(
    """
    підтримати|підтримайте|підтримай нас|підтримати нас|підтримайте нас|поддержать|поддержите
    |поддержи нас|поддержать нас|support us|support our|donate|become a member|become a patron
    |підписатися|підпишіться|підписуйтесь|підписуйтеся|подписаться|подпишитесь
    |подписывайтесь|subscribe|sign up|стежте за нами|следите за нами|follow us|читайте нас
    |приєднуйтесь|приєднуйтеся|присоединяйтесь|join us|завантажити додаток
    |скачать приложение|download the app|download our app
    """.replace("\n", ""),
    "|",
)
# Buttons and widgets: chrome only as a short line that is not a sentence.
WIDGETS = word_set(
    """
    newsletter|розсилка|рассылка|пошук|поиск|search|увійти|войти|log in|login|sign in
    |реєстрація|регистрация|register|меню|menu|rss|поділитися|поделиться|share|share this
    |скопіювати посилання|копировать ссылку|copy link|надіслати|отправить|print|друк|печать
    |версія для друку|версия для печати|слухати|слушать|listen|слухати статтю
    |listen to this article|переглядів|просмотров|views|час читання|время чтения|min read
    |хв читання|мин чтения|джерело|источник|source|зберегти|сохранить|save
    |перейти до основного вмісту|перейти до змісту|перейти к содержимому
    |перейти к основному содержанию|skip to content|skip to main content
    """.replace("\n", ""),
    "|",
)

SOCIAL = word_set(
    "facebook twitter x telegram viber whatsapp instagram youtube tiktok linkedin "
    "reddit email e-mail threads bluesky mastodon vk ok pinterest"
)


SUPPORT_ENDINGS = word_set(
    "support us|підтримати нас|підтримайте нас|поддержать нас|поддержите нас|donate|"
    "subscribe|підписатися|подписаться|become a member|стати членом клубу|"
    "стать членом клуба",
    "|",
)


APPEAL = re.compile(
    r"\b(?:help us keep|support (?:us|our (?:work|journalism|newsroom|reporting))|"
    r"become (?:a|an|our) (?:member|patron|subscriber|supporter)|"
    r"(?:стати|станьте|стань) нашим (?:патроном|членом|другом)|"
    r"(?:стать|станьте|стань) нашим (?:патроном|членом|другом)|"
    r"допоможіть нам|підтримайте (?:нас|редакцію|нашу)|"
    r"помогите нам|поддержите (?:нас|редакцию|наш)|стати (?:членом|патроном)|"
    r"стать (?:членом|патроном))",
    re.IGNORECASE,
)


def is_support_or_widget(line: str) -> bool:
    """Donate, subscribe, search, login, share and follow lines, and rows of network names."""
    found = words(line)
    if found and all(w.lower() in SOCIAL for w in found):
        return True
    key = key_of(line)
    if len(found) <= 20 and any(key.endswith(" " + e) for e in SUPPORT_ENDINGS):
        return True
    if len(found) <= 25 and APPEAL.search(line):
        return True
    head = re.match(r"^\s*([^:]{2,30}):\s*(.+)$", line)
    if (
        head
        and _starts_with(head.group(1), SUPPORT | WIDGETS)
        and all(w.lower() in SOCIAL for w in words(head.group(2)))
    ):
        return True
    if _starts_with(line, SUPPORT) is not None:
        # A story sentence can start with "Підтримати ..."; appeals are short.
        return len(found) <= 12 and not (
            len(found) > 5 and stop_word_density(line) > 0.25 and ends_like_sentence(line)
        )
    if _starts_with(line, WIDGETS) is not None:
        return len(found) <= 6 and not ends_like_sentence(line)
    # "2 хв читання", "1 234 перегляди", "5 min read"
    return len(found) <= 5 and bool(
        re.match(
            r"^\W*\d[\d\s.,]*\s*(?:хв|мин|min|перегляд|просмотр|views?|коментар|"
            r"комментар|comments?)",
            line.strip(),
            re.IGNORECASE,
        )
    )


AD_MARKERS = word_set(
    "реклама|advertisement|advertising|sponsored|партнерський матеріал|партнерский материал"
    "|на правах реклами|на правах рекламы|promoted|ad|спецпроєкт|спецпроект",
    "|",
)


# "Story continues below", "Продовження після реклами": the seam an ad leaves in a story.
AD_SEAM = re.compile(
    r"^\W*(?:(?:the )?(?:story|article|text) )?continues?(?: reading)? (?:below|after)|"
    r"^\W*(?:continue reading|продовження|продолжение|(?:стаття|статья|текст) "
    r"(?:продовжується|продолжается))\b.{0,30}(?:нижче|ниже|below|реклам|advert)",
    re.IGNORECASE,
)
# "Was this article helpful? Yes No": a feedback widget.
FEEDBACK = re.compile(r"(?:yes\W+no|так\W+ні|да\W+нет)\W*$", re.IGNORECASE)


def is_ad(line: str) -> bool:
    stripped = line.strip()
    key = key_of(stripped)
    if key in AD_MARKERS:
        return True
    if len(words(stripped)) <= 8 and (AD_SEAM.search(stripped) or FEEDBACK.search(stripped)):
        return True
    head = re.match(r"^\s*([^:]{1,40}):", stripped)
    return bool(head and key_of(head.group(1)) in AD_MARKERS)


PHOTO_PREFIX = re.compile(
    r"^\s*[\(\[]?\s*(фото|photo|фотографія|фотография|image|зображення|изображение|"
    r"ілюстрація|иллюстрация|illustration|picture|pictured|credit|кадр|скриншот|screenshot|"
    r"відео|видео|video|джерело фото|источник фото|photo credit)\b\s*"
    r"(?:[:©—–\-]|by\b|ілюстративне|иллюстративное|ілюстративна|illustrative|з відкритих|"
    r"из открытых)",
    re.IGNORECASE,
)
PHOTO_INLINE = re.compile(
    r"(?:\b(?:фото|photo|image|credit|ілюстрація|иллюстрация)\s*[:©]\s*\S)|"
    r"(?:\b(?:ілюстративне фото|иллюстративное фото|illustrative photo|фото ілюстративне|"
    r"фото иллюстративное)\b)",
    re.IGNORECASE,
)
AGENCY_CREDIT = re.compile(
    r"(?:[/©|]\s*|\(\s*)(?:reuters|ap|afp|getty images|getty|epa(?:-efe)?|уніан|униан|"
    r"укрінформ|укринформ|shutterstock|depositphotos|unsplash|pexels|ap photo|"
    r"associated press|суспільне|суспильне|pool|anadolu)[^/]{0,40}\)?\s*$",
    re.IGNORECASE,
)


def is_caption(line: str) -> bool:
    """A photo caption or credit: "Фото: ...", "... / Reuters", "Photo by ..."."""
    stripped = line.strip()
    if len(stripped) > 300:
        return False
    if PHOTO_PREFIX.match(stripped) or AGENCY_CREDIT.search(stripped):
        return True
    return bool(PHOTO_INLINE.search(stripped)) and len(stripped) <= 220


TAG_MARKERS = word_set(
    "теги|теґи|тэги|tags|tag|мітки|метки|ключові слова|ключевые слова|keywords|topics|теми"
    "|темы|рубрики|категорії|категории|categories|filed under",
    "|",
)


_GLUED_TOKEN = re.compile(r"[^\W_]+(?:['ʼ’\-][^\W_]+)*")


def is_glued_tags(line: str) -> bool:
    """Tags run together when a page is saved as text ("ISWRussiaIraq"): one token with two
    or more joins of a word to a capitalised word."""
    stripped = line.strip()
    # The separator is required inside the group: an optional one nests two unbounded runs
    # of letters, which backtracks exponentially on a long token that fails at its end.
    if len(stripped) > 200 or not _GLUED_TOKEN.fullmatch(stripped):
        return False
    joins = sum(
        1
        for i in range(1, len(stripped) - 1)
        if stripped[i].isupper()
        and (stripped[i - 1].islower() or (stripped[i - 1].isupper() and stripped[i + 1].islower()))
    )
    return joins >= 2


def is_tag_line(line: str) -> bool:
    stripped = line.strip()
    key = key_of(stripped)
    if key in TAG_MARKERS or key_of(stripped.rstrip(":")) in TAG_MARKERS:
        return len(stripped) <= 30
    head = re.match(r"^\s*#?([^:#]{1,25})[:#]", stripped)
    if head and key_of(head.group(1)) in TAG_MARKERS:
        return not ends_like_sentence(stripped) or len(words(stripped)) <= 15
    # "#війна #Київ #економіка"
    hashtags = re.findall(r"#[^\s#]+", stripped)
    return len(hashtags) >= 2 and len(" ".join(hashtags)) >= len(stripped) * 0.7


RELATED_INLINE = word_set(
    "читайте також|читайте также|read also|also read|see also|дивіться також|смотрите также"
    "|по темі|по теме|related|read more|читати також|читайте ще|читайте еще|читайте більше"
    "|більше на тему|больше по теме|по темі також",
    "|",
)
RELATED_LISTS = word_set(
    "останні новини|последние новости|latest news|recent news|related news|related stories"
    "|related articles|схожі новини|похожие новости|схожі матеріали|похожие материалы"
    "|більше новин|больше новостей|more news|more stories|популярне|популярное|popular"
    "|most read|most popular|найпопулярніше|найпопулярніші|самое читаемое|самое популярное"
    "|головне|главное|top stories|новини партнерів|новости партнеров|partner news"
    "|вас може зацікавити|вас может заинтересовать|you may also like|you might also like"
    "|recommended|рекомендуємо|рекомендуем|новини по темі|новости по теме|стрічка новин"
    "|лента новостей|news feed|всі новини|все новини|все новости|all news|інші новини"
    "|другие новости|other news|новини|новости|news|матеріали по темі|материалы по теме"
    "|читайте також|читайте также|read also|see also|дивіться також|смотрите также"
    "|more from|also on|вибір редакції|выбор редакции|editor's picks|editors picks"
    "|останні статті|последние статьи|latest articles|актуальне|актуальное|trending",
    "|",
)


def related_header(line: str) -> str | None:
    """'inline' for "Читайте також: <link>", 'list' for a list header line, else None."""
    stripped = line.strip()
    if len(stripped) > 250:
        return None
    head = re.match(r"^\s*([^:—–\-]{2,40})\s*[:—–\-]\s*(\S.*)$", stripped)
    if head and key_of(head.group(1)) in RELATED_INLINE:
        return "inline"
    key = key_of(stripped)
    if key in RELATED_LISTS and len(stripped) <= 45 and not ends_like_sentence(stripped):
        return "list"
    return None


SOFT_LISTS = word_set(
    "новини|новости|news|головне|главное|актуальне|актуальное|trending|recommended"
    "|рекомендуємо|рекомендуем",
    "|",
)


def is_sidebar_header(line: str) -> bool:
    """A header for a list of other stories that is never in the middle of a story."""
    key = key_of(line)
    return related_header(line) == "list" and key not in RELATED_INLINE | SOFT_LISTS


FOOTER = re.compile(
    r"(©|\(c\)\s*\d{4}|all rights reserved|усі права захищен|всі права захищен|"
    r"все права защищен|privacy policy|політика конфіденційності|политика конфиденциальности|"
    r"we use cookies|використовуємо (?:файли )?cookie|используем (?:файлы )?cookie|"
    r"terms of use|terms of service|умови використання|условия использования|"
    r"(?:використання|передрук|цитування|использование|перепечатка|цитирование)\s+"
    r"(?:матеріалів|материалов)|гіперпосилання|гиперссылк|ссылка обязательна|"
    r"посилання обов|ctrl\s*\+\s*enter|помітили помилку|заметили ошибку|spotted an error|"
    r"found a mistake|found a typo)",
    re.IGNORECASE,
)
FOOTER_LINES = word_set(
    "контакти|контакты|contacts|contact|contact us|про нас|о нас|about us|about|редакція"
    "|редакция|editorial team|реклама на сайті|реклама на сайте|advertise|advertise with us"
    "|вакансії|вакансии|careers|jobs|карта сайту|карта сайта|sitemap|архів|архив|archive"
    "|правила|rules|faq|допомога|помощь|help|команда|team|зворотний зв'язок|обратная связь"
    "|feedback|наші проєкти|наши проекты|our projects|партнери|партнеры|partners",
    "|",
)
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|\+\d[\d\s()-]{8,}\d|^(?:тел|tel|phone)\b", re.IGNORECASE
)


_COOKIE = re.compile(r"\b(?:cookies?|кукі|куки|cookie-файл\w*)\b", re.IGNORECASE)


# What a cookie notice asks or says of the site (a story about cookies has none of these).
_COOKIE_ACTION = re.compile(
    r"\b(?:accept\w*|agree\w*|ok|got it|allow|settings|manage|we use|uses|"
    r"прийня\w*|погоджу\w*|згод\w*|зрозуміло|налаштування|використову\w*|"
    r"приня\w*|приним\w*|соглас\w*|понятно|настройки|использу\w*)\b",
    re.IGNORECASE,
)


def is_cookie_banner(line: str) -> bool:
    """A cookie notice, in any wording: it names cookies, says what the site does with them
    or asks to accept, and is short."""
    return (
        bool(_COOKIE.search(line)) and bool(_COOKIE_ACTION.search(line)) and len(words(line)) <= 40
    )


def is_footer(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 300:
        return False
    if key_of(stripped) in FOOTER_LINES:
        return True
    if FOOTER.search(stripped) and len(words(stripped)) <= 40:
        return True
    return (
        bool(_CONTACT.search(stripped))
        and len(words(stripped)) <= 8
        and not ends_like_sentence(stripped)
    )


COMMENTS = word_set(
    "коментарі|комментарии|comments|коментарів|комментариев|залишити коментар|оставить комментарий"
    "|leave a comment|додати коментар|добавить комментарий|add a comment|discussion|обговорення"
    "|обсуждение|join the discussion|показати коментарі|показать комментарии|show comments",
    "|",
)


def is_comments_header(line: str) -> bool:
    key = key_of(re.sub(r"\(?\d+\)?", "", line))
    return key in COMMENTS


_TIME = r"(?:[01]?\d|2[0-3])[:.][0-5]\d"
_NUM_DATE = r"\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?"
TIMED_ITEM = re.compile(
    rf"^\s*(?:{_TIME}|{_NUM_DATE}(?:,?\s+{_TIME})?)\s*[|,–—\-]?\s*\S", re.IGNORECASE
)


def is_timed_item(line: str) -> bool:
    """ "14:32 Title" or "12.03.2026 Title": an entry of a news feed."""
    return bool(TIMED_ITEM.match(line)) and len(line.strip()) <= 250
