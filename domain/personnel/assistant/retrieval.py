"""The help assistant's retrieval (智能客服检索): jieba segmentation + BM25 over the curated FAQ, no external
service. A question whose best match is weak is handed to a person (see :mod:`.handoff`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import yaml
from rank_bm25 import BM25Okapi

jieba.setLogLevel(logging.WARNING)

FAQ_PATH = Path(__file__).with_name("faq.yaml")
#: Below this BM25 score, or with too little of the question covered, the assistant hands off.
MIN_SCORE = 4.0
MIN_COVERAGE = 0.34

STOPWORDS = frozenset(
    ["的", "了", "吗", "呢", "吧", "啊", "是", "我", "我的", "你", "您", "在", "有", "和", "与", "及", "或", "怎么", "怎么办", "怎样", "如何", "什么", "哪些", "哪里", "为什么", "可以", "能", "能不能", "要", "需要", "请问", "一下", "这个", "那个", "还", "就", "都", "也", "多", "么", "个", "把", "被", "给", "让", "办", "办理", "证书", "？", "?", "，", ",", "。", "、", "！", "!", "（", "）", "(", ")", "了吗"]
)
_PUNCT = re.compile(r"^[\W_]+$")


def tokens(text: str) -> list[str]:
    words = [w.strip().lower() for w in jieba.lcut_for_search(text)]
    return [w for w in words if w and w not in STOPWORDS and not _PUNCT.match(w)]


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    also: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    entry: Entry | None
    score: float
    coverage: float
    confident: bool


def load_faq(path: Path = FAQ_PATH) -> list[Entry]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Entry(r["id"], r["question"], r["answer"], tuple(r.get("also") or ())) for r in raw]


class Assistant:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.docs = [tokens(" ".join([e.question, *e.also, e.question])) for e in entries]
        self.bm25 = BM25Okapi(self.docs)

    def best(self, question: str) -> Match:
        query = tokens(question)
        if not query:
            return Match(None, 0.0, 0.0, False)
        scores = self.bm25.get_scores(query)
        i = max(range(len(scores)), key=lambda k: scores[k])
        vocab = set(self.docs[i])
        coverage = sum(1 for t in query if t in vocab) / len(query)
        score = float(scores[i])
        confident = score >= MIN_SCORE and coverage >= MIN_COVERAGE
        return Match(self.entries[i] if score > 0 else None, score, coverage, confident)


@lru_cache(maxsize=1)
def assistant() -> Assistant:
    return Assistant(load_faq())
