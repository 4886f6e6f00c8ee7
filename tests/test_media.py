"""Uploaded photos and documents: checked by content, stripped of metadata, stored, served."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from PIL import Image, ImageCms
from pypdf import PdfWriter
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage, MultiDict

from lookup_site.models import (
    Certification,
    CertificationKind,
    MediaFile,
    MediaKind,
    Producer,
    Role,
)
from lookup_site.services import media

# Fixtures and builders


def upload(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def encode(image: Image.Image, format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def halves(size=(40, 20), left="red", right="blue") -> Image.Image:
    """A picture whose left half is one colour and right half another."""
    image = Image.new("RGB", size, right)
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), left), (0, 0))
    return image


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: rotated by EXIF, with GPS, maker, XMP and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to display
    exif[0x010F] = "SecretPhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (20.0, 47.0, 42.5), 3: "E", 4: (106.0, 54.0, 18.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>SecretXMP</rdf:Description>'
    xmp += b"</x:xmpmeta>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        halves(),
        "JPEG",
        exif=exif,
        xmp=xmp,
        comment=b"SecretComment",
        icc_profile=icc,
        quality=95,
    )


def pdf_bytes(pages: int = 1) -> bytes:
    """A scanned certificate as a scanner app saves it."""
    scans = [Image.new("RGB", (200, 280), "white") for _ in range(pages)]
    return encode(scans[0], "PDF", save_all=True, append_images=scans[1:])


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given dimensions (a decompression bomb)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def stored_files(app) -> list[Path]:
    """Every file under the upload folder, temporary ones included."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def media_count(db) -> int:
    return db.session.scalar(select(func.count(MediaFile.id)))


def stored(app, key: str) -> bytes:
    return (Path(app.config["UPLOAD_FOLDER"]) / key).read_bytes()


# Images: what is kept and what is dropped


def test_phone_photo_is_reencoded_upright_without_exif_gps_xmp_icc_or_comment(
    app, db, make_producer
):
    producer = make_producer()
    original = phone_photo()
    assert b"SecretPhoneMaker" in original and b"SecretXMP" in original  # the test is honest

    saved = media.save_image(upload(original, "IMG_2024.jpg"), producer)

    data = stored(app, saved.storage_key)
    assert data != original
    for secret in (b"SecretPhoneMaker", b"SecretXMP", b"SecretComment", b"Exif", b"ICC_PROFILE"):
        assert secret not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in image.info
        # Turned upright: the 40×20 picture stands 20×40, its left half now on top.
        assert image.size == (20, 40)
        assert (saved.width, saved.height) == (20, 40)
        top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # red
    assert bottom[2] > 200 and bottom[0] < 60  # blue
    assert saved.kind is MediaKind.IMAGE
    assert saved.content_type == "image/jpeg"
    assert saved.producer_id == producer.id
    assert saved.original_name == "IMG_2024.jpg"


def test_big_phone_photo_is_decoded_at_a_reduced_scale_and_still_turned_upright(
    app, db, make_producer
):
    exif = Image.Exif()
    exif[0x0112] = 6
    original = encode(halves((4000, 2000)), "JPEG", exif=exif)

    saved = media.save_image(upload(original), make_producer())

    with Image.open(io.BytesIO(stored(app, saved.storage_key))) as image:
        assert image.size == (1000, 2000)
        top, bottom = image.getpixel((500, 100)), image.getpixel((500, 1900))
    assert top[0] > 200 and top[2] < 60  # red
    assert bottom[2] > 200 and bottom[0] < 60  # blue


@pytest.mark.parametrize(
    ("format", "filename"), [("PNG", "logo.png"), ("WEBP", "photo.webp"), ("JPEG", "x.jpeg")]
)
def test_png_webp_and_jpeg_are_accepted_and_stored_as_jpeg(
    app, db, make_producer, format, filename
):
    saved = media.save_image(upload(encode(halves((60, 30)), format), filename), make_producer())

    with Image.open(io.BytesIO(stored(app, saved.storage_key))) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (60, 30)
    assert saved.storage_key.endswith(".jpg")


