"""Construction cranes (建筑起重机械): property filing (产权备案), installation and dismantling notices
(安装/拆卸告知) and use registration (使用登记) — 建设部令166号, 建质〔2008〕76号, 上海市建设工程质量和安全管理条例 37-38.

States move only through the django-fsm transitions below; services call them, nothing assigns a state."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import District, Organisation


class MachineType(models.TextChoices):
    TOWER_CRANE = "tower_crane", "塔式起重机"
    HOIST_SC = "hoist_sc", "施工升降机（SC型）"
    HOIST_SS = "hoist_ss", "施工升降机（SS型）"
    GANTRY_CRANE = "gantry_crane", "门式起重机"
    BRIDGE_CRANE = "bridge_crane", "桥式起重机"
    OTHER = "other", "其他起重机械"


CAPACITY_UNITS = {MachineType.TOWER_CRANE: "kN·m"}  # other types: rated load in t


class MachineState(models.TextChoices):
    DRAFT = "draft", "未备案"
    FILED = "filed", "已备案"
    INSTALLED = "installed", "已安装"
    REGISTERED_IN_USE = "registered_in_use", "已使用登记"
    DISMANTLED = "dismantled", "已拆卸"
    SCRAPPED = "scrapped", "已报废"


def has_filing_number(machine: Any) -> bool:
    return bool(machine.filing_number)


def has_inspection_and_acceptance(machine: Any) -> bool:
    """使用登记前必须有检验报告和验收记录 (the current installation's pending registration carries both)."""
    installation = machine.current_installation()
    if installation is None:
        return False
    return installation.registrations.filter(
        inspection_report_no__gt="", accepted_on__isnull=False
    ).exists()


class Machine(models.Model):
    """One crane or hoist (一机一号): identified after property filing by its filing number."""

    owner = models.ForeignKey(Organisation, verbose_name="产权单位", on_delete=models.PROTECT, related_name="machines")
    district = models.ForeignKey(District, verbose_name="备案机关所在区", on_delete=models.PROTECT, related_name="+")
    machine_type = models.CharField("设备类型", max_length=20, choices=MachineType.choices, db_index=True)
    model_name = models.CharField("规格型号", max_length=60)
    manufacturer = models.CharField("制造单位", max_length=200)
    manufacturing_licence_no = models.CharField("制造许可证编号", max_length=60)
    product_certificate_no = models.CharField("产品合格证编号", max_length=60)
    factory_serial_no = models.CharField("出厂编号", max_length=60)
    factory_date = models.DateField("出厂日期")
    rated_capacity = models.DecimalField("额定起重力矩（kN·m）/额定载重量（t）", max_digits=10, decimal_places=2)
    safety_devices_ok = models.BooleanField("安全装置齐全有效", default=True)
    filing_number = models.CharField("备案编号（一机一号）", max_length=40, unique=True, null=True, blank=True)
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    state = FSMField("状态", default=MachineState.DRAFT, choices=MachineState.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "建筑起重机械"
        verbose_name_plural = "建筑起重机械"
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "factory_serial_no"], name="machine_manufacturer_serial_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_machine_type_display()} {self.model_name}（{self.filing_number or '未备案'}）"

    @property
    def district_code(self) -> str:
        return self.district_id

    @property
    def capacity_unit(self) -> str:
        return CAPACITY_UNITS.get(self.machine_type, "t")  # type: ignore[call-overload]

    def current_installation(self) -> Installation | None:
        return self.installations.filter(state__in=ACTIVE_INSTALLATION).order_by("-id").first()

    @transition(field=state, source=MachineState.DRAFT, target=MachineState.FILED, conditions=[has_filing_number])
    def file(self) -> None:
        """Property filing granted (产权备案): a filing number has been issued."""

    @transition(
        field=state,
        source=[MachineState.FILED, MachineState.DISMANTLED],
        target=MachineState.INSTALLED,
        conditions=[has_filing_number],
    )
    def install(self) -> None:
        """Installed on a site after an accepted installation notice (安装告知). No installation before filing."""

    @transition(
        field=state,
        source=MachineState.INSTALLED,
        target=MachineState.REGISTERED_IN_USE,
        conditions=[has_inspection_and_acceptance],
    )
    def register_use(self) -> None:
        """Use registration granted (使用登记). Needs an inspection report and an acceptance record."""

    @transition(
        field=state,
        source=[MachineState.INSTALLED, MachineState.REGISTERED_IN_USE],
        target=MachineState.DISMANTLED,
    )
    def dismantle(self) -> None:
        """Dismantling notice filed (拆卸告知); the use registration is closed."""

    @transition(
        field=state,
        source=[MachineState.DRAFT, MachineState.FILED, MachineState.DISMANTLED],
        target=MachineState.SCRAPPED,
    )
    def scrap(self) -> None:
        """Scrapped (报废注销). Final: no transition leaves this state."""


class FilingState(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已备案"
    REFUSED = "refused", "不予备案"


class PropertyFiling(models.Model):
    """An application for property filing (产权备案申请) with its documents and screening result."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="filings")
    applicant = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    documents = models.JSONField("申请材料（附件编号）", default=dict)
    disqualifiers = models.JSONField("不予备案情形", default=list)
    opinion = models.TextField("审核意见", blank=True)
    state = FSMField("状态", default=FilingState.SUBMITTED, choices=FilingState.choices, protected=True)
    process_instance_id = models.BigIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "产权备案申请"
        verbose_name_plural = "产权备案申请"

    def __str__(self) -> str:
        return f"产权备案 {self.machine}"

    @property
    def district_code(self) -> str:
        return self.machine.district_id

    @transition(field=state, source=FilingState.SUBMITTED, target=FilingState.APPROVED)
    def approve(self) -> None:
        """予以备案."""

    @transition(field=state, source=FilingState.SUBMITTED, target=FilingState.REFUSED)
    def refuse(self) -> None:
        """不予备案."""


class InstallationState(models.TextChoices):
    NOTIFIED = "notified", "已告知（待施工总承包单位确认）"
    CONTRACTOR_CONFIRMED = "contractor_confirmed", "施工总承包单位已确认（待监理审核）"
    ACCEPTED = "accepted", "告知通过（已安装）"
    REJECTED = "rejected", "告知退回"
    REMOVED = "removed", "已拆卸"


ACTIVE_INSTALLATION = (
    InstallationState.NOTIFIED,
    InstallationState.CONTRACTOR_CONFIRMED,
    InstallationState.ACCEPTED,
)


class Installation(models.Model):
    """An installation notice (安装告知) and the installed machine on a site."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="installations")
    permit = models.ForeignKey(
        "sites.Permit",
        verbose_name="施工许可证",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="machine_installations",
        help_text="工程的施工许可证（审批系统推送）；有许可证时工程名称、地址和所在区以许可证为准",
    )
    site_name = models.CharField("工程名称", max_length=200)
    site_address = models.CharField("工程地址", max_length=200)
    site_district = models.ForeignKey(District, verbose_name="工程所在区", on_delete=models.PROTECT, related_name="+")
    main_contractor = models.ForeignKey(
        Organisation, verbose_name="施工总承包单位（使用单位）", on_delete=models.PROTECT, related_name="+"
    )
    supervising_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="监理工程师", on_delete=models.PROTECT, related_name="+"
    )
    installer_name = models.CharField("安装单位", max_length=200)
    installer_qualification_no = models.CharField("起重设备安装工程专业承包资质证书编号", max_length=60)
    installer_safety_licence_no = models.CharField("安全生产许可证编号", max_length=60)
    crew = models.JSONField("作业人员（特种作业操作资格证书）", default=list)
    plan_summary = models.TextField("安装方案摘要")
    planned_start = models.DateField("计划安装开始日期")
    planned_end = models.DateField("计划安装完成日期")
    state = FSMField("状态", default=InstallationState.NOTIFIED, choices=InstallationState.choices, protected=True)
    opinions = models.JSONField("审核意见", default=list)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "安装告知"
        verbose_name_plural = "安装告知"

    def __str__(self) -> str:
        return f"{self.machine} 安装于 {self.site_name}"

    @property
    def district_code(self) -> str:
        return self.site_district_id

    @transition(field=state, source=InstallationState.NOTIFIED, target=InstallationState.CONTRACTOR_CONFIRMED)
    def confirm_by_contractor(self) -> None:
        """施工总承包单位审核确认."""

    @transition(field=state, source=InstallationState.CONTRACTOR_CONFIRMED, target=InstallationState.ACCEPTED)
    def accept(self) -> None:
        """监理单位审核通过; the machine counts as installed."""

    @transition(
        field=state,
        source=[InstallationState.NOTIFIED, InstallationState.CONTRACTOR_CONFIRMED],
        target=InstallationState.REJECTED,
    )
    def reject(self) -> None:
        """退回告知."""

    @transition(field=state, source=InstallationState.ACCEPTED, target=InstallationState.REMOVED)
    def remove(self) -> None:
        """拆卸完成."""


class RegistrationState(models.TextChoices):
    SUBMITTED = "submitted", "已申请（待监理审核）"
    ENGINEER_REVIEWED = "engineer_reviewed", "监理已审核（待主管部门审核）"
    AWAITING_CODE = "awaiting_code", "待全国平台核验赋码"
    CODED = "coded", "已赋码（待审批）"
    APPROVED = "approved", "已登记（使用中）"
    REFUSED = "refused", "不予登记"
    CLOSED = "closed", "已注销（已拆卸）"


def has_national_code(registration: Any) -> bool:
    return bool(registration.national_code)


class UseRegistration(models.Model):
    """Use registration (使用登记) applied for by the user (the main contractor) within 30 days of acceptance."""

    installation = models.ForeignKey(Installation, on_delete=models.PROTECT, related_name="registrations")
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="registrations")
    applicant = models.ForeignKey(Organisation, verbose_name="使用单位", on_delete=models.PROTECT, related_name="+")
    inspection_body = models.CharField("检验检测机构", max_length=200)
    inspection_report_no = models.CharField("检验报告编号", max_length=60)
    inspected_on = models.DateField("检验日期")
    inspection_valid_until = models.DateField("检验有效期至")
    accepted_on = models.DateField("验收日期", null=True)
    operators = models.JSONField("特种作业人员名单", default=list)
    documents = models.JSONField("申请材料（附件编号）", default=dict)
    national_code = models.CharField("全国平台设备识别码", max_length=60, blank=True)
    registration_number = models.CharField("使用登记编号", max_length=40, unique=True, null=True, blank=True)
    certificate = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinions = models.JSONField("审核意见", default=list)
    state = FSMField("状态", default=RegistrationState.SUBMITTED, choices=RegistrationState.choices, protected=True)
    process_instance_id = models.BigIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "使用登记"
        verbose_name_plural = "使用登记"

    def __str__(self) -> str:
        return f"使用登记 {self.registration_number or self.pk} {self.machine}"

    @property
    def district_code(self) -> str:
        return self.installation.site_district_id

    @property
    def business_key(self) -> str:
        return f"machinery-use-{self.pk}"

    @transition(field=state, source=RegistrationState.SUBMITTED, target=RegistrationState.ENGINEER_REVIEWED)
    def engineer_review(self) -> None:
        """监理工程师审核通过."""

    @transition(field=state, source=RegistrationState.ENGINEER_REVIEWED, target=RegistrationState.AWAITING_CODE)
    def request_code(self) -> None:
        """主管部门审核通过, 提交全国工程质量安全监管平台核验赋码."""

    @transition(
        field=state,
        source=RegistrationState.AWAITING_CODE,
        target=RegistrationState.CODED,
        conditions=[has_national_code],
    )
    def receive_code(self) -> None:
        """全国平台核验通过并赋码."""

    @transition(field=state, source=RegistrationState.CODED, target=RegistrationState.APPROVED)
    def approve(self) -> None:
        """准予使用登记."""

    @transition(
        field=state,
        source=[RegistrationState.SUBMITTED, RegistrationState.ENGINEER_REVIEWED, RegistrationState.CODED],
        target=RegistrationState.REFUSED,
    )
    def refuse(self) -> None:
        """不予登记."""

    @transition(field=state, source=RegistrationState.APPROVED, target=RegistrationState.CLOSED)
    def close(self) -> None:
        """拆卸后注销使用登记, 交回登记证明."""


