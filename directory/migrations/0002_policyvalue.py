"""PolicyValue moves from core to directory (core is a leaf: its regions are directory's). State only: the table
keeps its name, core_policyvalue, with its rows, indexes and constraints; core's 0004 drops the model from core's
state. The content type follows the model, so its permissions and admin history stay attached."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source="core", target="directory"):
    # A fresh database has no content types yet (they are created after migrating); an existing one has core's.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=target, model="policyvalue").exists():
        ContentType.objects.using(db).filter(app_label=source, model="policyvalue").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="directory", target="core")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_keyed_audit_chain'),
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PolicyValue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, verbose_name='参数')),
                        ('value', models.PositiveIntegerField(verbose_name='取值')),
                        ('effective_from', models.DateField(verbose_name='生效日期')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='依据')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='directory.region', verbose_name='地区')),
                    ],
                    options={
                        'verbose_name': '政策参数',
                        'verbose_name_plural': '政策参数',
                        'db_table': 'core_policyvalue',
                        'indexes': [models.Index(fields=['name', 'region', '-effective_from'], name='policy_lookup_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('region__isnull', False)), fields=('name', 'region', 'effective_from'), name='policy_one_regional_value_per_day'), models.UniqueConstraint(condition=models.Q(('region__isnull', True)), fields=('name', 'effective_from'), name='policy_one_national_value_per_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