def test_content_decides_not_the_name_or_the_client_content_type(app, db, make_producer):
    png = encode(halves(), "PNG")

    saved = media.save_image(upload(png, "notes.txt", "text/plain"), make_producer())

    assert saved.content_type == "image/jpeg"


def test_transparent_png_is_flattened_onto_white(app, db, make_producer):
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 10, 20))

    saved = media.save_image(upload(encode(image, "PNG"), "logo.png"), make_producer())

    with Image.open(io.BytesIO(stored(app, saved.storage_key))) as result:
        assert min(result.getpixel((15, 10))) > 245  # white where it was transparent
        assert result.getpixel((5, 10))[1] > 100  # green kept


def test_sixteen_bit_greyscale_png_keeps_its_tones(app, db, make_producer):
    grey = Image.new("I;16", (10, 10), 32768)  # mid-grey in 16 bits

    saved = media.save_image(upload(encode(grey, "PNG"), "scan.png"), make_producer())

    with Image.open(io.BytesIO(stored(app, saved.storage_key))) as result:
        assert 110 < result.getpixel((5, 5))[0] < 145  # not clipped to white


def test_large_photo_is_scaled_down_and_gets_a_small_thumbnail(app, db, make_producer):
    # A smooth photo-like picture, 3000 × 1500.
    gradient = Image.linear_gradient("L").resize((3000, 1500))
    photo = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient))

    saved = media.save_image(upload(encode(photo, "JPEG", quality=92)), make_producer())

    assert (saved.width, saved.height) == (2000, 1000)
    thumbnail = stored(app, saved.thumbnail_key)
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 160)
        assert not image.getexif()
    assert len(thumbnail) < 20 * 1024
    assert saved.thumbnail_key != saved.storage_key


def test_sha256_and_size_describe_the_stored_file(app, db, make_producer):
    saved = media.save_image(upload(phone_photo()), make_producer())

    data = stored(app, saved.storage_key)
    assert saved.sha256 == hashlib.sha256(data).hexdigest()
    assert saved.size == len(data)


def test_storage_keys_never_come_from_the_uploaded_name(app, db, make_producer):
    name = "../../etc/\u202egpj.exe\x00.jpg"

    saved = media.save_image(upload(phone_photo(), name), make_producer())

    assert saved.storage_key.startswith("images/")
    assert "etc" not in saved.storage_key and "exe" not in saved.storage_key
    assert saved.original_name == "gpj.exe.jpg"  # no folders, no bidi override, no NUL
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    assert all(folder in path.resolve().parents for path in stored_files(app))


def test_vietnamese_file_names_are_kept_for_display(app, db, make_producer):
    saved = media.save_image(upload(phone_photo(), "Ảnh lô hàng.jpg"), make_producer())

    assert saved.original_name == "Ảnh lô hàng.jpg"


# Images: what is refused, and then nothing is written


TEXT_AS_JPEG = b"Hello, this is not a photo at all.\n" * 10
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def truncated_jpeg() -> bytes:
    noisy = Image.effect_noise((200, 200), 64).convert("RGB")
    data = encode(noisy, "JPEG")
    return data[: len(data) // 2]


def broken_png() -> bytes:
    data = bytearray(encode(halves(), "PNG"))
    data[-20] ^= 0xFF  # flip a byte inside the image data: its checksum no longer matches
    return bytes(data)


REFUSED_IMAGES = {
    "text named .jpg": (lambda: TEXT_AS_JPEG, "a.jpg", "unsupported_type"),
    "truncated JPEG": (truncated_jpeg, "a.jpg", "corrupt"),
    "damaged PNG": (broken_png, "a.png", "corrupt"),
    "JPEG magic then junk": (lambda: b"\xff\xd8\xff\xe0" + b"junk" * 50, "a.jpg", "corrupt"),
    "WebP header then junk": (lambda: b"RIFF\x10\0\0\0WEBPVP8 junkjunk", "a.webp", "corrupt"),
    "PDF named .png": (pdf_bytes, "scan.png", "unsupported_type"),
    "SVG": (lambda: SVG, "logo.svg", "unsupported_type"),
    "SVG named .png": (lambda: SVG, "logo.png", "unsupported_type"),
    "GIF": (lambda: encode(halves(), "GIF"), "a.gif", "unsupported_type"),
    "BMP": (lambda: encode(halves(), "BMP"), "a.bmp", "unsupported_type"),
    "empty": (lambda: b"", "a.jpg", "empty"),
    "bomb over Pillow's hard limit": (
        lambda: png_claiming(100_000, 100_000),
        "b.png",
        "too_many_pixels",
    ),
    "bomb over Pillow's warning": (
        lambda: png_claiming(10_000, 10_000),
        "b.png",
        "too_many_pixels",
    ),
    "bomb over our limit": (lambda: png_claiming(7_000, 7_000), "b.png", "too_many_pixels"),
}


@pytest.mark.parametrize(
    ("build", "filename", "reason"), REFUSED_IMAGES.values(), ids=REFUSED_IMAGES.keys()
)
def test_refused_images_write_nothing(app, db, make_producer, build, filename, reason):
    producer = make_producer()

    with pytest.raises(media.MediaError) as refused:
        media.save_image(upload(build(), filename), producer)

    assert refused.value.reason == reason
    assert media_count(db) == 0
    assert stored_files(app) == []


def test_file_over_the_size_limit_is_refused_without_reading_it_all(app, db, make_producer):
    huge = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024 + 10))

    with pytest.raises(media.MediaTooLarge) as refused:
        media.save_image(FileStorage(stream=huge, filename="big.jpg"), make_producer())

    assert refused.value.reason == "too_large"
    assert refused.value.params["limit_mb"] == "8"
    assert huge.tell() == 8 * 1024 * 1024 + 1
    assert media_count(db) == 0 and stored_files(app) == []


def test_size_and_pixel_limits_are_configurable(app, db, make_producer):
    producer = make_producer()
    photo = encode(halves((100, 100)), "PNG")

    app.config["MAX_IMAGE_BYTES"] = len(photo) - 1
    with pytest.raises(media.MediaTooLarge):
        media.save_image(upload(photo, "a.png"), producer)

    app.config["MAX_IMAGE_BYTES"] = len(photo)
    app.config["MAX_IMAGE_PIXELS"] = 100 * 100 - 1
    with pytest.raises(media.TooManyPixels) as refused:
        media.save_image(upload(photo, "a.png"), producer)
    assert refused.value.reason == "too_many_pixels"

    app.config["MAX_IMAGE_PIXELS"] = 100 * 100
    assert media.save_image(upload(photo, "a.png"), producer).width == 100
    assert media_count(db) == 1


