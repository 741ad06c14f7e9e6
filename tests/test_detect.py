"""Language detection on project-written text: sentences, headlines, snippets, single words."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.analyze import analyze, article_record
from pipeline.cli import main
from pipeline.detect import Detection, detect, detect_lines, detect_many, detect_spans
from pipeline.domain import Signature
from pipeline.ingest import IngestOptions, read_path
from pipeline.store import Store
from pipeline.translate.base import Translation
from pipeline.translate.spans import translate_with_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ukrainian sentences and headlines
        ("Міська рада ухвалила бюджет на наступний рік після довгого обговорення.", "uk"),
        ("Він сказав, що завтра поїде до Львова разом із родиною.", "uk"),
        ("Уряд оголосив про нові виплати для переселенців", "uk"),
        ("Вона була вдома, але ніхто не відчинив двері.", "uk"),
        ("Рятувальники працюють на місці влучання", "uk"),
        # Russian sentences and headlines
        ("Городской совет утвердил бюджет на следующий год после долгого обсуждения.", "ru"),
        ("Он сказал, что завтра поедет в Москву вместе с семьёй.", "ru"),
        ("Правительство объявило о новых выплатах для переселенцев", "ru"),
        ("Она была дома, но никто не открыл дверь.", "ru"),
        ("Спасатели работают на месте попадания", "ru"),
        # English, including Ukrainian place names
        ("The city council approved next year's budget after a long debate.", "en"),
        ("Rescuers are working in Kharkiv, Zaporizhzhia and Dnipro after the strike.", "en"),
        ("Officials in Kyiv said the talks would resume next week.", "en"),
        # English dominated by names, brands and numbers
        ("Zelensky meets Macron and Scholz for the Weimar format (2 hours)", "en"),
        ("Naftogaz, Ukrenergo and DTEK said the grid is stable", "en"),
    ],
)
def test_sentences_and_headlines(text: str, expected: str) -> None:
    assert detect(text).label == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("нове життя", "uk"),
        ("нова школа", "uk"),
        ("українські новини", "uk"),
        ("новая школа", "ru"),
        ("русский язык", "ru"),
        ("это правда", "ru"),
        ("breaking news", "en"),
        ("prime minister", "en"),
    ],
)
def test_two_word_snippets(text: str, expected: str) -> None:
    assert detect(text).label == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("їжак", "uk"),
        ("єдність", "uk"),
        ("ґанок", "uk"),
        ("пам'ять", "uk"),
        ("пам’ять", "uk"),
        ("міністерство", "uk"),
        ("навчання", "uk"),
        ("український", "uk"),
        ("объявили", "ru"),
        ("этот", "ru"),
        ("ещё", "ru"),
        ("сообщение", "ru"),
        ("новости", "ru"),
        ("любовь", "ru"),
        ("government", "en"),
        ("Saturday", "en"),
    ],
)
def test_single_words(word: str, expected: str) -> None:
    assert detect(word).label == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Regierung hat am Montag neue Maßnahmen gegen die Inflation beschlossen.", "de"),
        ("Rząd przedstawił w poniedziałek nowy plan odbudowy szkół.", "pl"),
        ("България е държава в Югоисточна Европа с дълга история.", "bg"),
        ("Ђоковић је освојио турнир у Београду прошле недеље.", "sr"),
        ("Мы пайшлі ў госці да сяброў і прабылі там да вечара.", "be"),
    ],
)
def test_other_languages(text: str, expected: str) -> None:
    found = detect(text)
    assert found.label == f"other:{expected}"
    assert 0.0 <= found.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "2024", "12:30 — 14:45", "+380 44 123 45 67", "…!?"])
def test_no_letters_is_undetermined(text: str) -> None:
    assert detect(text) == Detection("other:und", 0.0)


@pytest.mark.parametrize("prior_label", ["uk", "ru", "en"])
def test_no_letters_stays_undetermined_with_prior(prior_label: str) -> None:
    assert detect("2024-05-01", prior=Detection(prior_label, 0.99)) == Detection("other:und", 0.0)


@pytest.mark.parametrize(
    ("text", "prior_label"),
    [
        ("Так.", "uk"),
        ("Так.", "ru"),
        ("Нет.", "ru"),
        ("Вибух.", "uk"),
        ("Правда.", "uk"),
        ("Правда.", "ru"),
    ],
)
def test_prior_breaks_ties_on_short_text(text: str, prior_label: str) -> None:
    assert detect(text, prior=Detection(prior_label, 0.95)).label == prior_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A Russian quote inside a Ukrainian article stays Russian.
        ("«Мы никогда не согласимся на эти условия», — заявил он журналистам.", "ru"),
        ("Это было очень трудное решение для всех нас.", "ru"),
    ],
)
def test_prior_never_overrides_clear_evidence(text: str, expected: str) -> None:
    assert detect(text, prior=Detection("uk", 0.99)).label == expected


def test_ukrainian_sentence_with_russian_prior_stays_ukrainian() -> None:
    text = "Президент підписав закон, який набуде чинності наступного місяця."
    assert detect(text, prior=Detection("ru", 0.99)).label == "uk"


def test_confidence_is_higher_for_clear_text() -> None:
    clear = detect("Це рішення ухвалили після тривалої дискусії в парламенті.")
    vague = detect("Так.")
    assert 0.0 <= vague.confidence <= clear.confidence <= 1.0
    assert clear.confidence > 0.9


def test_deterministic_across_calls() -> None:
    texts = ["Так.", "дорога", "Der Hund schläft im Garten.", "Ok", "форма", "Добрий вечір"]
    first = detect_many(texts)
    assert [detect(t) for t in texts] == first
    assert detect_many(texts) == first


def test_detect_lines_matches_detect_and_strips_newlines() -> None:
    lines = ["Київ — столиця України.\n", "Москва — столица России.\n", "London is big.\n", "42\n"]
    found = list(detect_lines(lines))
    assert [d.label for d in found] == ["uk", "ru", "en", "other:und"]
    assert found == [detect(line.strip()) for line in lines]


def test_detect_lines_handles_many_lines_in_batches() -> None:
    lines = ["нова школа", "новая школа", "new school"] * 400
    found = list(detect_lines(lines, batch_size=100))
    assert len(found) == len(lines)
    assert [d.label for d in found[:3]] == ["uk", "ru", "en"]
    assert found[:3] * 400 == found


# -- the closed world: English with Slavic names, priors, other languages -------------------


@pytest.mark.parametrize(
    "text",
    [
        "Drone attack on Kharkiv",
        "Zelensky meets Macron",
        "Slovak PM Fico calls Zelenskyy enemy of Slovakia",
        "Russian forces recently advanced near Toretsk, Pokrovsk, Kurakhove, and Velyka Novosilka.",
        "Drone Attack On Kharkiv",
        "Shelling Kills Two In Kherson Region",
        "Radosław Sikorski in Kyiv",
        "Jean-Noël Barrot visits Odesa",
        "Der Spiegel reports on Bakhmut",
        "Budanov warns of new offensive on Sumy",
    ],
)
def test_english_full_of_names_is_english(text: str) -> None:
    assert detect(text).label == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Russian forces recently advanced near Toretsk, Pokrovsk, Kurakhove, and Velyka Novosilka.",
        "Zelensky meets Macron",
        "Kharkiv",
        "Ok",
        "Так.",
        "Пушкін",
        "Київ — столиця України.",
        "Москва — столица России.",
        "Drone attack on Kharkiv",
    ],
)
@pytest.mark.parametrize("prior_label", [None, "uk", "ru", "en", "other:de"])
def test_never_other_en_uk_or_ru(text: str, prior_label: str | None) -> None:
    prior = Detection(prior_label, 0.9) if prior_label else None
    assert detect(text, prior=prior).label not in {"other:en", "other:uk", "other:ru"}


def test_an_english_prior_keeps_a_borderline_loanword_english() -> None:
    # "vis-à-vis": lowercase diacritics, no English function word; a declared or surrounding
    # English label settles it, and without one it is called another language.
    assert detect("vis-à-vis").label.startswith("other:")
    assert detect("vis-à-vis", prior=Detection("en", 0.99)).label == "en"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("be", "Улетку ў нашым горадзе адкрылі новы парк для дзяцей."),
        ("be", "Яна працуе настаўніцай у сельскай школе ўжо дваццаць гадоў."),
        ("bg", "Кметът обеща, че ремонтът на моста ще приключи до края на годината."),
        ("bg", "Според министъра икономиката ще расте по-бързо от очакваното."),
        ("mk", "Градоначалникот вети дека мостот ќе биде поправен до крајот на годината."),
        ("mk", "Според министерот, економијата ќе расте побрзо од очекуваното."),
        ("sr", "Градоначелник је обећао да ће мост бити поправљен до краја године."),
        ("sr", "Према речима министра, привреда ће расти брже од очекиваног."),
        ("pl", "Burmistrz obiecał, że remont mostu zakończy się do końca roku."),
        ("cs", "Starosta slíbil, že oprava mostu skončí do konce roku."),
        ("sk", "Starosta sľúbil, že oprava mosta sa skončí do konca roka."),
        ("de", "Der Bürgermeister versprach, dass die Brücke bis Jahresende repariert wird."),
        ("fr", "Le maire a promis que le pont serait réparé d'ici la fin de l'année."),
    ],
)
@pytest.mark.parametrize("prior_label", [None, "uk", "ru", "en"])
def test_other_languages_are_caught_in_any_newsroom_context(
    language: str, sentence: str, prior_label: str | None
) -> None:
    prior = Detection(prior_label, 0.99) if prior_label else None
    found = detect(sentence, prior=prior)
    assert found.label.startswith("other:") and found.label != "other:und", (language, found)


@pytest.mark.parametrize(
    "text",
    [
        # Russian without ы э ё, Ukrainian without и: alphabets another language shares.
        "Правительство объявило о новых выплатах для переселенцев",
        "Он сказал, что завтра поедет в Москву вместе с семьей.",
        "Він пішов додому о пів на восьму.",
        "Україна отримала новий транш від ЄС",
    ],
)
def test_uk_and_ru_sharing_another_alphabet_stay_uk_or_ru(text: str) -> None:
    assert detect(text).label in {"uk", "ru"}


# -- language spans of mixed sentences -------------------------------------------------------


def _spans(text: str, label: str | None = None) -> list[tuple[str, str]]:
    return [(s.label, text[s.start : s.end]) for s in detect_spans(text, label)]


@pytest.mark.parametrize("label", [None, "uk", "ru"])
def test_a_ukrainian_sentence_with_a_russian_quote_has_two_spans(label: str | None) -> None:
    text = "Раніше той заявив: «Мы не собираемся отводить войска.»"
    assert _spans(text, label) == [
        ("uk", "Раніше той заявив"),
        ("ru", "Мы не собираемся отводить войска."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The minister told reporters: «Ми отримаємо ще три системи протиповітряної оборони».",
            [
                ("en", "The minister told reporters"),
                ("uk", "Ми отримаємо ще три системи протиповітряної оборони"),
            ],
        ),
        (
            'Посадовець сказав дослівно: "We will not abandon Ukraine, whatever happens."',
            [
                ("uk", "Посадовець сказав дослівно"),
                ("en", "We will not abandon Ukraine, whatever happens."),
            ],
        ),
        (
            "«Мы будем наступать дальше», — сказав російський командир.",
            [("ru", "Мы будем наступать дальше"), ("uk", "сказав російський командир.")],
        ),
    ],
)
def test_mixed_sentences_split_into_language_spans(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ресторан «Москва» у центрі Києва перейменували.",
        "Видання «The Kyiv Independent» першим повідомило про це.",
        "Він додав: «Ситуація складна, але контрольована».",
        'He added: "The situation is difficult but under control."',
        "Командир бригади повідомив, що противник атакував позиції біля Покровська.",
    ],
)
def test_one_language_sentences_and_quoted_names_stay_one_span(text: str) -> None:
    spans = detect_spans(text)
    assert len(spans) == 1


def test_text_without_words_has_no_spans() -> None:
    assert detect_spans("«—» …") == []


# -- the declared language, through ingest and analysis --------------------------------------


def test_a_json_record_declared_english_keeps_its_short_segments_english(tmp_path: Path) -> None:
    record = {
        "lang": "en",
        "title": "Drone attack on Kharkiv",
        "body": "- Zelensky meets Macron\n"
        "- Slovak PM Fico calls Zelenskyy enemy of Slovakia\n"
        "- vis-à-vis\n\n"
        "Russian forces recently advanced near Toretsk, Pokrovsk, Kurakhove, and Velyka "
        "Novosilka.",
    }
    path = tmp_path / "story.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (raw,) = read_path(path, IngestOptions())
    assert raw.lang_hint == "en"
    article = analyze(raw)
    assert article.lang == "en"
    labels = [(s.lang, s.text) for s in article.segments]
    assert all(lang == "en" for lang, _ in labels), labels


def test_article_records_list_the_spans_of_mixed_sentences(tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    body = "Раніше той заявив: «Мы не собираемся отводить войска.» Після цього зустріч завершилася."
    path.write_text(
        json.dumps({"title": "Заява речника", "body": body}, ensure_ascii=False), encoding="utf-8"
    )
    (raw,) = read_path(path, IngestOptions())
    record = article_record(analyze(raw))
    sentences = [s for p in record["paragraphs"] for s in p["sentences"]]
    mixed = [s for s in sentences if "spans" in s]
    assert len(mixed) == 1 and mixed[0]["lang"] == "uk+ru"
    assert [(x["label"], x["text"]) for x in mixed[0]["spans"]] == [
        ("uk", "Раніше той заявив"),
        ("ru", "Мы не собираемся отводить войска."),
    ]


# -- `pipeline detect FILE` reads files the way ingest does ----------------------------------


def test_detect_reads_a_cp1251_file(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Міська рада ухвалила бюджет на наступний рік.\n".encode("cp1251"))
    result = CliRunner().invoke(main, ["detect", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split("\t")[:2] == ["text", "uk"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02\x03ELF\x00\x00\x00" * 40, "binary file"),
        (b"", "empty file"),
        (None, "no such file"),
    ],
)
def test_detect_on_a_bad_file_gives_one_line_naming_it(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "input.dat"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["detect", "--lines", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert str(path) in line and expected in line and "Traceback" not in result.output


# -- translation span by span ----------------------------------------------------------------


class _Tagging:
    """A translator that writes what it was asked: [source>target:text]."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, list[str]]] = []

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        self.calls.append((source, target, list(texts)))
        if source == target:
            return [Translation(text=t, signature=None) for t in texts]
        signature = Signature(
            model_id=f"tag-{source}-{target}",
            revision=None,
            decoding="{}",
            route=f"{source}>{target}",
            engine="test",
        )
        return [Translation(text=f"[{source}>{target}:{t}]", signature=signature) for t in texts]


