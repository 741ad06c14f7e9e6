"""models.yaml → validated routes: which model translates each uk/ru/en direction, and how.

The packaged table (pipeline/models.yaml) is always the base; a user file (``--models FILE`` or
``PIPELINE_MODELS``) is laid over it. The file format is documented at the top of models.yaml.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.domain import LANGS, PipelineError

ENV_VAR = "PIPELINE_MODELS"
MODEL_MAX_TOKENS = 512  # every OPUS-MT checkpoint's position limit for generation


class RoutingError(PipelineError):
    """models.yaml is malformed, or a direction cannot be routed."""


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _non_negative_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _positive_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


# Every generation setting a table may set, with what makes a value valid.
GENERATION_SETTINGS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "num_beams": (_positive_int, "an integer >= 1"),
    "max_new_tokens_ratio": (_positive_number, "a number > 0"),
    "max_new_tokens_extra": (_non_negative_int, "an integer >= 0"),
    # Benchmarks force output lengths (min = max) so random weights do the real work; 0 is off.
    "min_new_tokens_ratio": (
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
        "a number >= 0",
    ),
    "length_penalty": (_positive_number, "a number > 0"),
    "repetition_penalty": (_positive_number, "a number > 0"),
    "no_repeat_ngram_size": (_non_negative_int, "an integer >= 0"),
    "max_input_tokens": (
        lambda v: _positive_int(v) and v <= MODEL_MAX_TOKENS,
        f"an integer from 1 to {MODEL_MAX_TOKENS}",
    ),
    "batch_size": (_positive_int, "an integer >= 1"),
    # Re-decode outputs that loop. Benchmarks on random weights turn it off: such models loop
    # on every sentence, which real checkpoints don't.
    "loop_retry": (lambda v: isinstance(v, bool), "true or false"),
}
_TOP_KEYS = {"version", "default_profile", "pivot", "inherit", "generation", "profiles"}
_PROFILE_KEYS = {"generation", "description"}
_ROUTE_KEYS = {"model", "revision", "target_token", "generation"}
_ROUTE_KEY = re.compile(r"^\s*([a-z]{2})\s*>\s*([a-z]{2})\s*$")
_LOCAL_PREFIXES = ("./", "../", "/", "~", ".\\", "..\\")
_ISO3 = {"uk": "ukr", "ru": "rus", "en": "eng"}


@dataclass(frozen=True, kw_only=True)
class Route:
    """One direction of one profile: the model that translates it and how to decode."""

    source: str
    target: str
    model: str  # hub id, or an absolute folder path (see is_local)
    revision: str | None
    target_token: str | None
    # Every GENERATION_SETTINGS key, merged; read-only. Left out of the hash (a mapping has
    # none) so routes can key caches of loaded models.
    generation: Mapping[str, Any] = field(hash=False)
    profile: str
    table_path: str = ""  # the file(s) the route came from, for error messages

    @property
    def key(self) -> str:
        return f"{self.source}>{self.target}"

    @property
    def name(self) -> str:
        return f"{self.profile}/{self.key}"

    @property
    def is_local(self) -> bool:
        return os.path.isabs(self.model)

    def max_new_tokens(self, input_tokens: int) -> int:
        """The output cap for an input of ``input_tokens`` tokens (stops runaway repetition)."""
        ratio = float(self.generation["max_new_tokens_ratio"])
        extra = int(self.generation["max_new_tokens_extra"])
        return min(math.ceil(ratio * input_tokens) + extra, MODEL_MAX_TOKENS)

    def min_new_tokens(self, input_tokens: int) -> int:
        """The forced minimum output length (0: none), never above the cap."""
        ratio = float(self.generation.get("min_new_tokens_ratio") or 0)
        if ratio <= 0:
            return 0
        extra = int(self.generation["max_new_tokens_extra"])
        return min(math.ceil(ratio * input_tokens) + extra, self.max_new_tokens(input_tokens))


@dataclass(frozen=True)
class RoutingTable:
    profiles: Mapping[str, Mapping[tuple[str, str], Route]]
    default_profile: str
    pivot: str | None
    path: str  # the packaged file, then the overlay if any, joined by " + "

    def profile_name(self, profile: str | None = None) -> str:
        name = self.default_profile if profile is None else profile
        if name not in self.profiles:
            raise RoutingError(
                f"unknown profile {name!r} in {self.path}: use one of {', '.join(self.profiles)}"
            )
        return name

    def routes(self, profile: str | None = None) -> list[Route]:
        return list(self.profiles[self.profile_name(profile)].values())

    def all_routes(self) -> list[Route]:
        return [route for routes in self.profiles.values() for route in routes.values()]

    def plan(self, source: str, target: str, profile: str | None = None) -> list[Route]:
        """The routes to chain for source→target: the direct one, else two through the pivot."""
        name = self.profile_name(profile)
        for lang in (source, target):
            if lang not in LANGS:
                raise RoutingError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
        if source == target:
            raise RoutingError(f"nothing to translate: source and target are both {source!r}")
        routes = self.profiles[name]
        direct = routes.get((source, target))
        if direct is not None:
            return [direct]
        pivot = self.pivot
        if pivot is not None and pivot not in (source, target):
            first, second = routes.get((source, pivot)), routes.get((pivot, target))
            if first is not None and second is not None:
                return [first, second]
        via = (
            f" and no pivot path {source}>{pivot}>{target}"
            if pivot not in (None, source, target)
            else ""
        )
        raise RoutingError(
            f"no route {source}>{target} in profile {name!r}{via} ({self.path}): "
            f"add a {source}>{target} route to models.yaml"
        )

    def unreachable(self, profile: str | None = None) -> list[str]:
        """Directions that plan() cannot serve in a profile ("uk>ru", ...)."""
        missing = []
        for source in LANGS:
            for target in LANGS:
                if source == target:
                    continue
                try:
                    self.plan(source, target, profile)
                except RoutingError:
                    missing.append(f"{source}>{target}")
        return missing

    def other_profile_route(self, route: Route) -> Route | None:
        """The same direction in another profile with a different model or token, if any.

        The retry when a model answers in the wrong language: another model may not.
        """
        for name, routes in self.profiles.items():
            other = routes.get((route.source, route.target))
            if name == route.profile or other is None:
                continue
            if (other.model, other.target_token) != (route.model, route.target_token):
                return other
        return None


def packaged_table_path() -> Path:
    return Path(str(resources.files("pipeline").joinpath("models.yaml")))


def load_table(
    user_file: Path | str | None = None, *, env: Mapping[str, str] = os.environ
) -> RoutingTable:
    """The packaged table overlaid by ``user_file``, else by the file named in PIPELINE_MODELS."""
    base_path = packaged_table_path()
    merged = _read(base_path)
    paths = [str(base_path)]
    overlay_name = user_file if user_file is not None else env.get(ENV_VAR) or None
    if overlay_name is not None:
        overlay_path = Path(overlay_name).expanduser()
        if not overlay_path.is_file():
            source = "--models" if user_file is not None else ENV_VAR
            raise RoutingError(f"models file {overlay_path} (from {source}) does not exist")
        overlay = _read(overlay_path)
        if overlay.pop("inherit", True) is False:
            merged["profiles"] = {}
        merged = _merge(merged, overlay)
        paths.append(str(overlay_path))
    return _build(merged, " + ".join(paths))


def validate_target_tokens(route: Route, tokenizer: Any) -> None:
    """Check a route's target token against the loaded tokenizer; raise RoutingError if wrong.

    An unknown token silently becomes <unk> and the model then picks a language by itself.
    """
    codes = list(getattr(tokenizer, "supported_language_codes", None) or [])
    token = route.target_token
    where = f"route {route.name} ({route.table_path or 'models.yaml'}), model {route.model}"
    suggestion = f">>{_ISO3[route.target]}<<"
    if codes and token is None:
        raise RoutingError(
            f"{where} needs a target_token (it translates into {', '.join(codes)}): "
            f"set target_token: {suggestion!r}"
        )
    if token is None:
        return
    if codes:
        if token not in codes:
            hint = suggestion if suggestion in codes else " or ".join(codes)
            raise RoutingError(
                f"{where}: target_token {token!r} is not one of the model's codes "
                f"({', '.join(codes)}): use {hint}"
            )
        return
    vocab = tokenizer.get_vocab() if hasattr(tokenizer, "get_vocab") else {}
    if token not in vocab:
        raise RoutingError(
            f"{where}: target_token {token!r} is unknown to this single-target model: "
            f"set target_token: null"
        )


# ----------------------------------------------------------------------------- file handling


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise RoutingError(f"cannot read models file {path}: {err}") from err
    except yaml.YAMLError as err:
        problem = " ".join(str(err).split())
        raise RoutingError(f"models file {path} is not valid YAML: {problem}") from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RoutingError(f"models file {path}: expected a mapping at the top level")
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise RoutingError(
            f"models file {path}: unknown key {unknown[0]!r} "
            f"(known: {', '.join(sorted(_TOP_KEYS))})"
        )
    if not isinstance(data.get("inherit", True), bool):
        raise RoutingError(f"models file {path}: inherit must be true or false")
    if "version" in data and data["version"] != 1:
        raise RoutingError(f"models file {path}: unsupported version {data['version']!r}: use 1")
    profiles = data.get("profiles") or {}
    if not isinstance(profiles, dict):
        raise RoutingError(f"models file {path}: 'profiles' must be a mapping of profile names")
    for name, profile in profiles.items():
        if profile is None:
            continue
        if not isinstance(profile, dict):
            raise RoutingError(f"models file {path}: profile {name!r} must be a mapping of routes")
        for key, route in profile.items():
            if key in _PROFILE_KEYS or route is None:
                continue
            if not isinstance(route, dict):
                raise RoutingError(
                    f"models file {path}: route {name}/{key} must be a mapping "
                    "(model, revision, target_token, generation)"
                )
            # Relative folders belong to the file that names them, so resolve before merging.
            if isinstance(route.get("model"), str):
                route["model"] = _resolve_model(route["model"], path.parent)
            route["_defined_in"] = str(path)
    return data


def _resolve_model(value: str, base: Path) -> str:
    value = value.strip()
    if value.startswith(_LOCAL_PREFIXES) or (value and (base / value).is_dir()):
        return str((base / Path(value).expanduser()).resolve())
    return value


def _merge(base: Any, overlay: Any) -> Any:
    """Mappings merge key by key; a None value in the overlay deletes; anything else replaces."""
    if not (isinstance(base, dict) and isinstance(overlay, dict)):
        return overlay
    merged = dict(base)
    for key, value in overlay.items():
        if value is None and key in merged and isinstance(merged[key], dict):
            del merged[key]
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged


def _check_generation(block: Any, where: str) -> dict[str, Any]:
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise RoutingError(f"{where}: 'generation' must be a mapping of settings")
    for key, value in block.items():
        if key not in GENERATION_SETTINGS:
            raise RoutingError(
                f"{where}: unknown generation setting {key!r} "
                f"(known: {', '.join(GENERATION_SETTINGS)})"
            )
        valid, expected = GENERATION_SETTINGS[key]
        if not valid(value):
            raise RoutingError(
                f"{where}: generation setting {key} = {value!r}: expected {expected}"
            )
    return dict(block)


def _build(data: dict[str, Any], path: str) -> RoutingTable:
    pivot = data.get("pivot")
    if pivot is not None and pivot not in LANGS:
        raise RoutingError(f"{path}: pivot {pivot!r} is not one of {', '.join(LANGS)} (or null)")
    top_generation = _check_generation(data.get("generation"), f"{path}: generation")
    missing = [key for key in GENERATION_SETTINGS if key not in top_generation]
    if missing:
        raise RoutingError(f"{path}: generation lacks {', '.join(missing)}")

    profiles: dict[str, Mapping[tuple[str, str], Route]] = {}
    for name, profile in (data.get("profiles") or {}).items():
        if profile is None:
            continue
        profile_generation = _check_generation(profile.get("generation"), f"{path}: profile {name}")
        routes: dict[tuple[str, str], Route] = {}
        for key, raw in profile.items():
            if key in _PROFILE_KEYS or raw is None:
                continue
            route = _build_route(name, str(key), raw, top_generation | profile_generation, path)
            routes[(route.source, route.target)] = route
        if not routes:
            raise RoutingError(f"{path}: profile {name!r} has no routes")
        profiles[name] = MappingProxyType(routes)
    if not profiles:
        raise RoutingError(f"{path}: no profiles")
    default = data.get("default_profile")
    if default not in profiles:
        raise RoutingError(
            f"{path}: default_profile {default!r} is not a profile ({', '.join(profiles)})"
        )
    return RoutingTable(
        profiles=MappingProxyType(profiles), default_profile=default, pivot=pivot, path=path
    )


def _build_route(
    profile: str, key: str, raw: dict[str, Any], generation: dict[str, Any], path: str
) -> Route:
    defined_in = str(raw.get("_defined_in", path))
    where = f"{defined_in}: route {profile}/{key}"
    match = _ROUTE_KEY.match(key)
    if match is None:
        raise RoutingError(
            f"{defined_in}: profile {profile}: {key!r} is neither a route like 'uk>en' nor one "
            f"of {', '.join(sorted(_PROFILE_KEYS))}"
        )
    source, target = match.groups()
    for lang in (source, target):
        if lang not in LANGS:
            raise RoutingError(f"{where}: unknown language {lang!r} (use {', '.join(LANGS)})")
    if source == target:
        raise RoutingError(f"{where}: source and target are the same language")
    unknown = sorted(set(raw) - _ROUTE_KEYS - {"_defined_in"})
    if unknown:
        raise RoutingError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_ROUTE_KEYS))})"
        )
    model = raw.get("model")
    if not isinstance(model, str) or not model.strip():
        raise RoutingError(f"{where}: missing 'model' (a hub id or a model folder)")
    revision = raw.get("revision")
    if revision is not None and not (isinstance(revision, str) and revision.strip()):
        raise RoutingError(f"{where}: revision must be a commit hash, a branch name or null")
    token = raw.get("target_token")
    if token is not None and not (
        isinstance(token, str)
        and token.startswith(">>")
        and token.endswith("<<")
        and len(token) > 4
    ):
        raise RoutingError(f"{where}: target_token {token!r} must look like '>>ukr<<' or be null")
    route_generation = _check_generation(raw.get("generation"), where)
    return Route(
        source=source,
        target=target,
        model=model.strip(),
        revision=revision.strip() if isinstance(revision, str) else None,
        target_token=token,
        generation=MappingProxyType(generation | route_generation),
        profile=profile,
        table_path=defined_in,
    )
