# The work queue's partial index (open dossiers only), built without locking the table for
# writes on PostgreSQL (CREATE INDEX CONCURRENTLY, hence atomic = False); SQLite builds it plainly.

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0005_dossier_fee"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("status__in", ("received", "supplement_requested", "processed"))),
                fields=["agency_code", "due_on", "submitted_at", "id", "status"],
                name="dossiers_inbox_open_idx",
            ),
        ),
    ]
