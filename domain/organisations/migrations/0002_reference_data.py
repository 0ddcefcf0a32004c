from django.db import migrations


def load(apps, schema_editor):
    from domain.organisations.districts import SHANGHAI_DISTRICTS
    from domain.organisations.roles import Role

    District = apps.get_model("organisations", "District")
    Group = apps.get_model("auth", "Group")
    for code, name in SHANGHAI_DISTRICTS:
        District.objects.update_or_create(code=code, defaults={"name": name})
    for role in Role:
        Group.objects.get_or_create(name=role.value)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
