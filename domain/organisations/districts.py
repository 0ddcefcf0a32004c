"""Shanghai's 16 districts with their GB/T 2260 codes (reference data, loaded by migration)."""

SHANGHAI_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("310101", "黄浦区"),
    ("310104", "徐汇区"),
    ("310105", "长宁区"),
    ("310106", "静安区"),
    ("310107", "普陀区"),
    ("310109", "虹口区"),
    ("310110", "杨浦区"),
    ("310112", "闵行区"),
    ("310113", "宝山区"),
    ("310114", "嘉定区"),
    ("310115", "浦东新区"),
    ("310116", "金山区"),
    ("310117", "松江区"),
    ("310118", "青浦区"),
    ("310120", "奉贤区"),
    ("310151", "崇明区"),
)


def ensure_reference_data() -> None:
    """Districts and role groups (idempotent). Run by the data migration, by the demo loader and by tests whose
    transactional flush removed migration data."""
    from .models import District
    from .roles import ensure_role_groups

    for code, name in SHANGHAI_DISTRICTS:
        District.objects.update_or_create(code=code, defaults={"name": name})
    ensure_role_groups()
