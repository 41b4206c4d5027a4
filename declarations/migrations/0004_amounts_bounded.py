from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    """Every amount at most 1,000,000,000 万元 (core.money.AMOUNT_MAX), in the database.

    A migration of its own: PostgreSQL cannot ALTER a table that the previous migration's data step
    left with pending trigger events in the same transaction.
    """

    dependencies = [
        ('declarations', '0003_amounts_to_the_fen'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('basic_expenditure__lte', Decimal('1000000000'))), name='declarations_declaration_basic_expenditure_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('project_expenditure__lte', Decimal('1000000000'))), name='declarations_declaration_project_expenditure_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('special_funds__lte', Decimal('1000000000'))), name='declarations_declaration_special_funds_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('other_development__lte', Decimal('1000000000'))), name='declarations_declaration_other_development_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_appropriation__lte', Decimal('1000000000'))), name='declarations_declaration_fiscal_appropriation_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('other_funds__lte', Decimal('1000000000'))), name='declarations_declaration_other_funds_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('district_level__lte', Decimal('1000000000'))), name='declarations_declaration_district_level_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declaration',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_payment__lte', Decimal('1000000000'))), name='declarations_declaration_transfer_payment_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='declarationtask',
            constraint=models.CheckConstraint(condition=models.Q(('amount__lte', Decimal('1000000000'))), name='declarations_task_amount_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_appropriation__lte', Decimal('1000000000'))), name='declarations_project_fiscal_appropriation_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('special_account__lte', Decimal('1000000000'))), name='declarations_project_special_account_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('other_funds__lte', Decimal('1000000000'))), name='declarations_project_other_funds_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('general_public_budget__lte', Decimal('1000000000'))), name='declarations_targettable_general_public_budget_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('government_fund__lte', Decimal('1000000000'))), name='declarations_targettable_government_fund_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('special_account__lte', Decimal('1000000000'))), name='declarations_targettable_special_account_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('business_income__lte', Decimal('1000000000'))), name='declarations_targettable_business_income_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('operating_income__lte', Decimal('1000000000'))), name='declarations_targettable_operating_income_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
        migrations.AddConstraint(
            model_name='targettable',
            constraint=models.CheckConstraint(condition=models.Q(('other_income__lte', Decimal('1000000000'))), name='declarations_targettable_other_income_bounded', violation_error_message='金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。'),
        ),
    ]
