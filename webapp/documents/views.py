"""Pages: public verification (upload a PDF or arrive from the QR code), download, my documents and seals,
and the integrity check (audit chain, role assignments) for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from documents import selectors, services
from documents.models import DocumentKind
from documents.verify import InvalidPdf, verify_pdf
from domain.organisations.roles import Role
from security.acl import verify_assignments
from security.chain import verify_chain
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text
from webapp.refusals import attempt

from .api import read_pdf_upload

DOCUMENTS_PER_PAGE = 30
ALERT = {"valid": "success", "altered": "danger", "unknown_seal": "danger", "revoked_seal": "warning", "not_found": "secondary"}


def verify_upload(request: HttpRequest) -> HttpResponse:
    """Anyone: upload a PDF and see whether it is authentic."""
    result, error = None, ""
    if request.method == "POST":
        try:
            result = verify_pdf(read_pdf_upload(request.FILES.get("file")))
        except InvalidPdf as exc:
            error = str(exc)
    status = 400 if error else 200
    return render(
        request,
        "documents/verify.html",
        {"result": result, "error": error, "alert": ALERT.get(result.status, "info") if result else ""},
        status=status,
    )


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: the document as issued, the state of its seals, a download link."""
    document = selectors.document_by_code(code)
    if document is None:
        raise Http404("未找到该文书。")
    result = verify_pdf(document.pdf_bytes())
    return render(
        request,
        "documents/document.html",
        {"document": document, "result": result, "alert": ALERT.get(result.status, "info")},
    )


def download(request: HttpRequest, code: str) -> FileResponse:
    document = selectors.document_by_code(code)
    if document is None:
        raise Http404("未找到该文书。")
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf", as_attachment=False
    )


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """Documents the user may see, newest first; search by title or number (文号), filter by kind."""
    user = acting_user(request)
    filters = {"q": search_text(request), "kind": choice(request, "kind", DocumentKind.choices)}
    # a document sealed twice by the user's organisation (unit seal and legal representative's seal) is one row
    documents = selectors.documents_for(user).distinct()
    if filters["q"]:
        documents = documents.filter(Q(title__icontains=filters["q"]) | Q(number__icontains=filters["q"]))
    if filters["kind"]:
        documents = documents.filter(kind=filters["kind"])
    page = paginate(request, documents, per_page=DOCUMENTS_PER_PAGE, filters=filters)
    return render(request, "documents/list.html", {"page": page, "params": filters, "kinds": DocumentKind.choices})


def _may_revoke(user, seal) -> bool:  # noqa: ANN001
    if user.is_sysadmin:
        return True
    return user.organisation_id == seal.organisation_id and user.has_role(Role.ENTERPRISE_LEGAL, Role.APPROVER, Role.LEADER)


@login_required
def seal_list(request: HttpRequest, status: int = 200) -> HttpResponse:
    """Seals by organisation; search by seal or organisation name."""
    user = acting_user(request)
    q = search_text(request)
    seals = selectors.seals_for(user)
    if q:
        seals = seals.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    page = paginate(request, seals, filters={"q": q})
    rows = [(seal, _may_revoke(user, seal)) for seal in page.object_list]
    return render(request, "documents/seals.html", {"rows": rows, "page": page, "q": q}, status=status)


@login_required
def seal_image(request: HttpRequest, pk: int) -> HttpResponse:
    seal = get_object_or_404(selectors.seals_for(acting_user(request)), pk=pk)
    return HttpResponse(bytes(seal.image), content_type="image/png")


@login_required
@require_POST
def seal_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    seal = get_object_or_404(selectors.seals_for(user), pk=pk)

    def revoke() -> HttpResponse:
        if not _may_revoke(user, seal):
            raise PermissionDenied("只有本单位负责人或系统管理员可以吊销电子印章。")
        services.revoke_seal(seal, reason=request.POST.get("reason", ""), acting_user=user)
        messages.success(request, f"已吊销电子印章：{seal.name}")
        return redirect("documents:seals")

    # refused: the list again with the message and a 4xx (nothing revoked)
    return attempt(request, revoke, lambda status: seal_list(request, status=status))


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.is_sysadmin:
        raise PermissionDenied("仅系统管理员可以查看安全校验结果。")
    return render(request, "documents/integrity.html", {"chain": verify_chain(), "acl_issues": verify_assignments()})
