"""Photos of a home visit: checked, turned upright, resized and re-encoded on the server.

A phone photo carries EXIF metadata: the exact GPS position of the child's home, the phone's
make and serial, the time. Re-encoding the pixels alone into a fresh JPEG drops all of it; the
visit keeps its location in its own fields, where the access layer guards it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Longest side after resizing: sharp on a phone and on an A4 page, about 200-400 KB.
MAX_SIDE = 1600
THUMB_SIDE = 480
JPEG_QUALITY = 82
# What a phone sends: a 48-megapixel photo is about 15 MB.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# Refuse images that would take too much memory to decode (a small file can claim to be huge).
MAX_PIXELS = 80_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP", "TIFF"}


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int


def _encode(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    image = image.copy()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, no icc_profile=: the new file carries pixels only.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), image.width, image.height


def _open(upload) -> Image.Image:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The photo is too large (over %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    upload.seek(0)
    try:
        image = Image.open(upload)
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("This file is not a photo the system can read (JPEG, PNG or WebP).")
            )
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("The photo is too large to process."))
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a photo the system can read (JPEG, PNG or WebP).")
        ) from None
    return image


def photo_process(upload) -> ProcessedPhoto:
    """The upload as an upright JPEG of at most MAX_SIDE pixels, without any metadata.

    Raises ValidationError (with a message for the user) for anything that is not a readable
    photo."""
    image = _open(upload)
    # Phones store the picture sideways with an orientation tag; apply it before the tag goes.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    content, width, height = _encode(image, MAX_SIDE)
    return ProcessedPhoto(content=content, width=width, height=height)


def thumbnail(content: bytes) -> bytes:
    """A small copy for lists (made on request from the stored, already clean JPEG)."""
    with Image.open(io.BytesIO(content)) as image:
        return _encode(image, THUMB_SIDE)[0]
