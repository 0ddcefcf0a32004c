"""``GET /api/me/``: who the token or session belongs to."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domain.organisations.scoping import scope_of
from webapp.acting import acting_user


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "full_name": serializers.CharField(),
                "organisation": serializers.CharField(allow_null=True),
                "roles": serializers.ListField(child=serializers.CharField()),
                "scope": serializers.CharField(),
            },
        ),
        summary="当前用户",
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        return Response(
            {
                "username": user.username,
                "full_name": user.display_name,
                "organisation": user.organisation.name if user.organisation else None,
                "roles": sorted(user.role_codes()),
                "scope": scope_of(user).kind,
            }
        )
