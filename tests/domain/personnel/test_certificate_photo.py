"""The electronic certificate carries the holder's photo (sealed PDF with photo and QR)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from documents.verify import verify_pdf
from domain.personnel.certificate_pdf import make_certificate_document

from .factories import employed_person, valid_certificate


def _images(pdf: bytes) -> list[str]:
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for name, ref in xobjects.items():
            if ref.get_object().get("/Subtype") == "/Image":
                names.append(name)
    return names


def _jpeg(colour=(30, 90, 160), size=(600, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.django_db
def test_certificate_prints_the_holders_photo_and_still_verifies(directory):
    without = employed_person(enterprise=directory["contractor"])
    plain_pdf = make_certificate_document(valid_certificate(without)).pdf_bytes()
    person = employed_person(enterprise=directory["contractor"])
    person.photo = SimpleUploadedFile("me.jpg", _jpeg(), content_type="image/jpeg")
    person.save()
    document = make_certificate_document(valid_certificate(person))
    pdf = document.pdf_bytes()
    assert len(_images(pdf)) > len(_images(plain_pdf))  # the photo is an extra image on the page
    assert verify_pdf(pdf).status == "valid"
