from webapp.nav import NavItem

ITEMS = [NavItem("首页", "home", order=0, icon="house")]
