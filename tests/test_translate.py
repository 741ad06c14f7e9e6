from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline.domain import PipelineError, Signature
from pipeline.routing import Route, RoutingTable, load_table
from pipeline.translate import (
    ENGINES,
    Cached,
    Engine,
    EngineOptions,
    EngineStats,
    Identity,
    MarianTranslator,
    ModelLoader,
    Pivot,
    Translation,
    build_engine,
    tune_malloc,
)
from pipeline.translate.batching import dedupe, in_streams, pack_batches
from pipeline.translate.loader import batch_token_budget, decoding_streams
from pipeline.translate.normalize import normalize, strip_target_tokens

UK = "Президент України підписав закон про державний бюджет на наступний рік."
UK_LONG = (
    " ".join(["Міністр сказав, що уряд підтримає громади, а депутати погодилися з ним"] * 15) + "."
)


# -- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("“Так”, — сказав він", '"Так", — сказав він'),
        ("«Київ» і „Львів”", '"Київ" і "Львів"'),
        ("пам’ять, м'ята, ім\u02bcя", "пам'ять, м'ята, ім'я"),
        ("‘quoted’", "'quoted'"),
        ("Далі буде…", "Далі буде..."),
        ("ну\u200bль\u200d ши\ufeffрина", "нуль ширина"),
        ("м\u00adя\u200eко", "мяко"),
        ("a\u00a0b\u202fc\u2009d", "a b c d"),
        ("  багато \t\n пробілів  ", "багато пробілів"),
        ("контроль\x07ні\x00", "контрольні"),
        ("и\u0306", "й"),  # NFC
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("decoded", "expected"),
    [(">>ukr<< Привіт", "Привіт"), ("Привіт >>rus<<", "Привіт"), ("a >> b << c", "a >> b << c")],
)
def test_strip_target_tokens(decoded: str, expected: str) -> None:
    assert strip_target_tokens(decoded) == expected


# -- batching -------------------------------------------------------------------------------


def test_dedupe_keeps_first_seen_order() -> None:
    uniques, where = dedupe(["b", "a", "b", "c", "a"])
    assert uniques == ["b", "a", "c"]
    assert [uniques[i] for i in where] == ["b", "a", "b", "c", "a"]


@pytest.mark.parametrize(
    ("lengths", "budget", "beams", "max_items"),
    [
        ([5, 30, 12, 7, 7, 80, 3, 25], 200, 1, None),
        ([5, 30, 12, 7, 7, 80, 3, 25], 400, 4, None),
        ([10] * 50, 4096, 4, 8),
        ([600, 10, 10], 512, 1, None),  # one item over the budget alone
        ([], 100, 1, None),
    ],
)
def test_pack_batches_budget_and_cover(
    lengths: list[int], budget: int, beams: int, max_items: int | None
) -> None:
    batches = pack_batches(lengths, budget=budget, beams=beams, max_items=max_items)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        if max_items:
            assert len(batch) <= max_items
        if len(batch) > 1:
            assert max(lengths[i] for i in batch) * len(batch) * beams <= budget
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat, reverse=True)


# -- fakes ----------------------------------------------------------------------------------


class FakeTranslator:
    """Prefixes the route; answers from ``replies`` when given. Counts what it was asked."""

    def __init__(
        self,
        name: str,
        replies: dict[str, str] | None = None,
        flags: tuple[str, ...] = (),
        route: str = "",
    ) -> None:
        self.name = name
        self.route = route or name
        self.replies = replies or {}
        self.flags = flags
        self.calls: list[list[str]] = []

    @property
    def signature(self) -> Signature:
        return Signature(model_id=self.name, revision=None, decoding="{}", route=self.route)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        self.calls.append(list(texts))
        return [
            Translation(
                text=self.replies.get(t, f"[{target}] {t}"),
                signature=self.signature,
                flags=self.flags,
            )
            for t in texts
        ]


