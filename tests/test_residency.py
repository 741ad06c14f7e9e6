"""Resident memory housekeeping: heap trimming and paging out checkpoint pages nothing reads."""

from __future__ import annotations

import gc
import mmap
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from pipeline.routing import load_table
from pipeline.translate.loader import ModelLoader
from pipeline.translate.residency import file_mappings, page_out, unread_mappings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc only")


def resident_kib(path: Path) -> int:
    """Resident KiB of this process's mappings of ``path`` (from /proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            head = line.split(maxsplit=5)
            if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                inside = len(head) == 6 and head[5].strip() == str(path.resolve())
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


def test_page_out_drops_pages_and_keeps_the_data(tmp_path: Path) -> None:
    data = tmp_path / "weights.bin"
    payload = bytes(range(256)) * (16 * 1024)  # 4 MiB
    data.write_bytes(payload)
    with data.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        assert view[:] == payload  # every page read, so resident
        assert resident_kib(data) >= 3 * 1024
        mine = [m for m in file_mappings() if m[2] == str(data.resolve())]
        assert mine
        assert page_out(mine) >= len(payload)
        assert resident_kib(data) < 1024
        assert view[:] == payload  # read back from the file


def test_unread_mappings_keeps_those_tensors_live_in(tmp_path: Path) -> None:
    import numpy as np

    data = tmp_path / "tensor.bin"
    np.arange(1 << 16, dtype=np.float32).tofile(data)
    mapped = torch.from_numpy(np.memmap(data, dtype=np.float32, mode="r").copy())
    in_file = torch.from_numpy(np.memmap(data, dtype=np.float32, mode="c"))
    mine = {m for m in file_mappings() if m[2] == str(data.resolve())}
    assert mine
    assert set(unread_mappings(mine, [mapped])) == mine
    assert unread_mappings(mine, [in_file]) == []


def test_int8_load_leaves_no_checkpoint_pages_resident(tiny_models: Path) -> None:
    table = load_table(tiny_models)
    route = table.plan("uk", "en", "fast")[0]
    checkpoint = next(Path(route.model).glob("*.safetensors"))
    # Pages the page-out cannot drop are not the loader's doing: dirty ones (the fixture wrote
    # the file this session) and ones another live mapping of the file holds (a model an
    # earlier test left for the garbage collector). One CI run failed at 64 KiB without this.
    os.sync()
    gc.collect()
    loader = ModelLoader(device="cpu", threads=1, quantize="int8")
    loaded = loader.get(route)
    assert loaded.quantized == "int8"
    assert checkpoint.stat().st_size > 128 * 1024
    assert any(m[2] == str(checkpoint.resolve()) for m in file_mappings())  # still mapped
    assert resident_kib(checkpoint) < 16
    # The float32 embeddings still read the file: translation works after the page-out.
    encoded = loaded.tokenizer(["Київ — столиця України."], return_tensors="pt")
    output = loaded.model.generate(**encoded, max_new_tokens=8)
    assert output.shape[1] > 1


def test_release_free_memory_returns_freed_heap_pages() -> None:
    # In a child: the malloc settings it needs must not leak into the test process.
    script = textwrap.dedent(
        """
        from pipeline.translate.loader import tune_malloc
        from pipeline.translate.residency import release_free_memory

        def anon_mib():
            for line in open("/proc/self/status"):
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) // 1024

        tune_malloc()  # large blocks come from the heap and stay there when freed
        blocks = [bytearray(1 << 20) for _ in range(200)]
        del blocks[:199]
        held = anon_mib()
        release_free_memory()
        print(held, anon_mib())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    held, released = (int(x) for x in done.stdout.split())
    assert held - released >= 150


def test_widening_pages_out_each_tensor_as_it_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from pipeline.translate import loader as loader_module

    data = tmp_path / "half.bin"
    values = (np.arange(4 << 20) % 2048).astype(np.float16)  # two 4 MiB tensors
    values.tofile(data)
    mapped = torch.from_numpy(np.memmap(data, dtype=np.float16, mode="c"))
    first, second = mapped[: 2 << 20].view(1024, 2048), mapped[2 << 20 :].view(1024, 2048)
    model = torch.nn.Module()
    model.a = torch.nn.Linear(2048, 1024, bias=False)
    model.b = torch.nn.Linear(2048, 1024, bias=False)
    model.tied = torch.nn.Linear(2048, 1024, bias=False)
    model.a.weight = torch.nn.Parameter(first, requires_grad=False)
    model.b.weight = torch.nn.Parameter(second, requires_grad=False)
    model.tied.weight = model.a.weight
    model.register_buffer("scale", torch.ones(4, dtype=torch.float16))
    assert float(first.float().sum() + second.float().sum()) > 0  # every page read: resident
    assert resident_kib(data) >= 7 * 1024
    checkpoint = {m for m in file_mappings() if m[2] == str(data.resolve())}
    seen: list[int] = []
    real_page_out = loader_module.page_out

    def watched(ranges: list[tuple[int, int, str]]) -> int:
        asked = real_page_out(ranges)
        if ranges:
            seen.append(resident_kib(data))
        return asked

    monkeypatch.setattr(loader_module, "page_out", watched)
    loader_module._widen(model, torch.float32, checkpoint)
    assert len(seen) == 2  # one page-out per tensor in the file; the tied one counted once
    assert seen[0] <= 4 * 1024 + 8  # the first tensor's pages went before the second's copy
    assert resident_kib(data) < 16
    assert model.a.weight.dtype == model.b.weight.dtype == model.scale.dtype == torch.float32
    assert model.tied.weight is model.a.weight
    assert torch.equal(model.b.weight, torch.from_numpy(values[2 << 20 :]).float().view(1024, 2048))


def test_float16_checkpoint_loads_as_float32_on_cpu(tiny_models: Path) -> None:
    table = load_table(tiny_models)
    route = table.plan("uk", "en", "quality")[0]
    checkpoint = next(Path(route.model).glob("*.safetensors"))
    loaded = ModelLoader(device="cpu", threads=1).get(route)
    dtypes = {p.dtype for p in loaded.model.parameters()}
    assert dtypes == {torch.float32}
    assert resident_kib(checkpoint) < 16


def test_int8_load_frees_the_float_layers_it_replaced(
    tiny_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weakref

    from pipeline.translate import loader as loader_module

    replaced: list[weakref.ref[torch.Tensor]] = []
    real_quantize = loader_module._quantize_int8

    def watched(model: torch.nn.Module) -> tuple[torch.nn.Module, bool]:
        tied = model.get_input_embeddings().weight
        for module in model.modules():
            if isinstance(module, torch.nn.Linear) and module.weight is not tied:
                replaced.append(weakref.ref(module.weight))
        return real_quantize(model)

    monkeypatch.setattr(loader_module, "_quantize_int8", watched)
    route = load_table(tiny_models).plan("uk", "en", "fast")[0]
    loaded = ModelLoader(device="cpu", threads=1, quantize="int8").get(route)
    assert loaded.quantized == "int8"
    assert replaced
    assert [ref for ref in replaced if ref() is not None] == []
