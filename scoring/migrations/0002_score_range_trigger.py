"""A score must lie inside its criterion's range. The range lives on another table, which a
CHECK constraint cannot see, so the database enforces it with a trigger on both engines."""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER scoring_score_range_insert BEFORE INSERT ON scoring_score
    WHEN NEW.value < (SELECT min_value FROM award_criterion WHERE id = NEW.criterion_id)
      OR NEW.value > (SELECT max_value FROM award_criterion WHERE id = NEW.criterion_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: score_value_in_criterion_range'); END;
    """,
    """
    CREATE TRIGGER scoring_score_range_update BEFORE UPDATE OF value, criterion_id ON scoring_score
    WHEN NEW.value < (SELECT min_value FROM award_criterion WHERE id = NEW.criterion_id)
      OR NEW.value > (SELECT max_value FROM award_criterion WHERE id = NEW.criterion_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: score_value_in_criterion_range'); END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS scoring_score_range_insert;",
    "DROP TRIGGER IF EXISTS scoring_score_range_update;",
]

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION scoring_score_range_check() RETURNS trigger AS $$
    DECLARE lo numeric; hi numeric;
    BEGIN
      SELECT min_value, max_value INTO lo, hi FROM award_criterion WHERE id = NEW.criterion_id;
      IF NEW.value < lo OR NEW.value > hi THEN
        RAISE EXCEPTION 'score % outside criterion range [%, %]', NEW.value, lo, hi
          USING ERRCODE = 'check_violation', CONSTRAINT = 'score_value_in_criterion_range';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER scoring_score_range BEFORE INSERT OR UPDATE OF value, criterion_id ON scoring_score
    FOR EACH ROW EXECUTE FUNCTION scoring_score_range_check();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS scoring_score_range ON scoring_score;",
    "DROP FUNCTION IF EXISTS scoring_score_range_check();",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