def test_each_span_is_translated_from_its_own_language_and_joined_in_place() -> None:
    text = "Раніше той заявив: «Мы не собираемся отводить войска.»"
    spans = [(s.start, s.end, s.label) for s in detect_spans(text)]
    plain = "Він пішов."
    translator = _Tagging()
    uk, other = translate_with_spans(translator, [text, plain], "uk", "uk", [spans, None])
    assert uk.text == "Раніше той заявив: «[ru>uk:Мы не собираемся отводить войска.]»"
    assert uk.signature is not None and uk.signature.route == "ru>uk"
    assert other == Translation(text=plain, signature=None)
    (ru,) = translate_with_spans(translator, [text], "uk", "ru", [spans])
    assert ru.text == "[uk>ru:Раніше той заявив]: «Мы не собираемся отводить войска.»"
    (en,) = translate_with_spans(translator, [text], "uk", "en", [spans])
    assert en.text == "[uk>en:Раніше той заявив]: «[ru>en:Мы не собираемся отводить войска.]»"


def test_translate_with_spans_wants_one_entry_per_text() -> None:
    with pytest.raises(ValueError, match="one entry per text"):
        translate_with_spans(_Tagging(), ["a", "b"], "en", "uk", [None])


def test_a_translation_run_translates_the_spans_of_a_mixed_sentence(
    tiny_models: Path, tmp_path: Path
) -> None:
    quote = "Мы не собираемся отводить войска."
    story = tmp_path / "mixed.json"
    body = (
        "Речник відомства прокоментував ситуацію на фронті журналістам у Києві.\n\n"
        f"Раніше той заявив: «{quote}»"
    )
    story.write_text(json.dumps({"title": "Заява речника", "body": body}, ensure_ascii=False))
    db = tmp_path / "mixed.db"
    result = CliRunner().invoke(
        main,
        ["translate", str(story), "--db", str(db), "--models", str(tiny_models), "--threads", "1"],
    )
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        (article_id,) = store.article_ids()
        mixed = store.article(article_id).segments[-1]
        assert mixed.text.startswith("Раніше") and mixed.id is not None
        assert mixed.lang == "uk+ru"
        versions = {v.lang: v for v in store.versions([mixed.id]) if v.origin == "machine"}
    # No edition can print the sentence as written: each has a machine version.
    uk, ru, en = versions["uk"], versions["ru"], versions["en"]
    # The uk edition keeps the Ukrainian words as written and has the quote translated ru>uk.
    assert uk.text.startswith("Раніше той заявив: «") and uk.text.endswith("»")
    assert quote not in uk.text
    assert uk.signature is not None and uk.signature.route == "ru>uk"
    # The ru edition keeps the Russian quote as written and translates the rest uk>ru.
    assert ru.text.endswith(f"«{quote}»") and not ru.text.startswith("Раніше")
    assert ru.signature is not None and ru.signature.route == "uk>ru"
    # The en edition has both spans translated, each from its own language.
    assert "Раніше" not in en.text and quote not in en.text
    assert en.text.count("«") == 1 and en.text.endswith("»")
