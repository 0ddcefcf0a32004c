"""Web forms of the machinery pages. They only parse input; the rules live in the domain services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from domain.machinery.checks import CREW_TRADES
from domain.machinery.models import DISMANTLING_CHECKLIST, MachineType
from domain.organisations.models import District, Organisation, OrganisationKind, User
from domain.organisations.roles import Role

DATE = forms.DateInput(attrs={"type": "date"})
TRADE_BY_LABEL = {label: code for code, label in CREW_TRADES.items()}
CREW_HELP = "每行一人：姓名,工种,特种作业操作资格证书编号,有效期至（YYYY-MM-DD）。工种：" + "、".join(CREW_TRADES.values())


def parse_crew(text: str) -> list[dict[str, Any]]:
    """``姓名,工种,证书编号,有效期`` per line (Chinese or ASCII commas)."""
    people = []
    for n, line in enumerate(text.replace("，", ",").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            raise ValidationError(f"第{n}行应有4项（姓名,工种,证书编号,有效期至），现有{len(parts)}项。")
        name, trade, number, until = parts
        people.append(
            {"name": name, "trade": TRADE_BY_LABEL.get(trade, trade), "certificate_no": number, "valid_until": until}
        )
    return people


class CrewField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> Any:
        return parse_crew(super().to_python(value) or "")


class FilingForm(forms.Form):
    machine_type = forms.ChoiceField(label="设备类型", choices=MachineType.choices)
    model_name = forms.CharField(label="规格型号", max_length=60)
    manufacturer = forms.CharField(label="制造单位", max_length=200)
    manufacturing_licence_no = forms.CharField(label="制造许可证编号", max_length=60)
    product_certificate_no = forms.CharField(label="产品合格证编号", max_length=60)
    factory_serial_no = forms.CharField(label="出厂编号", max_length=60)
    factory_date = forms.DateField(label="出厂日期", widget=DATE)
    rated_capacity = forms.DecimalField(
        label="额定起重力矩（kN·m，塔式起重机）/额定载重量（t，其他）", max_digits=10, decimal_places=2, min_value=0
    )
    safety_devices_ok = forms.BooleanField(label="安全装置齐全有效", required=False, initial=True)
    manufacturing_licence = forms.FileField(label="特种设备制造许可证", required=False)
    product_certificate = forms.FileField(label="产品合格证", required=False)
    inspection_certificate = forms.FileField(label="制造监督检验证明", required=False)
    invoice = forms.FileField(label="购销合同或发票", required=False)

    DOCUMENTS = ("manufacturing_licence", "product_certificate", "inspection_certificate", "invoice")


class InstallationForm(forms.Form):
    permit_number = forms.CharField(
        label="施工许可证编号",
        max_length=64,
        required=False,
        help_text="填写后工程名称、地址和所在区以许可证为准；许可证尚未推送到本平台的，可不填并手工填写下面三项",
    )
    site_name = forms.CharField(label="工程名称", max_length=200, required=False)
    site_address = forms.CharField(label="工程地址", max_length=200, required=False)
    site_district = forms.ModelChoiceField(label="工程所在区", queryset=District.objects.all(), required=False)
    main_contractor = forms.ModelChoiceField(
        label="施工总承包单位（使用单位）",
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True, enterprise_type="contractor"),
    )
    supervising_engineer = forms.ModelChoiceField(
        label="监理工程师",
        queryset=User.objects.filter(is_active=True, groups__name=Role.SUPERVISING_ENGINEER).select_related("organisation"),
    )
    installer_name = forms.CharField(label="安装单位", max_length=200)
    installer_qualification_no = forms.CharField(label="起重设备安装工程专业承包资质证书编号", max_length=60)
    installer_safety_licence_no = forms.CharField(label="安装单位安全生产许可证编号", max_length=60)
    crew = CrewField(label="安装作业人员", help_text=CREW_HELP)
    plan_summary = forms.CharField(label="安装方案摘要", widget=forms.Textarea(attrs={"rows": 3}))
    planned_start = forms.DateField(label="计划安装开始日期（至少提前2个工作日告知）", widget=DATE)
    planned_end = forms.DateField(label="计划安装完成日期", widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("permit_number") or "").strip():
            for name, label in (("site_name", "工程名称"), ("site_address", "工程地址"), ("site_district", "工程所在区")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"未填写施工许可证编号时，请填写{label}。")
        return data


class UseRegistrationForm(forms.Form):
    inspection_body = forms.CharField(label="检验检测机构", max_length=200)
    inspection_report_no = forms.CharField(label="检验报告编号", max_length=60)
    inspected_on = forms.DateField(label="检验日期", widget=DATE)
    inspection_valid_until = forms.DateField(label="检验有效期至", widget=DATE)
    accepted_on = forms.DateField(label="验收日期（验收合格之日起30日内申请）", widget=DATE)
    operators = CrewField(label="特种作业人员名单（司机、信号司索工）", help_text=CREW_HELP)
    inspection_report = forms.FileField(label="检验报告", required=False)
    acceptance_record = forms.FileField(label="验收记录", required=False)
    safety_rules = forms.FileField(label="安全管理制度", required=False)

    DOCUMENTS = ("inspection_report", "acceptance_record", "safety_rules")


class DismantlingForm(forms.Form):
    dismantler_name = forms.CharField(label="拆卸单位", max_length=200)
    dismantler_qualification_no = forms.CharField(label="资质证书编号", max_length=60)
    dismantler_safety_licence_no = forms.CharField(label="安全生产许可证编号", max_length=60)
    crew = CrewField(label="拆卸作业人员", help_text=CREW_HELP)
    planned_date = forms.DateField(label="计划拆卸日期", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in DISMANTLING_CHECKLIST.items():
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key in DISMANTLING_CHECKLIST}


class ConfirmUseForm(forms.Form):
    result = forms.ChoiceField(label="检查结论", choices=[("ok", "正常"), ("issue", "发现问题")])
    note = forms.CharField(label="检查记录", max_length=300, required=False)


class ScrapForm(forms.Form):
    reason = forms.CharField(label="报废原因", max_length=300)


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
