"""The migration to bounded amounts to the 分 (issue 13, item 4), on a database holding an absurd amount."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEntry
from declarations.models import Declaration, DeclarationTask
from evaluations.models import DepartmentEvaluation

BEFORE = [("declarations", "0002_review_fields"), ("evaluations", "0003_scoring_policy")]
ABSURD = Decimal("99999999999999.99")  # accepted and saved before the bound
# What each database gives back for it: SQLite keeps 15 significant digits.
ABSURD_READ = {"99999999999999.99", "100000000000000.00"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def stored_before_the_bound(transactional_db):
    """A submitted declaration, a task and a self-evaluation saved with the old columns (16 digits, 2 decimals)."""
    apps = migrate(BEFORE)
    district = apps.get_model("core", "District").objects.create(name="天河区")
    department = apps.get_model("core", "Department").objects.create(
        name="广州市天河区司法局", district=district
    )
    declaration = apps.get_model("declarations", "Declaration").objects.create(
        department=department,
        year=2025,
        status="submitted",
        basic_expenditure=ABSURD,
        fiscal_appropriation=Decimal("4855.11"),
    )
    apps.get_model("declarations", "DeclarationTask").objects.create(
        declaration=declaration, name="法律顾问服务", amount=ABSURD
    )
    evaluation = apps.get_model("evaluations", "DepartmentEvaluation").objects.create(
        department=department, year=2022, actual_spending=ABSURD, adjusted_budget=Decimal("5936.28")
    )
    yield {"declaration": declaration.pk, "evaluation": evaluation.pk}
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_an_amount_above_the_bound_is_cleared_and_its_old_value_kept_in_the_history(stored_before_the_bound):
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    declaration = Declaration.objects.get(pk=stored_before_the_bound["declaration"])
    assert (declaration.basic_expenditure, declaration.fiscal_appropriation) == (0, Decimal("4855.11"))
    assert declaration.status == "submitted" and declaration.version == 2
    assert DeclarationTask.objects.get().amount == 0
    history = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Declaration), object_id=declaration.pk
    )
    entries = [entry.changes for entry in history.order_by("id")]
    assert [list(changes) for changes in entries] == [
        ["basic_expenditure"],
        ["年度重点工作任务“法律顾问服务” / 资金"],
    ]
    for changes in entries:
        ((old, new),) = changes.values()
        assert old in ABSURD_READ and new == "0.00"
    assert (
        AuditEntry.objects.filter(message__startswith="系统升级：金额超过上限 1,000,000,000 万元").count()
        == 3
    )
    evaluation = DepartmentEvaluation.objects.get(pk=stored_before_the_bound["evaluation"])
    assert (evaluation.actual_spending, evaluation.adjusted_budget) == (0, Decimal("5936.28"))


def test_after_the_migration_the_database_holds_every_row_to_the_bound(stored_before_the_bound):
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    forms = Declaration.objects.filter(pk=stored_before_the_bound["declaration"])
    # The form goes on: the workflow writes its status with an UPDATE, which the constraint checks.
    forms.update(status="returned")
    with pytest.raises(IntegrityError), transaction.atomic():
        forms.update(basic_expenditure=Decimal("1000000000.000001"))
    forms.update(basic_expenditure=Decimal("968.1918"))
    assert forms.get().basic_expenditure == Decimal("968.1918")
