"""Uploaded photos and documents: checked by content, re-encoded, stored under the upload folder.

Images (JPEG, PNG, WebP, recognised by their bytes, never by name or client
content type) are decoded, turned upright from their EXIF orientation, converted
to sRGB, flattened onto white when transparent, scaled to at most 2000 px and
re-encoded as a fresh JPEG: EXIF (GPS included), XMP, ICC profiles and comments
are not copied. A 320 px JPEG thumbnail is what the public lot page shows.

Documents are PDFs, kept byte for byte once pypdf has parsed them and found at
least one page; an image uploaded as a document goes through the image path.

Files get keys of their own (``images/ab/<uuid>.jpg``), are written atomically
and removed again when the transaction that recorded them does not commit.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import tempfile
import unicodedata
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, cast
from weakref import WeakKeyDictionary

from flask import current_app, url_for
from PIL import Image, ImageCms, ImageOps
from pypdf import PdfReader
from sqlalchemy import event, exists, or_, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..messages import describe
from ..models import EventPhoto, MediaFile, MediaKind, Producer, Product, Role, User

MEGABYTE = 1024 * 1024
DEFAULT_MAX_IMAGE_BYTES = 8 * MEGABYTE
DEFAULT_MAX_DOCUMENT_BYTES = 10 * MEGABYTE
# Phones shoot 12-50 MP; a 40 MP decode needs about 120 MB, which is where we stop.
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
MAX_SIDE = 2000
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 70
VARIANTS = ("full", "thumb")

_PENDING_FILES = "media_files_written"


class MediaError(InvalidInput):
    """An upload we refuse; reason says why, for the message next to the field."""

    reason = "media_error"


class UnsupportedMediaType(MediaError):
    code = 415
    reason = "unsupported_type"


class MediaTooLarge(MediaError):
    code = 413
    reason = "too_large"


class TooManyPixels(MediaError):
    code = 413
    reason = "too_many_pixels"


class CorruptMedia(MediaError):
    reason = "corrupt"


class EmptyUpload(MediaError):
    reason = "empty"


class EncryptedDocument(MediaError):
    reason = "encrypted"


class MediaNotFound(NotFound):
    reason = "media_not_found"


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to store: re-encoded bytes and their dimensions."""

    full: bytes
    thumbnail: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PreparedDocument:
    data: bytes


# Checks done by a form validator are kept for the same upload object, so the
# view's save_* call does not decode the photo a second time.
_checked: WeakKeyDictionary[FileStorage, dict[str, PreparedImage | PreparedDocument]] = (
    WeakKeyDictionary()
)


def save_image(
    upload: FileStorage, producer: Producer, uploaded_by: User | None = None
) -> MediaFile:
    """Check, re-encode and store an uploaded photo; flush, never commit."""
    return _store(check_image(upload), upload, producer, uploaded_by)


def save_document(
    upload: FileStorage, producer: Producer, uploaded_by: User | None = None
) -> MediaFile:
    """Check and store an uploaded PDF, or a photo of the document; flush, never commit."""
    return _store(check_document(upload), upload, producer, uploaded_by)


def check_image(upload: FileStorage) -> PreparedImage:
    """Refuse anything but a sound JPEG, PNG or WebP within the limits; prepare its files."""
    prepared = _checked.get(upload, {}).get("image")
    if prepared is None:
        data = _read(upload, _config("MAX_IMAGE_BYTES", DEFAULT_MAX_IMAGE_BYTES))
        kind = sniff(data)
        if kind not in ("JPEG", "PNG", "WEBP"):
            raise UnsupportedMediaType("Not a JPEG, PNG or WebP image", found=kind)
        prepared = prepare_image(data, kind)
        _checked.setdefault(upload, {})["image"] = prepared
    return cast(PreparedImage, prepared)


