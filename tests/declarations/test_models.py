from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import FormStatus
from declarations.models import Declaration, DeclarationTask, Project


def make_declaration(department, **amounts) -> Declaration:
    values = {
        "basic_expenditure": Decimal("100.00"),
        "fiscal_appropriation": Decimal("100.00"),
        "district_level": Decimal("100.00"),
        **amounts,
    }
    return Declaration(department=department, year=2025, **values)


def test_balanced_totals_have_no_arithmetic_problem(tianhe):
    assert make_declaration(tianhe).arithmetic_problems() == []


def test_unbalanced_totals_are_reported_naming_all_three(tianhe):
    declaration = make_declaration(
        tianhe, fiscal_appropriation=Decimal("4855.11"), other_funds=Decimal("1000")
    )
    (message,) = declaration.arithmetic_problems()
    assert "支出合计" in message and "100.00" in message
    assert "收入来源合计" in message and "5,855.11" in message
    assert "预算级次合计" in message


def test_a_draft_with_unbalanced_totals_still_validates_so_nothing_typed_is_lost(tianhe):
    declaration = make_declaration(tianhe, fiscal_appropriation=Decimal("1.00"))
    declaration.full_clean()


def test_a_submitted_declaration_with_unbalanced_totals_does_not_validate(tianhe):
    declaration = make_declaration(tianhe, fiscal_appropriation=Decimal("1.00"), status=FormStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="三个合计不相等"):
        declaration.full_clean()


def test_negative_amounts_fail_validation_in_chinese(tianhe):
    declaration = make_declaration(tianhe, basic_expenditure=Decimal("-1.00"))
    with pytest.raises(ValidationError) as error:
        declaration.full_clean()
    assert error.value.message_dict["basic_expenditure"] == ["金额不能为负数。"]


def test_more_than_six_decimals_fail_validation(tianhe):
    declaration = make_declaration(tianhe, basic_expenditure=Decimal("1.0000001"))
    with pytest.raises(ValidationError) as error:
        declaration.full_clean()
    assert error.value.message_dict["basic_expenditure"] == ["金额最多保留六位小数（万元精确到分）。"]


def test_amounts_to_the_fen_are_stored_exactly(tianhe):
    declaration = make_declaration(
        tianhe, basic_expenditure=Decimal("132.912"), project_expenditure=Decimal("968.1918")
    )
    declaration.full_clean()
    declaration.save()
    stored = Declaration.objects.get(pk=declaration.pk)
    assert stored.basic_expenditure == Decimal("132.912")
    assert stored.project_expenditure == Decimal("968.1918")
    # The totals are taken on what is stored, not on what prints.
    assert stored.expenditure_total == Decimal("1101.1038")


def test_an_amount_above_the_bound_fails_validation_naming_the_bound(tianhe):
    declaration = make_declaration(tianhe, basic_expenditure=Decimal("99999999999999.99"))
    with pytest.raises(ValidationError) as error:
        declaration.full_clean()
    assert error.value.message_dict["basic_expenditure"] == [
        "金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"
    ]
    make_declaration(tianhe, basic_expenditure=Decimal("1000000000")).full_clean()


def test_the_database_refuses_an_amount_above_the_bound(tianhe):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(tianhe, transfer_payment=Decimal("1000000000.000001")).save()
    declaration = make_declaration(tianhe)
    declaration.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationTask.objects.create(declaration=declaration, name="任务", amount=Decimal("1000000001"))


def test_the_database_refuses_negative_amounts(tianhe):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(tianhe, transfer_payment=Decimal("-0.01")).save()


def test_the_database_refuses_a_negative_task_amount(tianhe):
    declaration = make_declaration(tianhe)
    declaration.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationTask.objects.create(declaration=declaration, name="任务", amount=Decimal("-5"))


def test_one_declaration_per_department_and_year(tianhe):
    make_declaration(tianhe).save()
    duplicate = make_declaration(tianhe)
    with pytest.raises(ValidationError, match="该部门该年度已有此表"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_one_project_per_name_department_and_year(tianhe):
    Project.objects.create(department=tianhe, year=2024, name="项目甲")
    Project.objects.create(department=tianhe, year=2025, name="项目甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(department=tianhe, year=2024, name="项目甲")


def test_project_total_is_the_sum_of_its_sources(tianhe):
    project = Project(
        department=tianhe,
        year=2024,
        name="项目",
        fiscal_appropriation=Decimal("82.60"),
        special_account=Decimal("10.05"),
        other_funds=Decimal("0.35"),
    )
    assert project.total == Decimal("93.00")
