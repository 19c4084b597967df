"""How a worker process's C allocator gives memory back to the system.

Each batch the pipeline allocates a few hundred MB of arrays (spaCy's tok2vec
and ner over 50 articles) and frees them at the end. With glibc's defaults the
freed top of the heap goes back to the system after every batch, and the next
batch takes it again page by page: some 70,000 page faults and half a second
of system time per 200 articles. Kept, it is reused as it is. The process's
resident memory then stays at its peak between batches, which is what Celery's
max-memory-per-child already measures (the peak), so recycling is unchanged.
"""

import ctypes
import logging

logger = logging.getLogger(__name__)

# mallopt(3) parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
_INT_MAX = 2**31 - 1


def keep_freed_memory(limit_bytes: int) -> bool:
    """Keep up to ``limit_bytes`` of freed memory for reuse rather than give it back.

    Allocations below the limit come from the heap (not a mapping of their own,
    unmapped when freed), and the heap shrinks only when more than the limit is
    free at its top. 0 leaves the allocator's defaults. Returns whether the
    allocator took the settings: False where the C library is not glibc.
    """
    if limit_bytes <= 0:
        return False
    limit = min(limit_bytes, _INT_MAX)
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl, macOS): its own defaults stay
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # Both set: setting either turns off glibc's own adjustment of the other.
    taken = bool(mallopt(M_MMAP_THRESHOLD, limit)) and bool(mallopt(M_TRIM_THRESHOLD, limit))
    if not taken:
        logger.warning("the C allocator refused to keep %s bytes of freed memory", limit)
    return taken