def check_document(upload: FileStorage) -> PreparedImage | PreparedDocument:
    """Refuse anything but a readable PDF or image within the limits; prepare its files."""
    prepared = _checked.get(upload, {}).get("document")
    if prepared is None:
        data = _read(upload, _config("MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES))
        kind = sniff(data)
        if kind == "PDF":
            check_pdf(data)
            prepared = PreparedDocument(data)
        elif kind in ("JPEG", "PNG", "WEBP"):
            prepared = prepare_image(data, kind)
        else:
            raise UnsupportedMediaType("Not a PDF or an image", found=kind, document=True)
        _checked.setdefault(upload, {})["document"] = prepared
    return prepared


def sniff(data: bytes) -> str | None:
    """Name the format the bytes start with, among those we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    # A PDF header may legally sit anywhere in the first kilobyte; we want it
    # first, so that a file cannot be a PDF and something else at once.
    if data.startswith(b"%PDF-"):
        return "PDF"
    return None


def prepare_image(data: bytes, kind: str) -> PreparedImage:
    """Decode, turn upright, strip and re-encode an image, with its thumbnail."""
    image = _decode(data, kind)
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a damaged EXIF block only costs us the orientation
        pass
    image = _as_rgb(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return PreparedImage(
        full=_encode_jpeg(image, JPEG_QUALITY, progressive=True),
        thumbnail=_encode_jpeg(thumbnail, THUMBNAIL_QUALITY),
        width=image.width,
        height=image.height,
    )


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that pypdf cannot read, that has no page, or that needs a password."""
    if b"%%EOF" not in data[-4096:]:
        raise CorruptMedia("PDF without an end-of-file marker (truncated?)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every repairable quirk
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _opens_without_password(reader):
                raise EncryptedDocument("PDF protected by a password")
            pages = len(reader.pages)
    except MediaError:
        raise
    # pypdf documents no single exception type for hostile input (PdfReadError,
    # ValueError, KeyError, RecursionError… all occur): any failure is a refusal.
    except Exception as error:  # noqa: BLE001
        raise CorruptMedia("PDF could not be parsed") from error
    if pages < 1:
        raise CorruptMedia("PDF without pages")


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - e.g. AES without the cryptography package
        return False


def _config(key: str, default: int) -> int:
    return int(current_app.config.get(key) or default)


def _read(upload: FileStorage, limit: int) -> bytes:
    stream = upload.stream
    if stream.seekable():
        stream.seek(0)
    data = stream.read(limit + 1)  # never more than one byte past the limit
    if not data:
        raise EmptyUpload("Empty file")
    if len(data) > limit:
        raise MediaTooLarge("File too large", limit_mb=_megabytes(limit))
    return data


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.0f}" if size >= MEGABYTE else f"{size / MEGABYTE:.2f}"


def _decode(data: bytes, kind: str) -> Image.Image:
    max_pixels = _config("MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as probe:
                _check_pixels(probe.size, max_pixels)
                probe.verify()  # PNG: every chunk's checksum; a no-op for some formats
            # verify() leaves the image unusable: open again to decode.
            image = Image.open(io.BytesIO(data), formats=[kind])
            if kind == "JPEG":
                _decode_no_larger_than_needed(image)
            image.load()
            return image
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels(
            "Image dimensions over Pillow's own limit",
            limit_mp=_megapixels(max_pixels),
        ) from error
    # Pillow raises OSError, SyntaxError, ValueError, EOFError, struct.error…
    # on damaged input, with no common base: all of them mean a broken file.
    except Exception as error:  # noqa: BLE001
        raise CorruptMedia("Image could not be decoded") from error


def _decode_no_larger_than_needed(image: Image.Image) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when we would shrink that much anyway."""
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        raise TooManyPixels(
            "Image has too many pixels",
            megapixels=_megapixels(pixels),
            limit_mp=_megapixels(max_pixels),
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}" if pixels >= 1_000_000 else f"{pixels / 1_000_000:.2f}"


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _as_rgb(image: Image.Image) -> Image.Image:
    """Return image as 8-bit sRGB, transparent parts flattened onto white."""
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale down, don't clip
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        # Phone photos are often Display P3 or Adobe RGB: dropping the profile
        # without converting would wash out their colours.
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                _srgb(),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: keep the pixels as they are
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, "white")
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return image.convert("RGB")


def _encode_jpeg(image: Image.Image, quality: int, progressive: bool = False) -> bytes:
    # A brand-new image carries no info dict: Pillow would otherwise copy a
    # comment (and in some versions more) from the decoded file into the output.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return buffer.getvalue()


def display_name(filename: str | None) -> str | None:
    """Return the uploaded file's name fit for display: no folders, no control characters."""
    if not filename:
        return None
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C covers control and format characters, bidi overrides included
    # (they make "gpj.exe" read as "exe.jpg").
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    return name.strip()[:255] or None


def upload_path(key: str) -> Path:
    """Return where the file with storage key lives on disk."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / key


def _new_key(folder: str) -> str:
    name = uuid.uuid4().hex
    return f"{folder}/{name[:2]}/{name}"


def _store(
    prepared: PreparedImage | PreparedDocument,
    upload: FileStorage,
    producer: Producer,
    uploaded_by: User | None,
) -> MediaFile:
    if isinstance(prepared, PreparedImage):
        base = _new_key("images")
        files = {f"{base}.jpg": prepared.full, f"{base}-thumb.jpg": prepared.thumbnail}
        media = MediaFile(
            kind=MediaKind.IMAGE,
            content_type="image/jpeg",
            storage_key=f"{base}.jpg",
            thumbnail_key=f"{base}-thumb.jpg",
            width=prepared.width,
            height=prepared.height,
        )
        stored = prepared.full
    else:
        key = _new_key("documents") + ".pdf"
        files = {key: prepared.data}
        media = MediaFile(kind=MediaKind.DOCUMENT, content_type="application/pdf", storage_key=key)
        stored = prepared.data
    media.producer_id = producer.id
    media.uploaded_by_id = uploaded_by.id if uploaded_by is not None else None
    media.sha256 = hashlib.sha256(stored).hexdigest()
    media.size = len(stored)
    media.original_name = display_name(upload.filename)

    written: list[Path] = []
    try:
        for key, data in files.items():
            path = upload_path(key)
            _write_atomically(path, data)
            written.append(path)
        db.session.add(media)
        db.session.flush()
    except BaseException:
        _remove(written)
        raise
    # Until the transaction commits, these files are ours to remove again.
    db.session.info.setdefault(_PENDING_FILES, []).extend(written)
    return media


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    if session.get_nested_transaction() is None:  # the outermost transaction committed
        session.info.pop(_PENDING_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: Any) -> None:
    """Remove files whose rows were rolled back (or never committed)."""
    if transaction.parent is None:
        _remove(session.info.pop(_PENDING_FILES, ()))


# Serving


class ReadableMedia(NamedTuple):
    media: MediaFile
    public: bool


def readable_media(media_id: int, reader: User | Any) -> ReadableMedia:
    """Find a file the reader may see: public ones for all, private ones for their owners.

    Product photos and diary photos are public (the shopper's page shows them);
    anything else, certificate scans included, is for the owning producer's
    users and for admins and inspectors. Everyone else is told it does not
    exist. reader is only consulted for private files, so serving a public one
    does not touch the session.
    """
    is_public = or_(
        exists().where(Product.image_media_id == MediaFile.id),
        exists().where(EventPhoto.media_id == MediaFile.id),
    )
    row = db.session.execute(
        select(MediaFile, is_public.label("public")).where(MediaFile.id == media_id)
    ).first()
    if row is None:
        raise MediaNotFound(f"No file {media_id}", media_id=media_id)
    media, public = row
    if public or _may_read_private(reader, media):
        return ReadableMedia(media, bool(public))
    raise MediaNotFound(f"No file {media_id} for this reader", media_id=media_id)


def _may_read_private(reader: User | Any, media: MediaFile) -> bool:
    if reader is None or not reader.is_authenticated:
        return False
    if reader.role in (Role.ADMIN, Role.INSPECTOR):
        return True
    return reader.role is Role.PRODUCER and reader.producer_id == media.producer_id


def variant_key(media: MediaFile, variant: str) -> str:
    """Return the storage key of variant ("full" or "thumb"); documents have no thumbnail."""
    key = media.storage_key if variant == "full" else media.thumbnail_key
    if variant not in VARIANTS or key is None:
        raise MediaNotFound(f"No {variant} variant of file {media.id}", media_id=media.id)
    return key


def media_url(media: MediaFile, variant: str = "thumb") -> str:
    """Return the URL pages use for media; a document's "thumb" is the document itself."""
    if variant == "thumb" and media.thumbnail_key is None:
        variant = "full"
    return url_for("media.file", media_id=media.id, variant=variant)


def media_box(media: MediaFile, box: int) -> tuple[int, int]:
    """Return width and height to show media within a box-sized square, for <img> attributes."""
    width, height = media.width or box, media.height or box
    scale = min(1.0, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


# Forms


def validate_image_upload(field: Any) -> None:
    """Check a form field's uploaded image(s); a refusal becomes the field's message."""
    _validate(field, check_image)


def validate_document_upload(field: Any) -> None:
    """Check a form field's uploaded document(s); a refusal becomes the field's message."""
    _validate(field, check_document)


class ImageUpload:
    """WTForms validator: the file (or files) must be an acceptable photo.

    Leaves an empty field alone: combine with FileRequired when a photo is needed.
    """

    def __call__(self, form: Any, field: Any) -> None:
        validate_image_upload(field)


class DocumentUpload:
    """WTForms validator: the file must be an acceptable PDF or photo of a document."""

    def __call__(self, form: Any, field: Any) -> None:
        validate_document_upload(field)


def _validate(field: Any, check: Any) -> None:
    for upload in _uploads(field.data):
        try:
            check(upload)
        except MediaError as error:
            raise ValidationError(describe(error)) from error


def _uploads(data: Any) -> Iterator[FileStorage]:
    items = data if isinstance(data, list | tuple) else [data]
    for item in items:
        # A form sent without choosing a file has an upload with no name.
        if isinstance(item, FileStorage) and item.filename:
            yield item
