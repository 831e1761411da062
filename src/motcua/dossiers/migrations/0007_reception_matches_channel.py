# The reception check constraint was declared in Dossier.Meta but overridden by a second
# `constraints` list, so it never reached the database. Before adding it, later bundle members
# created from a counter or post application get the reception of the dossier they follow
# (they used to be created with the channel but no receiving officer).

from django.conf import settings
from django.db import migrations, models


def copy_reception_to_linked(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    stale = Dossier.objects.filter(linked_from__isnull=False, received_by__isnull=True).exclude(channel="online")
    for dossier in stale.select_related("linked_from").iterator():
        source = dossier.linked_from
        while source.received_by_id is None and source.linked_from_id is not None:
            source = source.linked_from
        dossier.received_by_id = source.received_by_id
        dossier.identity_check = source.identity_check
        dossier.save(update_fields=["received_by", "identity_check"])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('dossiers', '0006_inbox_open_idx'),
        ('exchange', '0001_initial'),
        ('identity', '0001_initial'),
        ('workflow', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_reception_to_linked, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='dossier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('channel', 'online'), ('identity_check', ''), ('received_by__isnull', True)), models.Q(models.Q(('channel', 'online'), _negated=True), ('received_by__isnull', False), models.Q(('identity_check', ''), _negated=True)), _connector='OR'), name='dossiers_reception_matches_channel'),
        ),
    ]
