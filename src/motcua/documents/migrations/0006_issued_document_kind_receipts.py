# Receipts (ADR 0057): a result document has a kind; one of each kind per dossier.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0005_stored_file_original_hash_and_removed_content'),
        ('dossiers', '0004_processing_counter_bundles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='resultdocument',
            name='kind',
            field=models.CharField(choices=[('result', 'Result of a dossier'), ('receipt', 'Electronic receipt of a paid fee')], default='result', max_length=16),
        ),
        migrations.AlterField(
            model_name='resultdocument',
            name='dossier',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issued_documents', to='dossiers.dossier'),
        ),
        migrations.AlterField(
            model_name='resultdocument',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approved_results', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='resultdocument',
            constraint=models.UniqueConstraint(fields=('dossier', 'kind'), name='documents_one_of_each_kind_per_dossier'),
        ),
    ]