class DictMemory:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}
        self.scores: dict[tuple[str, str], float] = {}

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        found = {s: self.data.get((signature_key, s)) for s in sources}
        return {s: t for s, t in found.items() if t is not None}

    def memory_put(
        self,
        signature_key: str,
        pairs: Sequence[tuple[str, str]],
        *,
        scores: Sequence[float | None] | None = None,
    ) -> None:
        for k, (source, target) in enumerate(pairs):
            self.data[(signature_key, source)] = target
            score = scores[k] if scores is not None else None
            if score is not None:
                self.scores[(signature_key, source)] = score

    def memory_scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]:
        return {
            s: self.scores[(signature_key, s)] for s in sources if (signature_key, s) in self.scores
        }


def test_identity_returns_text_unsigned() -> None:
    out = Identity().translate(["Привіт", ""], "uk", "uk")
    assert [(t.text, t.signature) for t in out] == [("Привіт", None), ("", None)]


def test_pivot_chains_and_signs() -> None:
    first, second = FakeTranslator("uk>en"), FakeTranslator("en>ru")
    out = Pivot(first, second).translate(["один", "два"], "uk", "ru")
    assert [t.text for t in out] == ["[ru] [en] один", "[ru] [en] два"]
    assert out[0].signature is not None
    assert out[0].signature.route == "uk>en>ru"
    assert out[0].signature.model_id == "uk>en + en>ru"
    assert second.calls == [["[en] один", "[en] два"]]


def test_cached_reuses_and_skips_model() -> None:
    inner, memory = FakeTranslator("m"), DictMemory()
    cached = Cached(inner, memory)
    first = cached.translate(["Добрий  день", "Дякую"], "uk", "en")
    assert not any(t.from_memory for t in first)
    again = cached.translate(["Добрий день", "Дякую", "Нове"], "uk", "en")
    assert [t.from_memory for t in again] == [True, True, False]
    assert [t.text for t in again[:2]] == [t.text for t in first]
    assert inner.calls[-1] == ["Нове"]
    # keyed by the normalised source
    assert ("transformers|m@main|{}", "Добрий день") in memory.data


def test_cached_bypass_and_flagged_not_stored() -> None:
    memory = DictMemory()
    Cached(FakeTranslator("m"), memory).translate(["Дякую"], "uk", "en")
    inner = FakeTranslator("m")
    out = Cached(inner, memory, use_memory=False).translate(["Дякую"], "uk", "en")
    assert not out[0].from_memory and inner.calls == [["Дякую"]]
    looping = FakeTranslator("loopy", flags=("loop",))
    Cached(looping, memory).translate(["Ні"], "uk", "en")
    assert not any(key == "transformers|loopy@main|{}" for key, _ in memory.data)


# -- engine over fakes ----------------------------------------------------------------------


def _write_table(tmp_path: Path, routes: dict[str, dict[str, str]], name: str = "m.yaml") -> Path:
    lines = ["version: 1", "inherit: false", "default_profile: quality", "pivot: en", "profiles:"]
    for profile, pairs in routes.items():
        lines.append(f"  {profile}:")
        for key, model in pairs.items():
            token = {"uk": '">>ukr<<"', "ru": '">>rus<<"'}.get(key[-2:], "null")
            use_token = "tc-big-en-zle" in model or "tc-big-zle-zle" in model
            lines.append(
                f"    {key}: {{model: {model}, revision: null, "
                f"target_token: {token if use_token else 'null'}}}"
            )
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


class FakeBackend:
    def __init__(self, replies: dict[str, dict[str, str]]) -> None:
        self.replies = replies
        self.made: dict[str, FakeTranslator] = {}

    def translator(self, route: Route) -> FakeTranslator:
        return self.made.setdefault(
            route.name,
            FakeTranslator(route.model, self.replies.get(route.profile, {}), route=route.key),
        )

    def close(self) -> None:
        pass


@pytest.fixture
def fake_engine(tmp_path: Path) -> Iterator[tuple[Engine, FakeBackend]]:
    path = _write_table(
        tmp_path,
        {
            "quality": {"en>uk": "./q-en-uk", "uk>en": "./q-uk-en", "en>ru": "./q-en-ru"},
            "fast": {"en>uk": "./f-en-uk", "uk>en": "./f-uk-en", "en>ru": "./f-en-ru"},
        },
    )
    backend = FakeBackend(
        {
            "quality": {"It was a congress.": "Это был съезд, и мы объявили."},
            "fast": {"It was a congress.": "Це був з'їзд, і ми оголосили."},
        }
    )
    ENGINES["fake"] = lambda options, stats: backend
    try:
        engine = build_engine(load_table(path), EngineOptions(engine="fake"), DictMemory())
        yield engine, backend
    finally:
        del ENGINES["fake"]


