from webapp.nav import NavItem

ITEMS = [
    NavItem("起重机械", "machinery:list", roles=frozenset(), order=65, icon="truck-flatbed"),
    NavItem("在用起重机械", "machinery:in-use", roles=frozenset(), order=66, icon="building-gear"),
]