def test_refusals_are_explained_in_the_users_language(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from lookup_site.messages import describe

        assert "JPEG, PNG or WebP" in describe(media.UnsupportedMediaType())
        assert "PDF" in describe(media.UnsupportedMediaType(document=True))
        assert "8 MB" in describe(media.MediaTooLarge(limit_mb="8"))
        assert "40 megapixels" in describe(media.TooManyPixels(limit_mp="40"))
        assert "damaged" in describe(media.CorruptMedia())
        assert "empty" in describe(media.EmptyUpload())
        assert "password" in describe(media.EncryptedDocument())
        assert describe(media.MediaNotFound()) != describe(media.CorruptMedia())


# Files follow the transaction


def test_files_are_removed_when_the_flush_fails(app, db):
    unsaved = Producer()  # no id: the row cannot be inserted

    with pytest.raises(IntegrityError):
        media.save_image(upload(phone_photo()), unsaved)

    assert stored_files(app) == []
    db.session.rollback()


def test_files_are_removed_when_the_transaction_rolls_back(app, db, make_producer):
    producer = make_producer()
    db.session.commit()
    media.save_image(upload(phone_photo()), producer)
    assert len(stored_files(app)) == 2  # the image and its thumbnail

    db.session.rollback()

    assert stored_files(app) == []


def test_files_stay_once_committed(app, db, make_producer):
    saved = media.save_image(upload(phone_photo()), make_producer())
    db.session.commit()
    db.session.rollback()  # a later, unrelated rollback

    assert {path.name for path in stored_files(app)} == {
        Path(saved.storage_key).name,
        Path(saved.thumbnail_key).name,
    }
    assert not [path for path in stored_files(app) if path.name.startswith(".upload-")]


def test_releasing_a_savepoint_is_not_a_commit(app, db, make_producer):
    media.save_image(upload(phone_photo()), make_producer())
    with db.session.begin_nested():
        pass

    db.session.rollback()

    assert stored_files(app) == []


# Documents


def test_pdf_certificate_is_kept_byte_for_byte(app, db, make_producer, make_user):
    producer = make_producer()
    user = make_user(producer=producer)
    pdf = pdf_bytes(pages=2)

    saved = media.save_document(
        upload(pdf, "Chứng nhận VietGAP.pdf", "application/pdf"), producer, user
    )

    assert saved.kind is MediaKind.DOCUMENT
    assert saved.content_type == "application/pdf"
    assert stored(app, saved.storage_key) == pdf
    assert saved.sha256 == hashlib.sha256(pdf).hexdigest() and saved.size == len(pdf)
    assert saved.thumbnail_key is None and saved.width is None
    assert saved.uploaded_by_id == user.id
    assert saved.original_name == "Chứng nhận VietGAP.pdf"


def test_photo_of_a_certificate_goes_through_the_image_path(app, db, make_producer):
    saved = media.save_document(upload(phone_photo(), "cert.jpg"), make_producer())

    assert saved.kind is MediaKind.IMAGE
    assert b"SecretPhoneMaker" not in stored(app, saved.storage_key)
    assert saved.thumbnail_key


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=280)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


REFUSED_DOCUMENTS = {
    "truncated PDF": (lambda: pdf_bytes()[:300], "corrupt"),
    "PDF header, nothing else": (lambda: b"%PDF-1.7\nnot really\n%%EOF\n", "corrupt"),
    "password-protected PDF": (encrypted_pdf, "encrypted"),
    "Word file": (lambda: b"PK\x03\x04" + b"\0" * 100, "unsupported_type"),
    "SVG": (lambda: SVG, "unsupported_type"),
    "HTML named .pdf": (lambda: b"<html><script>alert(1)</script></html>", "unsupported_type"),
    "truncated JPEG": (truncated_jpeg, "corrupt"),
    "empty": (lambda: b"", "empty"),
}


@pytest.mark.parametrize(
    ("build", "reason"), REFUSED_DOCUMENTS.values(), ids=REFUSED_DOCUMENTS.keys()
)
def test_refused_documents_write_nothing(app, db, make_producer, build, reason):
    with pytest.raises(media.MediaError) as refused:
        media.save_document(upload(build(), "cert.pdf", "application/pdf"), make_producer())

    assert refused.value.reason == reason
    assert media_count(db) == 0 and stored_files(app) == []


def test_document_size_limit(app, db, make_producer):
    app.config["MAX_DOCUMENT_BYTES"] = 1000
    big = pdf_bytes() + b"\n" * 1000

    with pytest.raises(media.MediaTooLarge):
        media.save_document(upload(big, "cert.pdf"), make_producer())

    assert media_count(db) == 0 and stored_files(app) == []


def test_pdf_protected_only_against_editing_is_accepted(app, db, make_producer):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=280)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    saved = media.save_document(upload(buffer.getvalue(), "cert.pdf"), make_producer())

    assert saved.kind is MediaKind.DOCUMENT


# Forms


class PhotoForm(FlaskForm):
    photo = FileField("Photo", validators=[media.ImageUpload()])


class CertificateForm(FlaskForm):
    document = FileField("Document", validators=[media.DocumentUpload()])


def post_form(app, form_class, field: str, data: bytes, filename: str):
    files = MultiDict({field: FileStorage(io.BytesIO(data), filename=filename)})
    return app.test_request_context(
        "/", method="POST", data=files, headers={"Accept-Language": "en"}
    )


