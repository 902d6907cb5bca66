"""PolicyValue now lives in directory (its 0002 took over the table, core_policyvalue, unchanged): drop it from
core's state only, so no row, index or constraint is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_keyed_audit_chain'),
        ('directory', '0002_policyvalue'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PolicyValue')],
            database_operations=[],
        ),
    ]