def test_engine_retries_wrong_language_with_other_profile(
    fake_engine: tuple[Engine, FakeBackend],
) -> None:
    engine, _ = fake_engine
    out = engine.translate(["It was a congress.", "Fine."], "en", "uk")
    assert out[0].text == "Це був з'їзд, і ми оголосили."
    assert "retried-other-profile" in out[0].flags
    assert out[1].flags == ()


def test_engine_flags_wrong_language_when_retry_fails(
    fake_engine: tuple[Engine, FakeBackend],
) -> None:
    engine, backend = fake_engine
    backend.replies["fast"]["It was a congress."] = "Это был съезд, и мы объявили итоги."
    out = engine.translate(["It was a congress."], "en", "uk")
    assert out[0].flags == ("wrong-language",)
    assert out[0].text == "Это был съезд, и мы объявили."
    assert engine.stats.flagged == 1


def test_engine_flags_untranslated(fake_engine: tuple[Engine, FakeBackend]) -> None:
    engine, backend = fake_engine
    text = "The budget was approved today."
    for profile in ("quality", "fast"):
        backend.replies[profile][text] = text
    assert engine.translate([text], "en", "uk")[0].flags == ("untranslated",)


def test_engine_passthrough_identity_and_pivot(fake_engine: tuple[Engine, FakeBackend]) -> None:
    engine, _ = fake_engine
    out = engine.translate(["", "  ", "—", "123 456", "Добре"], "uk", "en")
    assert [t.flags for t in out[:4]] == [("passthrough:no-letters",)] * 4
    assert out[4].text == "[en] Добре"
    assert [t.text for t in engine.translate(["Добре"], "uk", "uk")] == ["Добре"]
    other = engine.translate(["Guten Tag"], "other:de", "uk")
    assert other[0].flags == ("passthrough:other-language",)
    pivot = engine.translate(["Добре", "Добре"], "uk", "ru")
    assert pivot[0].text == "[ru] [en] Добре"
    assert pivot[0].signature is not None and pivot[0].signature.route == "uk>en>ru"
    assert pivot[0].signature.model_id.count(" + ") == 1
    assert engine.stats.passthrough == 4 + 1 + 1


def test_engine_memory_counts_reuse(fake_engine: tuple[Engine, FakeBackend]) -> None:
    engine, backend = fake_engine
    engine.translate(["Добре", "Погано"], "uk", "en")
    out = engine.translate(["Добре", "Погано"], "uk", "en")
    assert all(t.from_memory for t in out)
    assert engine.stats.reused == 2 and engine.stats.translated == 2
    assert backend.made["quality/uk>en"].calls == [["Добре", "Погано"]]


def test_unknown_engine_is_an_error(tmp_path: Path) -> None:
    table = load_table(_write_table(tmp_path, {"quality": {"uk>en": "./x"}}))
    with pytest.raises(PipelineError, match="unknown translation engine 'nope'"):
        build_engine(table, EngineOptions(engine="nope"))


def test_tune_malloc_runs() -> None:
    assert tune_malloc() in (True, False)


