"""``POST /api/documents/verify/`` — anyone may check a PDF (multipart field ``file``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from documents.verify import InvalidPdf, verify_pdf

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class _VerifyThrottle(AnonRateThrottle):
    rate = "60/min"


class VerifyInput(serializers.Serializer):
    file = serializers.FileField()


def read_pdf_upload(upload) -> bytes:  # noqa: ANN001 - Django UploadedFile
    if upload is None:
        raise InvalidPdf("请上传需要核验的 PDF 文件。")
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidPdf("文件超过 20 MB，无法核验。")
    return upload.read()


class VerifyDocumentView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]
    throttle_classes = [_VerifyThrottle]

    @extend_schema(
        request={"multipart/form-data": VerifyInput},
        responses={
            200: inline_serializer(
                "DocumentVerification",
                {
                    "status": serializers.ChoiceField(
                        choices=["valid", "altered", "unknown_seal", "revoked_seal", "not_found"]
                    ),
                    "valid": serializers.BooleanField(),
                    "message": serializers.CharField(),
                    "number": serializers.CharField(),
                    "document": serializers.DictField(allow_null=True),
                    "signatures": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        examples=[OpenApiExample("有效", value={"status": "valid", "valid": True, "message": "真实有效……"})],
        summary="核验文书 PDF 的真实性（电子印章与篡改检测）",
    )
    def post(self, request: Request) -> Response:
        try:
            data = read_pdf_upload(request.FILES.get("file"))
            result = verify_pdf(data)
        except InvalidPdf as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict())
