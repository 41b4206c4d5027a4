import pytest

from core.models import FormKind
from indicators.models import Scheme


@pytest.mark.django_db
def test_the_scheme_is_chosen_by_form_kind_and_year():
    assert Scheme.objects.for_form(FormKind.DECLARATION, 2025).slug == "gz-dept-2025"
    assert Scheme.objects.for_form(FormKind.DECLARATION, 2030).slug == "gz-dept-2025"
    assert Scheme.objects.for_form(FormKind.DECLARATION, 2024).slug == "classic"
    assert Scheme.objects.for_form(FormKind.PROJECTS, 2024).slug == "classic"
    assert Scheme.objects.for_form(FormKind.PROJECT_SELF_EVALUATION, 2022).slug == "classic"


@pytest.mark.django_db
def test_a_form_kind_without_a_scheme_says_so_in_chinese():
    with pytest.raises(Scheme.DoesNotExist, match="没有适用于部门整体绩效目标表"):
        Scheme.objects.for_form(FormKind.TARGET_TABLE, 2019)


@pytest.mark.django_db
def test_the_2025_scheme_tree_matches_the_published_forms(django_assert_num_queries):
    scheme = Scheme.objects.get(slug="gz-dept-2025")
    with django_assert_num_queries(1):  # the categories, parents and children together
        tree = [(first.name, [child.name for child in children]) for first, children in scheme.tree()]
    assert tree == [
        ("产出指标", ["数量指标", "质量指标", "时效指标"]),
        ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标"]),
        ("满意度指标", ["服务对象满意度指标"]),
        ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
    ]


@pytest.mark.django_db
def test_the_classic_scheme_keeps_the_codes_seen_in_seed_003():
    scheme = Scheme.objects.get(slug="classic")
    codes = {c.code: (c.name, c.code_is_official) for c in scheme.categories.all()}
    for code, name in [
        ("1", "产出指标"),
        ("11", "数量指标"),
        ("12", "质量指标"),
        ("13", "时效指标"),
        ("2", "效益指标"),
        ("21", "经济效益"),
        ("22", "社会效益"),
        ("24", "可持续影响"),
        ("3", "满意度指标"),
        ("31", "服务对象满意度"),
    ]:
        assert codes[code] == (name, True)
    assert codes["14"] == ("成本指标", False)
    assert codes["23"] == ("生态效益", False)
