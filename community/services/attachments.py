"""Images members upload to show in their questions and answers."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from community.images import (
    ATTACHMENT_MAX_SIDE,
    decoding_slot,
    fitted_copy,
    image_open_verified,
)
from community.models import Attachment, Member


def attachment_create(*, uploader: Member, upload: UploadedFile[bytes]) -> Attachment:
    """Check the upload like an avatar (JPEG/PNG/WebP, 5 MB, 25 MP) and store a clean copy.

    Raises ValidationError with a message for the member when the file is refused, and
    community.images.ImagesBusy (a RateLimited) when every decoding slot is taken.
    """
    with (
        decoding_slot(),
        image_open_verified(upload, fit=ATTACHMENT_MAX_SIDE) as image,
    ):
        name, content = fitted_copy(image, max_side=ATTACHMENT_MAX_SIDE)
    # Django's ImageField reads width/height from the content it saves; a ContentFile with
    # no name counts as no file, leaves them NULL and the insert fails.
    content.name = name
    with transaction.atomic():
        attachment = Attachment(uploader=uploader)
        attachment.image.save(name, content, save=False)
        attachment.save()
    return attachment
