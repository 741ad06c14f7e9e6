"""Where models live: local folders and the Hugging Face cache. Only pull() uses the network.

Loading a model is the engine's job (pipeline/translate); it asks here for the folder to load
(``resolve_model_path``) and for the revision to record (``resolve_revision``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain import Unavailable
from pipeline.routing import Route

# What a Marian checkpoint needs; weights are chosen separately (safetensors over .bin).
MARIAN_FILES = (
    "config.json",
    "generation_config.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")

CachePath = str | Path | None


class ModelUnavailableError(Unavailable):
    """A route's model is neither a local folder nor in the cache, and cannot be fetched."""


@dataclass(frozen=True, kw_only=True)
class ModelStatus:
    """One distinct model of a routing table, for `pipeline models list`."""

    model: str
    revision: str | None
    routes: tuple[str, ...]  # "quality/uk>en", ...
    is_local: bool
    available: bool  # a local folder with a config.json, or in the hub cache
    resolved_revision: str | None  # the snapshot hash (hub) or a content hash (folder)


@dataclass(frozen=True, kw_only=True)
class PullResult:
    model: str
    revision: str | None
    path: str
    status: str  # "local", "cached" or "downloaded"

    def __str__(self) -> str:
        return f"{self.status:<10} {self.model}@{self.revision or 'main'}  {self.path}"


def model_error_message(model_id: str, revision: str | None = None) -> str:
    at = f"@{revision}" if revision else ""
    return (
        f"model {model_id}{at} is not in the local cache and the hub is unreachable: "
        "run `pipeline models pull` where the hub is reachable, or point models.yaml at a local "
        "folder (`pipeline models demo DIR` builds offline demo models)"
    )


def _is_local(model_id: str) -> bool:
    return Path(model_id).is_absolute()


def _local_ok(folder: str) -> bool:
    return (Path(folder) / "config.json").is_file()


def _cached_file(
    model_id: str, revision: str | None, filename: str, cache_dir: CachePath
) -> str | None:
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(
            model_id, filename, cache_dir=cache_dir, revision=revision or "main"
        )
    except ValueError:  # not a valid repo id
        return None
    return found if isinstance(found, str) else None


