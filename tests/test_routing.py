"""models.yaml loading, validation, overlay, pivot planning and target-token checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.routing import (
    RoutingError,
    RoutingTable,
    load_table,
    packaged_table_path,
    validate_target_tokens,
)

REPO = Path(__file__).resolve().parents[1]
DIRECTIONS = [(s, t) for s in ("uk", "ru", "en") for t in ("uk", "ru", "en") if s != t]


def write(tmp_path: Path, text: str, name: str = "models.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def own_table(tmp_path: Path, routes: str, extra: str = "") -> RoutingTable:
    """A user table that replaces the packaged profiles with one profile 'mine'."""
    text = f"inherit: false\ndefault_profile: mine\n{extra}profiles:\n  mine:\n{routes}"
    return load_table(write(tmp_path, text), env={})


@pytest.fixture(scope="module")
def packaged() -> RoutingTable:
    return load_table(env={})


def test_top_level_models_yaml_is_the_packaged_default():
    assert (REPO / "models.yaml").read_bytes() == packaged_table_path().read_bytes()


@pytest.mark.parametrize("profile", ["quality", "fast"])
def test_packaged_profiles_cover_every_direction_directly(packaged: RoutingTable, profile: str):
    assert sorted((r.source, r.target) for r in packaged.routes(profile)) == sorted(DIRECTIONS)


@pytest.mark.parametrize(
    ("direction", "model", "token"),
    [
        (("uk", "en"), "Helsinki-NLP/opus-mt-tc-big-zle-en", None),
        (("en", "uk"), "Helsinki-NLP/opus-mt-tc-big-en-zle", ">>ukr<<"),
        (("en", "ru"), "Helsinki-NLP/opus-mt-tc-big-en-zle", ">>rus<<"),
        (("uk", "ru"), "Helsinki-NLP/opus-mt-tc-big-zle-zle", ">>rus<<"),
        (("ru", "uk"), "Helsinki-NLP/opus-mt-tc-big-zle-zle", ">>ukr<<"),
    ],
)
def test_default_profile_routes_to_tc_big(packaged: RoutingTable, direction, model, token):
    (route,) = packaged.plan(*direction)
    assert (route.profile, route.model, route.target_token, route.is_local) == (
        "quality",
        model,
        token,
        False,
    )


def test_generation_merges_route_over_profile_over_top(packaged: RoutingTable):
    fast_ru_en = packaged.plan("ru", "en", "fast")[0]
    quality_uk_en = packaged.plan("uk", "en")[0]
    fast_uk_en = packaged.plan("uk", "en", "fast")[0]
    assert (fast_ru_en.generation["num_beams"], fast_uk_en.generation["num_beams"]) == (6, 4)
    assert (quality_uk_en.generation["batch_size"], fast_uk_en.generation["batch_size"]) == (32, 64)
    with pytest.raises(TypeError):
        fast_uk_en.generation["num_beams"] = 1  # type: ignore[index]
    assert len({fast_uk_en, packaged.plan("uk", "en", "fast")[0], quality_uk_en}) == 2


@pytest.mark.parametrize(("tokens", "expected"), [(5, 20), (0, 10), (400, 512)])
def test_max_new_tokens_scales_with_input_and_is_capped(packaged, tokens, expected):
    assert packaged.plan("uk", "en")[0].max_new_tokens(tokens) == expected


BAD_TABLES = [
    ("profiles: {quality: {de>en: {model: m}}}", "unknown language 'de'"),
    ("profiles: {quality: {uk-en: {model: m}}}", "'uk-en' is neither a route"),
    ("profiles: {quality: {uk>uk: {model: m}}}", "same language"),
    ("profiles: {quality: {uk>en: {modle: m}}}", "unknown key 'modle'"),
    ("profiles: {quality: {uk>en: Helsinki-NLP/x}}", "must be a mapping"),
    ("profiles: {quality: {uk>en: {generation: {num_beam: 2}}}}", "setting 'num_beam'"),
    ("profiles: {quality: {generation: {num_beams: 0}}}", "num_beams = 0: expected an integer"),
    ("generation: {max_input_tokens: 600}", "max_input_tokens = 600"),
    ("profiles: {quality: {en>uk: {target_token: ukr}}}", "target_token 'ukr' must look like"),
    ("profiles: {quality: {uk>en: {model: ''}}}", "missing 'model'"),
    ("pivott: en", "unknown key 'pivott'"),
    ("pivot: de", "pivot 'de'"),
    ("default_profile: best", "default_profile 'best' is not a profile"),
    ("version: 2", "unsupported version 2"),
    ("inherit: maybe", "inherit must be true or false"),
    ("profiles: [quality]", "'profiles' must be a mapping"),
    ("profiles: {quality: {uk>en: {model: m}}", "not valid YAML"),
    ("- a list", "expected a mapping"),
    ("inherit: false\nprofiles: {quality: {description: none}}", "profile 'quality' has no routes"),
    ("inherit: false\nprofiles: {quality: {uk>en: {revision: abc}}}", "missing 'model'"),
]


@pytest.mark.parametrize(("text", "message"), BAD_TABLES)
def test_bad_tables_fail_with_one_line_naming_the_file(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text + "\n", "bad.yaml")
    with pytest.raises(RoutingError, match=message) as caught:
        load_table(path, env={})
    text_of_error = str(caught.value)
    assert "\n" not in text_of_error
    assert str(path) in text_of_error


def test_error_names_the_route(tmp_path: Path):
    path = write(tmp_path, "profiles: {fast: {ru>uk: {generation: {beams: 2}}}}\n")
    with pytest.raises(RoutingError, match=r"route fast/ru>uk: unknown generation setting"):
        load_table(path, env={})


def test_unknown_profile_is_an_error(packaged: RoutingTable):
    with pytest.raises(RoutingError, match="unknown profile 'best'.*quality, fast"):
        packaged.plan("uk", "en", "best")


def test_overlay_merges_into_a_route_and_adds_a_profile(tmp_path: Path):
    path = write(
        tmp_path,
        "default_profile: fast\n"
        "profiles:\n"
        "  quality:\n"
        "    uk>en: {revision: 0123456789abcdef0123456789abcdef01234567}\n"
        "  mine:\n"
        "    uk>en: {model: Org/my-uk-en, generation: {num_beams: 2}}\n",
    )
    table = load_table(path, env={})
    quality = table.plan("uk", "en", "quality")[0]
    assert (quality.model, quality.revision) == (
        "Helsinki-NLP/opus-mt-tc-big-zle-en",
        "0123456789abcdef0123456789abcdef01234567",
    )
    assert table.plan("ru", "en", "quality")[0].revision is None
    assert list(table.profiles) == ["quality", "fast", "mine"]
    assert table.default_profile == "fast"
    mine = table.plan("uk", "en", "mine")[0]
    assert (mine.model, mine.generation["num_beams"], mine.generation["batch_size"]) == (
        "Org/my-uk-en",
        2,
        64,
    )
    assert str(path) in table.path


def test_null_route_in_overlay_removes_it_and_pivot_takes_over(tmp_path: Path):
    table = load_table(write(tmp_path, "profiles: {quality: {uk>ru: null}}\n"), env={})
    assert [r.key for r in table.plan("uk", "ru")] == ["uk>en", "en>ru"]
    assert table.unreachable() == []


def test_user_table_with_two_routes_pivots_through_english(tmp_path: Path):
    table = own_table(
        tmp_path,
        "    uk>en: {model: Org/uk-en}\n    en>ru: {model: Org/en-ru}\n",
    )
    plan = table.plan("uk", "ru")
    assert [(r.key, r.model) for r in plan] == [("uk>en", "Org/uk-en"), ("en>ru", "Org/en-ru")]
    assert table.unreachable() == ["ru>uk", "ru>en", "en>uk"]
    with pytest.raises(RoutingError, match=r"no route ru>uk in profile 'mine'.*ru>en>uk"):
        table.plan("ru", "uk")


def test_pivot_null_disables_pivoting(tmp_path: Path):
    table = own_table(
        tmp_path, "    uk>en: {model: Org/uk-en}\n    en>ru: {model: Org/en-ru}\n", "pivot: null\n"
    )
    with pytest.raises(RoutingError, match="no route uk>ru in profile 'mine'"):
        table.plan("uk", "ru")


@pytest.mark.parametrize(("source", "target"), [("uk", "uk"), ("de", "en")])
def test_plan_rejects_nonsense_directions(packaged: RoutingTable, source: str, target: str):
    with pytest.raises(RoutingError):
        packaged.plan(source, target)


def test_env_var_names_the_overlay_and_an_explicit_file_wins(tmp_path: Path):
    from_env = write(tmp_path, "default_profile: fast\n", "env.yaml")
    explicit = write(tmp_path, "default_profile: quality\n", "explicit.yaml")
    env = {"PIPELINE_MODELS": str(from_env)}
    assert load_table(env=env).default_profile == "fast"
    assert load_table(explicit, env=env).default_profile == "quality"
    with pytest.raises(RoutingError, match="PIPELINE_MODELS"):
        load_table(env={"PIPELINE_MODELS": str(tmp_path / "missing.yaml")})


def test_local_folders_resolve_against_their_yaml_file(tmp_path: Path):
    (tmp_path / "conf" / "bare-folder").mkdir(parents=True)
    path = write(
        tmp_path / "conf",
        "inherit: false\ndefault_profile: mine\nprofiles:\n  mine:\n"
        "    uk>en: {model: ./models/uk-en}\n"
        "    ru>en: {model: bare-folder}\n"
        "    en>ru: {model: Org/en-ru}\n",
    )
    table = load_table(path, env={})
    routes = {r.key: r for r in table.routes()}
    assert routes["uk>en"].model == str(tmp_path / "conf" / "models" / "uk-en")
    assert routes["ru>en"].model == str(tmp_path / "conf" / "bare-folder")
    assert (routes["uk>en"].is_local, routes["ru>en"].is_local, routes["en>ru"].is_local) == (
        True,
        True,
        False,
    )


def test_other_profile_route_offers_the_other_model(packaged: RoutingTable, tmp_path: Path):
    en_uk = packaged.plan("en", "uk")[0]
    other = packaged.other_profile_route(en_uk)
    assert other is not None
    assert (other.profile, other.model) == ("fast", "Helsinki-NLP/opus-mt-en-uk")
    assert packaged.other_profile_route(other) == en_uk
    same = load_table(
        write(
            tmp_path,
            "profiles: {fast: {en>uk: {model: Helsinki-NLP/opus-mt-tc-big-en-zle, "
            "target_token: '>>ukr<<'}}}\n",
        ),
        env={},
    )
    assert same.other_profile_route(same.plan("en", "uk")[0]) is None


def test_demo_table_loads_with_local_folders(tiny_models: Path):
    table = load_table(tiny_models, env={})
    assert all(r.is_local and Path(r.model).is_dir() for r in table.all_routes())
    assert table.unreachable("quality") == table.unreachable("fast") == []


# ------------------------------------------------------------------ target tokens vs tokenizer


@pytest.fixture(scope="module")
def tokenizers(tiny_models_dir: Path):
    from transformers import MarianTokenizer

    return {
        "multi": MarianTokenizer.from_pretrained(str(tiny_models_dir / "tiny-tc-big-en-zle")),
        "single": MarianTokenizer.from_pretrained(str(tiny_models_dir / "tiny-en-uk")),
    }


def _route(packaged: RoutingTable, token: str | None):
    from dataclasses import replace

    return replace(packaged.plan("en", "uk")[0], target_token=token)


@pytest.mark.parametrize(
    ("kind", "token", "error"),
    [
        ("multi", ">>ukr<<", None),
        ("multi", ">>rus<<", None),  # valid code; the output-language check catches the mix-up
        ("multi", ">>uk<<", r"route quality/en>uk .*'>>uk<<' is not one of .*use >>ukr<<"),
        ("multi", None, r"route quality/en>uk .*needs a target_token.*'>>ukr<<'"),
        ("single", None, None),
        ("single", ">>ukr<<", r"route quality/en>uk .*single-target model: set target_token: null"),
    ],
)
def test_validate_target_tokens(packaged, tokenizers, kind, token, error):
    route = _route(packaged, token)
    if error is None:
        validate_target_tokens(route, tokenizers[kind])
    else:
        with pytest.raises(RoutingError, match=error):
            validate_target_tokens(route, tokenizers[kind])
