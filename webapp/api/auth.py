"""Token authentication: ``POST /api/auth/token/`` with ``{username, password}`` → ``{token}``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from security import audit
from security.throttle import lockout_message


class _AuthThrottle(AnonRateThrottle):
    scope = "auth"


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ObtainTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [_AuthThrottle]

    @extend_schema(
        request=TokenInput,
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()})},
        summary="用用户名和密码换取 API 令牌",
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        locked = lockout_message(data.validated_data["username"], request._request)
        if locked:
            return Response({"detail": locked}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            return Response({"detail": "用户名或密码错误。"}, status=status.HTTP_400_BAD_REQUEST)
        token, created = Token.objects.get_or_create(user=user)
        if created:
            audit.record(action="auth.token_issued", actor=user, subject=user, summary="签发 API 令牌")
        return Response({"token": token.key})