DISMANTLING_CHECKLIST = {
    "plan_approved": "拆卸专项施工方案已经审批",
    "safety_briefing": "已对作业人员进行安全技术交底",
    "area_cordoned": "作业区域已设置警戒并专人监护",
    "weather_checked": "已确认作业时段风力不超过规定（≤6级）",
    "supervisor_present": "监理人员到场旁站",
    "certificate_returned": "使用登记证明已交回",
}


class DismantlingState(models.TextChoices):
    SUBMITTED = "submitted", "已告知（待备案）"
    FILED = "filed", "已备案"
    REJECTED = "rejected", "退回"


class Dismantling(models.Model):
    """A dismantling notice (拆卸告知)."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="dismantlings")
    installation = models.ForeignKey(Installation, on_delete=models.PROTECT, related_name="dismantlings")
    registration = models.ForeignKey(
        UseRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="dismantlings"
    )
    dismantler_name = models.CharField("拆卸单位", max_length=200)
    dismantler_qualification_no = models.CharField("资质证书编号", max_length=60)
    dismantler_safety_licence_no = models.CharField("安全生产许可证编号", max_length=60)
    crew = models.JSONField("作业人员（特种作业操作资格证书）", default=list)
    checklist = models.JSONField("拆卸作业要求确认", default=dict)
    planned_date = models.DateField("计划拆卸日期")
    state = FSMField("状态", default=DismantlingState.SUBMITTED, choices=DismantlingState.choices, protected=True)
    opinion = models.TextField("备案意见", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "拆卸告知"
        verbose_name_plural = "拆卸告知"

    def __str__(self) -> str:
        return f"拆卸告知 {self.machine}"

    @property
    def district_code(self) -> str:
        return self.installation.site_district_id

    @transition(field=state, source=DismantlingState.SUBMITTED, target=DismantlingState.FILED)
    def file(self) -> None:
        """拆卸告知备案."""

    @transition(field=state, source=DismantlingState.SUBMITTED, target=DismantlingState.REJECTED)
    def reject(self) -> None:
        """退回."""


class UseConfirmation(models.Model):
    """The supervising engineer's on-site confirmation that a registered machine is in order (监理日常检查确认):
    the use-registration mark displayed, operators certified, the periodic inspection valid."""

    registration = models.ForeignKey(UseRegistration, on_delete=models.PROTECT, related_name="confirmations")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField("检查日期")
    in_order = models.BooleanField("检查结论：正常")
    note = models.CharField("检查记录", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        verbose_name = "监理使用确认"
        verbose_name_plural = "监理使用确认"

    def __str__(self) -> str:
        return f"{self.registration} {self.confirmed_on}"
