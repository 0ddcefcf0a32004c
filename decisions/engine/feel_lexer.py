"""Tokenizer for the FEEL subset (Friendly Enough Expression Language, DMN 1.3 chapter 10)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FeelSyntaxError

KEYWORDS = frozenset({"true", "false", "null", "and", "or", "not", "if", "then", "else", "in", "between"})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>\.\.|<=|>=|!=|\*\*|[<>=+\-*/(),\[\].?:{}])
  | (?P<name>[^\W\d][\w]*)
    """,
    re.VERBOSE | re.UNICODE,
)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number | string | name | keyword | op | end
    value: str
    pos: int


def _unescape(body: str, text: str, pos: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1 : i + 2]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            if nxt not in _ESCAPES:
                raise FeelSyntaxError("字符串中有无法识别的转义符", text=text, position=pos + i)
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; an unknown character is refused with its position."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos] == '"':
                raise FeelSyntaxError("字符串缺少结束的双引号", text=text, position=pos)
            raise FeelSyntaxError(f"无法识别的字符 “{text[pos]}”", text=text, position=pos)
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "string":
            tokens.append(Token("string", _unescape(value[1:-1], text, pos + 1), pos))
        elif kind == "name":
            tokens.append(Token("keyword" if value in KEYWORDS else "name", value, pos))
        elif kind != "ws":
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens
