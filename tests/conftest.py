"""Shared fixtures. The suite never reaches the Hugging Face hub: models are built offline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before any test imports transformers/huggingface_hub, which read these once.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """models.yaml routing both profiles to tiny faithful Marian models, built once a session.

    The model folders sit next to the file (``tiny_models.parent``); see pipeline.testmodels.
    Treat them as read-only: other tests share them.
    """
    from pipeline.testmodels import build_demo_models

    return build_demo_models(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_models_dir(tiny_models: Path) -> Path:
    """The folder holding the tiny model folders (tiny-tc-big-en-zle, tiny-uk-en, ...)."""
    return tiny_models.parent


def pytest_configure(config: pytest.Config) -> None:
    # MarianTokenizer asks for sacremoses on every load; the pipeline normalises text itself.
    config.addinivalue_line("filterwarnings", "ignore:Recommended. pip install sacremoses")