def test_form_validator_puts_the_reason_next_to_the_field(app):
    with post_form(app, PhotoForm, "photo", TEXT_AS_JPEG, "a.jpg"):
        form = PhotoForm()
        assert not form.validate()
        [message] = form.photo.errors
        assert message == "Upload a photo in JPEG, PNG or WebP format."


def test_form_validator_accepts_a_photo_that_then_saves_without_a_second_read(
    app, db, make_producer
):
    with post_form(app, PhotoForm, "photo", phone_photo(), "a.jpg"):
        form = PhotoForm()
        assert form.validate(), form.errors
        form.photo.data.stream.close()  # the check's result is what gets stored
        saved = media.save_image(form.photo.data, make_producer())
    assert saved.width == 20 and media_count(db) == 1


def test_form_validator_leaves_an_empty_optional_field_alone(app):
    with app.test_request_context("/", method="POST", data={}):
        assert PhotoForm().validate()


def test_document_form_validator(app):
    with post_form(app, CertificateForm, "document", encrypted_pdf(), "cert.pdf"):
        form = CertificateForm()
        assert not form.validate()
        assert "protected by a password" in form.document.errors[0]


# Serving


def fetch(client, url: str):
    """GET url and read the body, closing the served file."""
    with client.get(url) as response:
        response.get_data()
        return response


def sign_in_as(reader: str, owner: Producer, make_user, login) -> None:
    """Sign in one reader for the whole test (Flask-Login keeps it for the app context)."""
    if reader == "the owner":
        login(make_user(producer=owner))
    elif reader == "another producer":
        login(make_user())
    elif reader == "an admin":
        login(make_user(Role.ADMIN))
    elif reader == "an inspector":
        login(make_user(Role.INSPECTOR))


PRIVATE_READERS = {
    "anonymous": 404,
    "another producer": 404,
    "the owner": 200,
    "an admin": 200,
    "an inspector": 200,
}


@pytest.fixture
def photo(db, make_producer):
    """An uploaded photo that nothing public points at yet."""
    producer = make_producer()
    return media.save_image(upload(phone_photo()), producer)


@pytest.fixture
def certificate(db, make_product):
    """A product's certificate whose scan is a PDF."""
    product = make_product()
    document = media.save_document(upload(pdf_bytes(), "VietGAP.pdf"), product.producer)
    db.session.add(
        Certification(product=product, kind=CertificationKind.VIETGAP, document=document)
    )
    db.session.flush()
    return document


@pytest.mark.parametrize("reader", ["anonymous", "another producer"])
def test_product_photo_is_public_and_cached_for_a_year(
    client, db, make_product, make_user, login, photo, reader
):
    owner = db.session.get(Producer, photo.producer_id)
    make_product(producer=owner).image_media = photo
    db.session.flush()
    sign_in_as(reader, owner, make_user, login)

    response = fetch(client, f"/media/{photo.id}/thumb")

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.get_data() == stored(client.application, photo.thumbnail_key)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
    full = fetch(client, f"/media/{photo.id}/full")
    assert full.get_data() == stored(client.application, photo.storage_key)


def test_public_photos_are_served_without_looking_up_the_reader(
    client, db, make_product, make_user, login, photo
):
    owner = db.session.get(Producer, photo.producer_id)
    make_product(producer=owner).image_media = photo
    login(make_user(producer=owner))
    url = f"/media/{photo.id}/thumb"

    statements = record_queries(db, lambda: fetch(client, url))

    assert len(statements) == 1, "\n\n".join(statements)  # the file and its visibility
    assert "Set-Cookie" not in fetch(client, url).headers


def test_diary_photo_is_public(client, make_lot, make_event):
    lot = make_lot()
    diary_photo = media.save_image(upload(phone_photo()), lot.product.producer)
    make_event(lot, photos=[diary_photo])

    assert fetch(client, f"/media/{diary_photo.id}/full").status_code == 200


@pytest.mark.parametrize(("reader", "status"), PRIVATE_READERS.items())
def test_unattached_photo_is_private_to_its_producer(
    client, db, make_user, login, photo, reader, status
):
    sign_in_as(reader, db.session.get(Producer, photo.producer_id), make_user, login)

    response = fetch(client, f"/media/{photo.id}/thumb")

    assert response.status_code == status
    if status == 200:
        assert response.cache_control.private and not response.cache_control.public