@functools.cache
def hub_reachable(timeout: float = 5.0) -> bool:
    """One quick probe of the hub (no retries), so an offline run fails in seconds, not minutes."""
    import os
    import urllib.error
    import urllib.request

    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE or os.environ.get("TRANSFORMERS_OFFLINE") == "1":
        return False
    try:
        request = urllib.request.Request(constants.ENDPOINT, method="HEAD")
        with urllib.request.urlopen(request, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except (OSError, ValueError):
        return False


def ensure_available(route: Route) -> None:
    """Raise the one-line 'neither cached nor reachable' error before transformers retries."""
    if route.is_local or is_cached(route.model, route.revision) or hub_reachable():
        return
    raise ModelUnavailableError(
        f"model {route.model!r} (route {route.name}) is not in the local cache and the hub is"
        " unreachable: run `pipeline models pull` where the hub is reachable, or use offline"
        " demo models (`pipeline models demo DIR`, then --models DIR/models.yaml)"
    )


def check_available(routes: Iterable[Route], *, cache_dir: CachePath = None) -> None:
    """Raise ModelUnavailableError (one line naming the route and the fix) for the first route
    whose model cannot be loaded: a local folder without config.json, or a hub model neither
    cached nor downloadable. Reads no weights, so a run can check before it starts."""
    seen: set[tuple[str, str | None]] = set()
    for route in routes:
        if (route.model, route.revision) in seen:
            continue
        seen.add((route.model, route.revision))
        if route.is_local:
            resolve_model_path(route, cache_dir=cache_dir)
        elif not is_cached(route.model, route.revision, cache_dir=cache_dir):
            ensure_available(route)


def is_cached(model_id: str, revision: str | None = None, *, cache_dir: CachePath = None) -> bool:
    """True when the model can load with no network: a local folder or a complete cache entry."""
    if _is_local(model_id):
        return _local_ok(model_id)
    if _cached_file(model_id, revision, "config.json", cache_dir) is None:
        return False
    return any(_cached_file(model_id, revision, w, cache_dir) for w in WEIGHT_FILES)


def resolve_model_path(route: Route, *, cache_dir: CachePath = None) -> str:
    """The folder to hand to from_pretrained for a route; raises if it is not available offline."""
    if route.is_local:
        if not _local_ok(route.model):
            raise ModelUnavailableError(
                f"route {route.name} ({route.table_path}): model folder {route.model} has no "
                "config.json: fix models.yaml or build demo models with `pipeline models demo DIR`"
            )
        return route.model
    config = _cached_file(route.model, route.revision, "config.json", cache_dir)
    if config is None or not is_cached(route.model, route.revision, cache_dir=cache_dir):
        raise ModelUnavailableError(
            f"route {route.name}: {model_error_message(route.model, route.revision)}"
        )
    return str(Path(config).parent)


def local_folder(route: Route, *, cache_dir: CachePath = None) -> str:
    """The folder holding the route's checkpoint, downloading it first when it is missing from
    the cache and the hub is reachable (engines that read the files themselves need this)."""
    ensure_available(route)
    if not route.is_local and not is_cached(route.model, route.revision, cache_dir=cache_dir):
        pull([route], cache_dir=cache_dir)
    return resolve_model_path(route, cache_dir=cache_dir)


def resolve_revision(
    model_id: str, revision: str | None = None, *, cache_dir: CachePath = None
) -> str | None:
    """The revision to record with a translation.

    Hub models: the commit hash of the cached snapshot (None when not cached). Local folders: a
    content hash of the model files, so rebuilding a folder changes what the memory keys on.
    """
    if _is_local(model_id):
        return folder_fingerprint(Path(model_id)) if _local_ok(model_id) else None
    if revision and _COMMIT.match(revision):
        return revision
    config = _cached_file(model_id, revision, "config.json", cache_dir)
    return Path(config).parent.name if config else None


def folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in (*MARIAN_FILES, *WEIGHT_FILES):
        path = folder / name
        if not path.is_file():
            continue
        digest.update(name.encode() + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()[:16]


def model_statuses(routes: Iterable[Route], *, cache_dir: CachePath = None) -> list[ModelStatus]:
    """One entry per distinct (model, revision) of the routes, in first-seen order."""
    by_model: dict[tuple[str, str | None], list[str]] = {}
    for route in routes:
        by_model.setdefault((route.model, route.revision), []).append(route.name)
    return [
        ModelStatus(
            model=model,
            revision=revision,
            routes=tuple(names),
            is_local=_is_local(model),
            available=is_cached(model, revision, cache_dir=cache_dir),
            resolved_revision=resolve_revision(model, revision, cache_dir=cache_dir),
        )
        for (model, revision), names in by_model.items()
    ]


def pull(
    routes: Iterable[Route],
    progress: Callable[[str], None] | None = None,
    *,
    cache_dir: CachePath = None,
) -> list[PullResult]:
    """Download every hub model the routes name (skipping cached ones) into the HF cache."""
    report = progress or (lambda _message: None)
    results: list[PullResult] = []
    seen: set[tuple[str, str | None]] = set()
    for route in routes:
        wanted = (route.model, route.revision)
        if wanted in seen:
            continue
        seen.add(wanted)
        if route.is_local:
            path = resolve_model_path(route)
            results.append(PullResult(model=route.model, revision=None, path=path, status="local"))
            report(f"local   {route.model}")
            continue
        if is_cached(route.model, route.revision, cache_dir=cache_dir):
            path = resolve_model_path(route, cache_dir=cache_dir)
            results.append(
                PullResult(model=route.model, revision=route.revision, path=path, status="cached")
            )
            report(f"cached  {route.model} ({Path(path).name})")
            continue
        report(f"pulling {route.model}@{route.revision or 'main'} ...")
        path = _download(route.model, route.revision, cache_dir)
        results.append(
            PullResult(model=route.model, revision=route.revision, path=path, status="downloaded")
        )
        report(f"pulled  {route.model} ({Path(path).name})")
    return results


def _download(model_id: str, revision: str | None, cache_dir: CachePath) -> str:
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        info = HfApi().model_info(model_id, revision=revision)
        names = {sibling.rfilename for sibling in info.siblings or []}
        weights = next((w for w in WEIGHT_FILES if w in names), None)
        if weights is None:
            raise ModelUnavailableError(f"model {model_id} has no {' or '.join(WEIGHT_FILES)}")
        return snapshot_download(
            model_id,
            revision=info.sha or revision,
            cache_dir=cache_dir,
            allow_patterns=[*MARIAN_FILES, weights],
        )
    except (RepositoryNotFoundError, GatedRepoError) as err:
        raise ModelUnavailableError(
            f"model {model_id} is not on the hub (or is private): check the model id in models.yaml"
        ) from err
    except RevisionNotFoundError as err:
        raise ModelUnavailableError(
            f"model {model_id} has no revision {revision!r}: fix revision in models.yaml"
        ) from err
    except (OfflineModeIsEnabled, OSError, ConnectionError) as err:
        raise ModelUnavailableError(model_error_message(model_id, revision)) from err
    except Exception as err:  # requests/httpx errors differ by huggingface_hub version
        if type(err).__module__.startswith(("requests", "httpx", "urllib3", "huggingface_hub")):
            raise ModelUnavailableError(model_error_message(model_id, revision)) from err
        raise
