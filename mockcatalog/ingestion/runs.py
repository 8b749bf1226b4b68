"""A batch's run: what batch ingestion keeps for a batch besides the batch object the API serves.

From the first upload to the end of processing: the files uploaded (small ones, and large ones once
stitched), the dataset each went to, the large-file uploads in progress, and once COMPLETEd, when,
how often it was polled since, and the outcome of reading its files. A run is immutable: a change
makes a new one (:func:`dataclasses.replace`), stored in the tenant's ``runs`` under its lock, so
one handed out can be read with no lock held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from mockcatalog.core.errors import BadRequest
from mockcatalog.ingestion.large_files import Upload, held_bytes
from mockcatalog.ingestion.reading import Outcome

#: Adobe's limit on the files of one batch (the batch ingestion overview's constraints).
MAX_FILES_PER_BATCH = 1500


@dataclass(frozen=True, slots=True)
class Run:
    """One batch's uploads and processing state."""

    #: by path: small uploads and stitched large ones (a batch names its files by path: the same
    #: path sent to another of its datasets replaces it there)
    files: Mapping[str, bytes] = field(default_factory=dict)
    datasets: Mapping[str, str] = field(default_factory=dict)  # path -> the dataset it was sent to
    large: Mapping[str, Upload] = field(default_factory=dict)  # path -> large-file upload in progress
    completed_at: int | None = None  # when COMPLETE was accepted; None while loading
    polls: int = 0  # reads of the batch by id since COMPLETE
    outcome: Outcome | None = None  # of reading its files; None until read

    def with_file(self, path: str, content: bytes, dataset_id: str) -> Run:
        return replace(
            self, files={**self.files, path: content}, datasets={**self.datasets, path: dataset_id}
        )

    def with_large(self, path: str, upload: Upload | None) -> Run:
        """The run with the large-file upload of ``path`` set (or, with None, finished)."""
        large = {name: kept for name, kept in self.large.items() if name != path}
        if upload is not None:
            large[path] = upload
        return replace(self, large=large)

    def refuse_past_file_limit(self, path: str) -> None:
        """A 400 when a new file ``path`` would give the batch more files than Adobe allows
        (replacing a file, or starting it again, adds none)."""
        if path in self.files or path in self.large:
            return
        if len(self.files.keys() | self.large.keys()) >= MAX_FILES_PER_BATCH:
            raise BadRequest(
                f"The batch holds {MAX_FILES_PER_BATCH} files, the most a batch may hold; "
                f"upload {path!r} in another batch.",
                errors={"filePath": [f"Sent {path!r}: a batch holds at most {MAX_FILES_PER_BATCH} files."]},
            )

    @property
    def held_bytes(self) -> int:
        """The bytes the run holds: its files and the parts of its large files in progress."""
        return sum(map(len, self.files.values())) + sum(map(held_bytes, self.large.values()))
