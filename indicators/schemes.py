"""The two indicator schemes in use (domain.md §3.1), as data.

Codes in the seeds: 一级 1 产出, 2 效益, 3 满意度; 二级 11 数量, 12 质量, 13 时效, 21 经济效益, 22 社会效益,
24 可持续影响, 31 服务对象满意度. Every other code below is ours (``official=False``): 14 成本 and 23 生态效益
fill the gaps of the classic numbering; the 2025 scheme's 成本 一级 is 4 with 二级 41–43.
"""

CLASSIC = "classic"
GUANGZHOU_2025 = "gz-dept-2025"

# (slug, name, description, [(一级 code, name, official, [(二级 code, name, official), …]), …])
SCHEMES = [
    (
        CLASSIC,
        "项目支出绩效指标体系（通用）",
        "财预〔2020〕10号附件的项目支出绩效指标体系：成本为产出指标下的二级指标。",
        [
            (
                "1",
                "产出指标",
                True,
                [
                    ("11", "数量指标", True),
                    ("12", "质量指标", True),
                    ("13", "时效指标", True),
                    ("14", "成本指标", False),
                ],
            ),
            (
                "2",
                "效益指标",
                True,
                [
                    ("21", "经济效益", True),
                    ("22", "社会效益", True),
                    ("23", "生态效益", False),
                    ("24", "可持续影响", True),
                ],
            ),
            ("3", "满意度指标", True, [("31", "服务对象满意度", True)]),
        ],
    ),
    (
        GUANGZHOU_2025,
        "广州市部门整体绩效指标体系（2025年起）",
        "2025年起广州市部门整体预算绩效目标申报表使用的指标体系：成本指标为一级指标。",
        [
            (
                "1",
                "产出指标",
                True,
                [("11", "数量指标", True), ("12", "质量指标", True), ("13", "时效指标", True)],
            ),
            (
                "2",
                "效益指标",
                True,
                [("21", "经济效益指标", True), ("22", "社会效益指标", True), ("23", "生态效益指标", False)],
            ),
            ("3", "满意度指标", True, [("31", "服务对象满意度指标", True)]),
            (
                "4",
                "成本指标",
                False,
                [
                    ("41", "经济成本指标", False),
                    ("42", "社会成本指标", False),
                    ("43", "生态环境成本指标", False),
                ],
            ),
        ],
    ),
]

# (scheme slug, form kind, first year, last year)
USAGES = [
    (CLASSIC, "declaration", 2000, 2024),
    (GUANGZHOU_2025, "declaration", 2025, None),
    (CLASSIC, "projects", 2000, None),
    (CLASSIC, "project-self-evaluation", 2000, None),
]


def install(scheme_model, category_model, usage_model) -> None:
    """Create or update the schemes; works with real or historical (migration) models."""
    for slug, name, description, tree in SCHEMES:
        scheme, _ = scheme_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        for first_position, (code, first_name, official, children) in enumerate(tree, start=1):
            first, _ = category_model.objects.update_or_create(
                scheme=scheme,
                code=code,
                defaults={
                    "name": first_name,
                    "parent": None,
                    "position": first_position,
                    "code_is_official": official,
                },
            )
            for position, (child_code, child_name, child_official) in enumerate(children, start=1):
                category_model.objects.update_or_create(
                    scheme=scheme,
                    code=child_code,
                    defaults={
                        "name": child_name,
                        "parent": first,
                        "position": position,
                        "code_is_official": child_official,
                    },
                )
    for slug, kind, first_year, last_year in USAGES:
        usage_model.objects.update_or_create(
            form_kind=kind,
            first_year=first_year,
            defaults={"scheme": scheme_model.objects.get(slug=slug), "last_year": last_year},
        )
