from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    """Every amount at most 1,000,000,000 万元 (core.money.AMOUNT_MAX), in the database.

    A migration of its own: PostgreSQL cannot ALTER a table that the previous migration's data step
    left with pending trigger events in the same transaction.
    """

    dependencies = [
        ('evaluations', '0004_amounts_to_the_fen'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='departmentevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('adjusted_budget__lte', Decimal('1000000000'))), name='evaluations_depteval_adjusted_budget_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='departmentevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('initial_budget__lte', Decimal('1000000000'))), name='evaluations_depteval_initial_budget_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='departmentevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('actual_spending__lte', Decimal('1000000000'))), name='evaluations_depteval_actual_spending_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='departmentevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('general_public_budget__lte', Decimal('1000000000'))), name='evaluations_depteval_general_public_budget_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='evaluationtask',
            constraint=models.CheckConstraint(condition=models.Q(('amount__lte', Decimal('1000000000'))), name='evaluations_evaltask_amount_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('initial_current__lte', Decimal('1000000000'))), name='evaluations_projeval_initial_current_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('initial_carryover__lte', Decimal('1000000000'))), name='evaluations_projeval_initial_carryover_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('initial_other__lte', Decimal('1000000000'))), name='evaluations_projeval_initial_other_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('annual_current__lte', Decimal('1000000000'))), name='evaluations_projeval_annual_current_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('annual_carryover__lte', Decimal('1000000000'))), name='evaluations_projeval_annual_carryover_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('annual_other__lte', Decimal('1000000000'))), name='evaluations_projeval_annual_other_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('executed_current__lte', Decimal('1000000000'))), name='evaluations_projeval_executed_current_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('executed_carryover__lte', Decimal('1000000000'))), name='evaluations_projeval_executed_carryover_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='projectevaluation',
            constraint=models.CheckConstraint(condition=models.Q(('executed_other__lte', Decimal('1000000000'))), name='evaluations_projeval_executed_other_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
    ]