def test_mkl_buffer_release_is_switched_on_before_torch_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.translate.loader import release_mkl_buffers

    monkeypatch.delenv("MKL_DISABLE_FAST_MM", raising=False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert release_mkl_buffers()
    assert os.environ["MKL_DISABLE_FAST_MM"] == "1"


def test_mkl_buffer_release_says_when_torch_loaded_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.translate.loader import release_mkl_buffers

    monkeypatch.delenv("MKL_DISABLE_FAST_MM", raising=False)
    monkeypatch.setitem(sys.modules, "torch", sys.modules.get("torch") or object())
    assert not release_mkl_buffers()  # too late: MKL read its settings when torch loaded
    assert "MKL_DISABLE_FAST_MM" not in os.environ


def test_a_translation_run_releases_mkl_buffers(tiny_models: Path) -> None:
    """The CLI's path: the engine is built before anything imports torch."""
    script = f"""
import os
from pathlib import Path
from pipeline.routing import load_table
from pipeline.translate import EngineOptions, build_engine
with build_engine(load_table(Path({str(tiny_models)!r})), EngineOptions(device="cpu")) as engine:
    engine.translate(["The council approved the budget."], "en", "uk")
print(os.environ.get("MKL_DISABLE_FAST_MM"))
"""
    env = {k: v for k, v in os.environ.items() if k != "MKL_DISABLE_FAST_MM"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "1"


# -- real tiny Marian models ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_table(tiny_models: Path) -> RoutingTable:
    return load_table(tiny_models)


@pytest.fixture(scope="module")
def tiny_engine(tiny_table: RoutingTable) -> Iterator[Engine]:
    engine = build_engine(tiny_table, EngineOptions(device="cpu", threads=1))
    yield engine
    engine.close()


def _spy_generate(
    translator: MarianTranslator, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """Record every model.generate call of ``translator``'s model: inputs and output shape."""
    loaded = translator.loader.get(translator.route)
    real = loaded.model.generate
    calls: list[dict[str, Any]] = []

    def generate(**kwargs: Any) -> Any:
        out = real(**kwargs)
        calls.append(
            {
                **kwargs,
                "out_len": int(getattr(out, "sequences", out).shape[1]),
                "in": kwargs["input_ids"],
            }
        )
        return out

    monkeypatch.setattr(loaded.model, "generate", generate)
    return calls


def test_tiny_end_to_end_order_and_target_token(tiny_engine: Engine) -> None:
    texts = [UK, "…", "Київ — столиця України.", UK]
    out = tiny_engine.translate(texts, "uk", "en")
    assert len(out) == 4
    assert out[1].flags == ("passthrough:no-letters",) and out[1].text == "…"
    assert out[0].text == out[3].text and out[0].text
    assert out[0].signature is not None and out[0].signature.route == "uk>en"
    to_uk = tiny_engine.translate([UK_LONG[:200], "Добрий день, пані."], "ru", "uk")
    assert all(">>" not in t.text and t.text for t in to_uk)
    assert to_uk[0].signature is not None and '">>ukr<<"' in to_uk[0].signature.decoding


def test_tiny_loads_fp16_checkpoint_as_float32(tiny_table: RoutingTable) -> None:
    import torch

    loader = ModelLoader(device="cpu", threads=1)
    loaded = loader.get(tiny_table.plan("uk", "en", "quality")[0])
    assert loaded.model.dtype == torch.float32
    assert loaded.model.generation_config.max_length is None


def test_tiny_long_sentence_is_split_not_truncated(
    tiny_table: RoutingTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = tiny_table.plan("uk", "en", "fast")[0]
    translator = MarianTranslator(route, ModelLoader(device="cpu", threads=1))
    loaded = translator.loader.get(route)
    assert translator.token_count(loaded, UK_LONG) > 600
    calls = _spy_generate(translator, monkeypatch)
    [out] = translator.translate([UK_LONG], "uk", "en")
    assert out.splits >= 3 and f"split:{out.splits}" in out.flags
    first_pass, rows = [], 0  # the batches before any loop retry
    for call in calls:
        if rows >= out.splits:
            break
        first_pass.append(call["in"])
        rows += int(call["in"].shape[0])
    assert rows == out.splits  # every piece went to the model
    assert all(batch.shape[1] <= translator.max_input_tokens for batch in first_pass)
    pieces = [
        text
        for batch in first_pass
        for text in loaded.tokenizer.batch_decode(batch, skip_special_tokens=True)
    ]
    assert sorted(" ".join(pieces).split()) == sorted(normalize(UK_LONG).split())


def test_tiny_max_new_tokens_bounded_by_input(
    tiny_table: RoutingTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = tiny_table.plan("uk", "en", "fast")[0]
    translator = MarianTranslator(route, ModelLoader(device="cpu", threads=1))
    calls = _spy_generate(translator, monkeypatch)
    translator.translate(["Так, звісно.", UK], "uk", "en")
    assert calls
    for call in calls:
        longest = int(call["in"].shape[1])
        bound = route.max_new_tokens(longest)
        assert call["max_new_tokens"] == bound < 512
        assert call["out_len"] - 1 <= bound  # the decoder start token is not generated


def test_tiny_memory_reuse_skips_the_model(tiny_table: RoutingTable, tmp_path: Path) -> None:
    from pipeline.store import Store

    with Store(tmp_path / "db.sqlite") as store:
        engine = build_engine(tiny_table, EngineOptions(device="cpu", threads=1), store)
        texts = ["Київ — столиця України.", "Президент виступив у парламенті."]
        first = engine.translate(texts, "uk", "en")
        calls = engine.stats.generate_calls
        assert calls > 0 and not any(t.from_memory for t in first)
        second = engine.translate(texts, "uk", "en")
        kept = [a.text for a, b in zip(first, second, strict=True) if b.from_memory]
        assert kept == [t.text for t in first if "loop" not in t.flags]
        assert engine.stats.generate_calls == calls
        assert engine.stats.reused == len(kept) == 2


def test_tiny_pivot_when_no_direct_route(tiny_models: Path, tmp_path: Path) -> None:
    folder = tiny_models.parent
    path = _write_table(
        tmp_path,
        {"quality": {"uk>en": str(folder / "tiny-uk-en"), "en>ru": str(folder / "tiny-en-ru")}},
    )
    engine = build_engine(load_table(path), EngineOptions(device="cpu", threads=1))
    [out] = engine.translate([UK], "uk", "ru")
    assert out.signature is not None and out.signature.route == "uk>en>ru"
    assert out.signature.model_id == f"{folder / 'tiny-uk-en'} + {folder / 'tiny-en-ru'}"
    assert out.text


def test_tiny_lru_keeps_a_bounded_number_of_models(tiny_table: RoutingTable) -> None:
    loader = ModelLoader(device="cpu", threads=1, max_loaded=1)
    uk_en, en_uk = (tiny_table.plan(s, t, "fast")[0] for s, t in (("uk", "en"), ("en", "uk")))
    loader.get(uk_en)
    loader.get(uk_en)
    assert loader.loads == 1
    loader.get(en_uk)
    assert loader.loaded == [f"{en_uk.model}@main"]
    loader.get(uk_en)
    assert loader.loads == 3


def test_tiny_bad_target_token_names_route(tiny_models: Path, tmp_path: Path) -> None:
    model = tiny_models.parent / "tiny-tc-big-en-zle"
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\ninherit: false\ndefault_profile: quality\nprofiles:\n  quality:\n"
        f'    en>uk: {{model: {model}, revision: null, target_token: ">>uk<<"}}\n',
        "utf-8",
    )
    engine = build_engine(load_table(path), EngineOptions(device="cpu", threads=1))
    with pytest.raises(PipelineError, match=r"en>uk.*>>uk<<"):
        engine.translate(["Good morning to you all."], "en", "uk")


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    path = _write_table(tmp_path, {"quality": {"uk>en": "Helsinki-NLP/opus-mt-not-there"}})
    engine = build_engine(load_table(path), EngineOptions(device="cpu"))
    with pytest.raises(PipelineError, match=r"opus-mt-not-there.*pipeline models pull"):
        engine.translate(["Добрий день усім."], "uk", "en")


def test_tiny_int8_quantisation(tiny_table: RoutingTable) -> None:
    route = tiny_table.plan("uk", "en", "fast")[0]
    loader = ModelLoader(device="cpu", threads=1, quantize="int8")
    [out] = MarianTranslator(route, loader).translate(["Добрий день, друзі."], "uk", "en")
    assert out.text and out.signature is not None
    assert '"quantize":"int8"' in out.signature.decoding


def test_stats_shape() -> None:
    names = {"translated", "reused", "split", "flagged", "passthrough"}
    assert set(EngineStats().as_dict()) >= names


# -- decoding streams -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("streams", "threads", "device", "expected"),
    [
        (None, 2, "cpu", (2, 1)),
        (None, 1, "cpu", (1, 1)),
        (None, 8, "cpu", (2, 4)),
        (3, 8, "cpu", (3, 2)),
        (5, 2, "cpu", (2, 1)),
        (None, 8, "cuda", (1, 8)),
        (4, 8, "cuda:1", (1, 8)),
    ],
)
def test_decoding_streams_share_the_threads(
    streams: int | None, threads: int, device: str, expected: tuple[int, int]
) -> None:
    assert decoding_streams(streams, threads, device) == expected


@pytest.mark.parametrize(
    ("batch_tokens", "device", "low_memory", "compact", "expected"),
    [
        (None, "cpu", False, False, 2048),
        (None, "cpu", False, True, 1024),
        (None, "cuda", False, False, 32768),
        (None, "cuda", False, True, 32768),
        (None, "cuda:1", False, False, 32768),
        (512, "cuda", False, False, 512),
        (3000, "cpu", False, True, 3000),
        (None, "cpu", True, False, 512),
        (None, "cpu", True, True, 512),
        (None, "cuda", True, False, 2048),
        (96, "cpu", True, False, 96),
    ],
)
def test_batch_token_budget_defaults_by_device(
    batch_tokens: int | None, device: str, low_memory: bool, compact: bool, expected: int
) -> None:
    budget = batch_token_budget(batch_tokens, device, low_memory=low_memory, compact=compact)
    assert budget == expected


@pytest.mark.parametrize(
    ("batch_tokens", "beams", "quantize", "expected"),
    [
        (None, 4, None, 2048),
        (None, 1, None, 1024),  # the compact greedy decoder
        (None, 1, "int8", 2048),
        (96, 4, None, 96),
        (96, 1, None, 96),
    ],
)
def test_engine_packs_by_the_resolved_budget(
    tiny_models: Path, batch_tokens: int | None, beams: int, quantize: str | None, expected: int
) -> None:
    table = load_table(tiny_models)
    options = EngineOptions(
        profile="fast", device="cpu", threads=1, batch_tokens=batch_tokens, quantize=quantize
    )
    route = table.plan("uk", "en", "fast")[0]
    route = dataclasses.replace(route, generation={**route.generation, "num_beams": beams})
    with build_engine(table, options) as engine:
        translator = engine.backend.translator(route)
    assert translator.batch_tokens == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, (512, 1, 1)),
        ({"streams": 2, "batch_tokens": 96, "max_loaded_models": 3}, (96, 2, 1)),
    ],
)
def test_low_memory_keeps_one_model_and_one_small_batch(
    tiny_models: Path, given: dict[str, int], expected: tuple[int, int, int]
) -> None:
    table = load_table(tiny_models)
    options = EngineOptions(profile="fast", device="cpu", threads=2, low_memory=True, **given)
    with build_engine(table, options) as engine:
        translator = engine.backend.translator(table.plan("uk", "en", "fast")[0])
        loader = engine.backend.loader
        assert (translator.batch_tokens, loader.streams, loader.max_loaded) == expected


