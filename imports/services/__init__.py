"""Bulk import: writes. A file becomes an ImportBatch; a worker checks its rows
(dry run) or inserts them in chunks; the articles are then annotated in
batches on the ``bulk`` queue.

Every row is classified like a pasted article would be (``article_prepare``):
created, a duplicate of an article already stored (same normalised text or
same URL), a duplicate of an earlier row of the file, or invalid with a reason.

How a cancel or a failure leaves nothing half-written
-----------------------------------------------------
Rows are inserted chunk by chunk (``IMPORT_CHUNK_ROWS``, one transaction
each) so that the progress bar moves and SQLite is never locked for the whole
import. Each chunk transaction first locks the batch row and checks that the
batch is still importing, under this run's attempt number; the articles are
stored with status "queued" but nothing is sent to the workers until the last
chunk has committed and the batch has moved to "annotating" in one
transaction. Until then the batch can be cancelled (or fail), and the cancel
(or the failure) deletes, in one transaction, every article the batch created
and every source it created that nothing else uses: a chunk is either entirely
committed before the cancel (and deleted with the others) or it sees the
cancel and writes nothing. Annotation never runs on rows of an import that
did not complete. A worker that dies mid-import gets the task again (acks_late);
the new attempt deletes what the previous one wrote and starts over.
The price: while the import runs, the articles of its committed chunks are
visible in the review queue as "queued" (and disappear if it is cancelled).
The alternative, one transaction for the whole file, would hide the progress
from the page and hold SQLite's write lock for the length of the import.

The modules
-----------
``batches``: a batch's life as the pages and the command drive it (preview, start,
confirm, check again, cancel). ``runner``: the worker's run (claim, read-ahead,
chunks, duplicates, COPY). ``rows``: what one row of a file becomes. ``sweep``:
sending again what the broker lost. ``report``: a batch's state and its error report.
"""
