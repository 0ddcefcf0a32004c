import shutil
import subprocess

import pytest

from documents import services
from documents.verify import VALID, verify_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

CASES = {
    "notice": ({"recipient": "上海申城置业发展有限公司", "paragraphs": ["请于十个工作日内补正材料。"]}, ["补正材料", "特此通知"]),
    "decision": (
        {"party": {"当事人": "上海东起机械租赁有限公司"}, "facts": ["起重机械未办理使用登记。"], "basis": "《建筑起重机械安全监督管理规定》", "decision": "责令限期改正。"},
        ["经查明", "未办理使用登记", "责令限期改正", "行政复议"],
    ),
    "certificate": ({"holder": "上海浦江建设集团有限公司", "valid_until": "2029年12月31日"}, ["持证单位", "2029年12月31日"]),
    "receipt": ({"document_title": "责令整改通知书", "recipient": "张志强", "method": "直接送达"}, ["送达文书名称", "受送达人", "张志强"]),
    "contract_summary": (
        {"parties": [["发包人", "上海申城置业发展有限公司"], ["承包人", "上海浦江建设集团有限公司"]], "amount": "12,345,678.00 元", "clauses": ["工程款按月支付。"]},
        ["发包人", "12,345,678.00", "工程款按月支付"],
    ),
    "generic": ({"table": [["时间", "事项"], ["2026-11-29", "现场检查"]]}, ["现场检查"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_template_renders_extractable_chinese_text(kind, directory, tmp_path):
    context, expected = CASES[kind]
    doc = services.issue_document(
        kind=kind, title=f"测试{kind}", context=context, issuer=directory["city"], subject=directory["contractor"]
    )
    path = tmp_path / "d.pdf"
    path.write_bytes(doc.pdf_bytes())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    for phrase in [*expected, doc.number, "上海市住房和城乡建设管理委员会"]:
        assert phrase in text, phrase
    assert doc.subject == directory["contractor"]
    assert verify_pdf(doc.pdf_bytes()).status == VALID


@pytest.mark.django_db
def test_numbers_are_sequential_per_kind_and_unique(directory):
    from django.core.exceptions import ValidationError

    a = services.issue_document(kind="notice", title="甲", context={})
    b = services.issue_document(kind="notice", title="乙", context={})
    c = services.issue_document(kind="decision", title="丙", context={})
    assert int(b.number[-6:-1]) == int(a.number[-6:-1]) + 1
    assert "决" in c.number
    with pytest.raises(ValidationError):
        services.issue_document(kind="notice", title="丁", context={}, number=a.number)
    with pytest.raises(ValidationError):
        services.issue_document(kind="memo", title="戊", context={})


@pytest.mark.django_db
def test_delivery_issues_a_receipt_and_encrypts_the_recipients_id(directory, user, tmp_path):
    notice = services.issue_document(kind="notice", title="责令整改通知书", context={}, issuer=directory["310115"])
    delivery = services.record_delivery(
        document=notice,
        recipient_name="王建国",
        recipient_id_number="310101199001011234",
        method="direct",
        acting_user=user("officer_pd"),
    )
    path = tmp_path / "r.pdf"
    path.write_bytes(delivery.receipt.pdf_bytes())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "送达回证" in text and notice.number in text and "王建国" in text and "直接送达" in text
    assert "310101199001011234" not in text