@pytest.mark.parametrize(("reader", "status"), PRIVATE_READERS.items())
def test_certificate_scan_is_private(client, db, make_user, login, certificate, reader, status):
    sign_in_as(reader, db.session.get(Producer, certificate.producer_id), make_user, login)

    response = fetch(client, f"/media/{certificate.id}/full")

    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert response.get_data() == stored(client.application, certificate.storage_key)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "VietGAP.pdf" in response.headers["Content-Disposition"]
        assert response.cache_control.private


def test_unknown_variant_missing_thumbnail_and_unknown_id_are_404(
    client, make_user, login, certificate
):
    login(make_user(Role.ADMIN))

    assert fetch(client, f"/media/{certificate.id}/thumb").status_code == 404  # PDFs have none
    assert fetch(client, f"/media/{certificate.id}/original").status_code == 404
    assert fetch(client, f"/media/{certificate.id + 1000}/full").status_code == 404
    assert fetch(client, "/media/abc/full").status_code == 404


def test_a_lost_file_is_a_404_not_a_500(client, make_user, login, photo):
    login(make_user(Role.ADMIN))
    (Path(client.application.config["UPLOAD_FOLDER"]) / photo.storage_key).unlink()

    assert fetch(client, f"/media/{photo.id}/full").status_code == 404


def test_private_files_are_served_in_two_queries(client, db, make_user, login, photo):
    login(make_user(producer=db.session.get(Producer, photo.producer_id)))
    url = f"/media/{photo.id}/thumb"

    statements = record_queries(db, lambda: fetch(client, url))

    assert len(statements) == 2, "\n\n".join(statements)  # the file and its visibility, the user


def record_queries(db, action) -> list[str]:
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return statements


# The shopper's lot page


def lot_url(lot) -> str:
    return f"/01/{lot.product.gtin}/10/{lot.code}"


def test_lot_page_shows_the_uploaded_thumbnail_and_diary_photos(
    client, db, make_lot, make_event, make_producer
):
    lot = make_lot()
    producer = lot.product.producer
    product_photo = media.save_image(upload(encode(halves((400, 200)), "PNG"), "p.png"), producer)
    lot.product.image_media = product_photo
    diary_photos = [
        media.save_image(upload(encode(halves((300, 600)), "PNG"), "d.png"), producer)
        for _ in range(2)
    ]
    make_event(lot, "packing", photos=diary_photos)
    db.session.flush()

    html = client.get(lot_url(lot)).get_data(as_text=True)

    assert f'src="/media/{product_photo.id}/thumb" alt="" width="96" height="48"' in html
    assert "demo/" not in html.split('class="product"')[1].split("</section>")[0]
    for diary_photo in diary_photos:
        assert f'href="/media/{diary_photo.id}/full"' in html
        assert f'src="/media/{diary_photo.id}/thumb"' in html
    assert html.count('width="48" height="96" loading="lazy"') == 2
    for url in (f"/media/{product_photo.id}/thumb", f"/media/{diary_photos[0].id}/full"):
        assert fetch(client, url).status_code == 200  # what the page links to is public


def test_lot_page_queries_do_not_grow_with_diary_photos(
    client, db, make_lot, make_event, make_product
):
    plain = make_lot(code="PLAIN")
    make_event(plain)
    illustrated = make_lot(make_product(gtin="09520123450021"), code="PHOTOS")
    producer = illustrated.product.producer
    for _ in range(5):
        photos = [media.save_image(upload(phone_photo()), producer) for _ in range(3)]
        make_event(illustrated, photos=photos)
    db.session.commit()
    plain_url, illustrated_url = lot_url(plain), lot_url(illustrated)

    plain_queries = record_queries(db, lambda: client.get(plain_url))
    illustrated_queries = record_queries(db, lambda: client.get(illustrated_url))

    assert len(plain_queries) == len(illustrated_queries)
