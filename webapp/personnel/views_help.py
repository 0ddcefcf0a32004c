"""The help assistant page (智能客服) and the human-help queue (人工客服队列)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.personnel import selectors
from domain.personnel.assistant.handoff import ask as ask_assistant
from domain.personnel.models import HelpRequestState
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text

from .common import is_regulator, render_error

SUGGESTIONS = ["怎么申请安管人员证书？", "证书快到期了怎么延续？", "换工作单位了证书怎么办？", "电子证书在哪里下载？"]


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "personnel/help.html", {"suggestions": SUGGESTIONS,
                                                   "requests": selectors.help_requests_of(acting_user(request))[:20]})


@login_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    """One question → the answer fragment (htmx) or the whole page."""
    question = request.POST.get("question", "")
    template = "personnel/_help_reply.html" if request.headers.get("HX-Request") else "personnel/help.html"
    ctx = {"suggestions": SUGGESTIONS, "requests": selectors.help_requests_of(acting_user(request))[:20],
           "question": question}
    try:
        reply = ask_assistant(question=question, user=acting_user(request))
    except DomainError as exc:
        return render_error(request, template, ctx, exc)
    return render(request, template, {**ctx, "reply": reply})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not is_regulator(user):
        return render(request, "personnel/help_queue.html", {"error": "只有主管部门工作人员可以查看人工客服队列。"}, status=403)
    filters = {"q": search_text(request), "state": choice(request, "state", HelpRequestState.choices)}
    requests = selectors.help_queue(user)
    if filters["q"]:
        requests = requests.filter(question__icontains=filters["q"])
    if filters["state"]:
        requests = requests.filter(state=filters["state"])
    return render(request, "personnel/help_queue.html", {"page": paginate(request, requests, filters=filters),
                                                         "params": filters, "states": HelpRequestState.choices})