@pytest.mark.parametrize("streams", [1, 2, 3])
def test_in_streams_keeps_order(streams: int) -> None:
    import time

    def slow_square(n: int) -> int:
        time.sleep(0.001 * (n % 3))  # later items may finish first
        return n * n

    assert list(in_streams(slow_square, list(range(25)), streams)) == [n * n for n in range(25)]


STREAM_TEXTS = [
    "Київ — столиця України.",
    "Рада ухвалила бюджет на опалення в понеділок увечері.",
    "Потяги до Варшави вирушають двічі на день.",
    "Мер сказав, що новий термінал відкриють навесні після двох років робіт у порту.",
    "Коротко.",
    "Уряд оголосив нові тарифи на електроенергію з першого січня.",
]


@pytest.mark.parametrize("beams", [1, 4])
def test_streams_change_neither_output_nor_order(
    tiny_models: Path, tmp_path: Path, beams: int
) -> None:
    overlay = tmp_path / "beams.yaml"
    table_text = tiny_models.read_text("utf-8").replace("./", f"{tiny_models.parent}/")
    overlay.write_text(f"{table_text}\ngeneration: {{num_beams: {beams}}}\n", "utf-8")
    table = load_table(overlay)
    outputs = []
    for streams in (1, 2):
        # A small budget makes many batches, so both streams get work.
        options = EngineOptions(
            profile="fast", device="cpu", threads=2, streams=streams, batch_tokens=64
        )
        with build_engine(table, options) as engine:
            outputs.append([t.text for t in engine.translate(STREAM_TEXTS, "uk", "en")])
    assert outputs[0] == outputs[1]
    assert len(set(outputs[0])) > 1
