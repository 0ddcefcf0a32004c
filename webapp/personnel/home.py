from typing import Any

from domain.personnel import selectors
from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    person = selectors.person_of(user)
    if person is not None:
        n = selectors.certificates_visible_to(user).filter(person=person).count()
        return [HomeCard("我的安管人员证书", "申请考核发证、延续、变更单位、注销，下载电子证书。", "/personnel/", "进入",
                         "person-badge", 10, n)]
    if user.organisation_id and not user.organisation.is_regulator:
        return [HomeCard("本单位安管人员", "在职人员及证书状态，确认员工的申请。", "/personnel/", "查看", "people", 45,
                         selectors.staff_of(user).count())]
    return [HomeCard("安管人员证书", "证书查询、统计、导出，企业更名批量变更，人工客服。", "/personnel/query/", "查询",
                     "person-badge", 45)]
