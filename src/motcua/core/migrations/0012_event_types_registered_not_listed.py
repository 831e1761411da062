"""Event types are registered by their apps (core.vocabulary, ADR 0032), no longer listed as
choices on core's columns: a new event type needs no migration of core."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_audit_sealed_in_background'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='type',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='event',
            name='type',
            field=models.CharField(db_index=True, max_length=64),
        ),
    ]
