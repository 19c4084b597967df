"""The embedded mode's mail backend: one ``.eml`` file per message, nothing sent."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Write each message, as a mail client would receive it, to ``EMAIL_FILE_PATH/<time>-<id>.eml``
    (a file opens in any mail program)."""

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.file_path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
            # Written under a temporary name then renamed: a reader never sees half a message.
            temporary = self.file_path / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes(linesep="\r\n"))
            temporary.rename(self.file_path / name)
            sent += 1
        return sent
