"""The annotation worker's process: freed memory kept for the next batch, the models out of the collector's sight."""

import platform
import subprocess
import sys
import textwrap

import pytest

from articles import tasks
from articles.services import annotation
from pressreview.heap import keep_freed_memory

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt(3) is glibc's")

# Allocates, fills and frees a block larger than glibc's largest automatic mmap threshold
# (32 MiB) three times; prints the page faults of the last two rounds.
_ROUNDS = textwrap.dedent(
    """
    import ctypes, resource, sys
    from pressreview.heap import keep_freed_memory

    if sys.argv[1] == "keep":
        assert keep_freed_memory(512 * 2**20)
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    size = 64 * 2**20

    def round_():
        block = libc.malloc(size)
        ctypes.memset(block, 1, size)
        libc.free(block)

    round_()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    round_()
    round_()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults_of_later_rounds(mode: str) -> int:
    run = subprocess.run([sys.executable, "-c", _ROUNDS, mode], capture_output=True, text=True, check=True)
    return int(run.stdout.strip())


@glibc_only
def test_freed_memory_is_reused_rather_than_faulted_in_again():
    pages = 2 * 64 * 2**20 // 4096
    # glibc's defaults: each round maps its block afresh, every page faults again.
    assert _faults_of_later_rounds("default") > pages // 2
    # Kept: the later rounds reuse the first round's pages.
    assert _faults_of_later_rounds("keep") < pages // 20


def test_zero_leaves_the_allocator_alone():
    assert keep_freed_memory(0) is False


def test_the_pool_process_keeps_memory_then_freezes_the_loaded_models(monkeypatch, settings):
    settings.ANNOTATION_WORKER_KEEP_MEMORY_MB = 300
    calls = []
    monkeypatch.setattr(tasks, "keep_freed_memory", lambda limit: calls.append(("keep", limit)))
    monkeypatch.setattr(annotation, "annotator_preload", lambda: calls.append(("preload",)))
    monkeypatch.setattr(tasks, "detect_language", lambda text, languages: calls.append(("detector",)))
    monkeypatch.setattr(tasks.gc, "freeze", lambda: calls.append(("freeze",)))

    tasks._load_pipeline()

    # The allocator is set before the models' memory is taken; the freeze comes last,
    # once every object that lives as long as the process exists.
    assert calls == [("keep", 300 * 2**20), ("preload",), ("detector",), ("freeze",)]
