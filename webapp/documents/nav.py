from domain.organisations.roles import Role
from webapp.nav import NavItem

ITEMS = [
    NavItem("文书核验", "documents:verify", order=85, icon="patch-check", public=True),
    NavItem("文书与印章", "documents:list", order=86, icon="file-earmark-text"),
    NavItem("安全校验", "documents:integrity", roles=frozenset({Role.SYSADMIN}), order=95, icon="shield-lock"),
]
