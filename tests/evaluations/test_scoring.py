"""The scoring engine on every rule of domain.md §4."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from evaluations.scoring import (
    DEFAULT_POLICY,
    LINEAR,
    Policy,
    budget_score,
    score_indicator,
    spread_weight,
    spread_weights,
    total_score,
    weight_problems,
)

D = Decimal


def test_a_positive_indicator_short_of_its_target_scores_in_proportion_and_explains_it():
    proposal = score_indicator("≥90%", "85%", D("10"))
    assert proposal.score == D("9.44")
    assert proposal.explanation == "实际 85% ÷ 目标 90% × 10 分 = 9.44 分。"
    assert proposal.needs_reason


def test_a_positive_indicator_that_meets_its_target_scores_full_without_a_reason():
    proposal = score_indicator("≥21场", "25场", D("5"))
    assert proposal.score == D("5.00")
    assert not proposal.needs_reason


def test_a_bare_number_is_a_target_to_reach():
    assert score_indicator("100%", "98%", D("10")).score == D("9.80")
    assert score_indicator("32人", "32人", D("10")).score == D("10.00")


def test_over_achievement_of_130_percent_needs_a_reason():
    assert score_indicator("≥100次", "130次", D("10")).needs_reason
    assert "130%" in score_indicator("≥100次", "130次", D("10")).reason_why
    assert not score_indicator("≥100次", "129次", D("10")).needs_reason


def test_a_reverse_indicator_within_its_target_scores_full():
    assert score_indicator("≤1.8%", "1.5%", D("10")).score == D("10.00")


def test_a_reverse_indicator_over_its_target_uses_the_ratio_rule_by_default():
    proposal = score_indicator("≤2%", "2.5%", D("10"))
    assert proposal.score == D("8.00")
    assert "目标 2% ÷ 实际 2.5%" in proposal.explanation


def test_the_linear_reverse_rule_falls_to_zero_at_twice_the_target():
    policy = Policy(reverse_rule=LINEAR)
    assert score_indicator("≤2%", "2.5%", D("10"), policy=policy).score == D("7.50")
    assert score_indicator("≤2%", "4%", D("10"), policy=policy).score == D("0.00")
    assert score_indicator("≤2%", "5%", D("10"), policy=policy).score == D("0.00")


def test_a_target_of_zero():
    assert score_indicator("0起", "0起", D("10")).score == D("10.00")
    assert score_indicator("0起", "1起", D("10")).score == D("0.00")
    assert score_indicator("≤0次", "0次", D("10")).score == D("10.00")


def test_units_in_the_name_or_in_the_value():
    assert score_indicator("≥90", "85", D("10"), name="合格率（%）").score == D("9.44")
    assert score_indicator("≥90", "85%", D("10"), name="合格率（%）").score == D("9.44")


def test_different_units_are_flagged_for_a_person_not_guessed():
    proposal = score_indicator("≥3家", "3次", D("10"))
    assert proposal.score is None and proposal.flagged
    assert "单位" in proposal.explanation


def test_a_text_actual_value_is_flagged():
    proposal = score_indicator("≥90%", "基本完成", D("10"))
    assert proposal.score is None and proposal.flagged


def test_qualitative_targets_get_bands_at_their_edges():
    proposal = score_indicator("及时", "及时", D("10"))
    assert proposal.score is None and proposal.qualitative
    assert proposal.bands == (
        ("达成年度指标", D("8.00"), D("10.00")),
        ("部分达成年度指标并具有一定效果", D("6.00"), D("8.00")),
        ("未达成年度指标且效果较差", D("0.00"), D("6.00")),
    )


def test_scores_round_half_up_to_two_decimals():
    # 2 ÷ 3 × 10 = 6.666… → 6.67; 1 ÷ 8 × 10 = 1.25 exactly; 0.125 → 0.13 (half-even would give 0.12)
    assert score_indicator("≥3次", "2次", D("10")).score == D("6.67")
    assert score_indicator("≥8次", "1次", D("1")).score == D("0.13")


def test_the_budget_execution_score_is_capped_at_its_weight():
    assert budget_score(D("80"), D("100")) == D("8.00")
    assert budget_score(D("120"), D("100")) == D("10.00")
    assert budget_score(D("1"), D("0")) is None


def test_weights_spread_evenly_and_sum_to_the_level1_weight():
    assert spread_weight(D("50"), 3) == [D("16.67"), D("16.67"), D("16.66")]
    weights = spread_weights(["产出指标"] * 7 + ["效益指标"] * 2 + ["满意度指标"])
    assert sum(weights[:7]) == D("50") and sum(weights[7:9]) == D("30") and weights[9] == D("10")
    assert weight_problems(zip(["产出指标"] * 7, weights[:7], strict=True)) == []
    assert weight_problems([("产出指标", D("40"))]) == ["产出指标各指标分值合计40.00分，应为50.00分。"]


def test_grades():
    grade = DEFAULT_POLICY.grade
    assert [grade(D(x)) for x in ("100", "90", "89.99", "80", "79.99", "60", "59.99", "0")] == [
        "优", "优", "良", "良", "中", "中", "差", "差",
    ]  # fmt: skip
    assert grade(None) == ""


def test_the_total_is_the_sum_of_its_parts_and_unknown_while_a_part_is_unscored():
    assert total_score([D("9.50"), D("40"), D("28.33")]) == D("77.83")
    assert total_score([D("9.50"), None]) is None


# --- properties ------------------------------------------------------------------------------------------

numbers = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
comparators = st.sampled_from(["≥", "≤", "", ">", "<"])


@given(target=numbers, actual=numbers, weight=weights, comparator=comparators)
def test_every_score_lies_between_zero_and_its_weight(target, actual, weight, comparator):
    proposal = score_indicator(f"{comparator}{target}%", f"{actual}%", weight)
    assert proposal.score is not None
    assert D("0") <= proposal.score <= weight


@given(target=numbers, low=numbers, high=numbers, weight=weights)
def test_raising_the_actual_value_of_a_positive_indicator_never_lowers_its_score(target, low, high, weight):
    low, high = sorted([low, high])
    assert (
        score_indicator(f"≥{target}次", f"{low}次", weight).score
        <= score_indicator(f"≥{target}次", f"{high}次", weight).score
    )


@given(parts=st.lists(weights, min_size=1, max_size=30))
def test_the_total_equals_the_sum_of_its_parts(parts):
    assert total_score(parts) == sum(parts, D("0"))


@given(total=weights, count=st.integers(min_value=1, max_value=40))
def test_a_spread_weight_always_sums_to_its_total(total, count):
    assert sum(spread_weight(total, count)) == total
