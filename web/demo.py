"""Realistic demo data at scale: N departments with every form kind for three years, in bulk inserts.

Indicators, tasks and projects are drawn from the seeds' own vocabulary; statuses are mixed; project
self-evaluations carry actual values and scores. Deterministic (a seeded random generator) and
idempotent: departments that already exist are left alone, so running it twice adds nothing.
"""

import json
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from core.models import Department, District, FormKind, FormStatus, User
from core.money import round_money
from core.richtext import clean_rich_text
from declarations.models import Declaration, DeclarationIndicator, DeclarationTask, Project, ProjectIndicator
from evaluations.models import (
    DepartmentEvaluation,
    EvaluationTask,
    EvaluationTaskIndicator,
    ProjectEvaluation,
    ProjectEvaluationIndicator,
)
from evaluations.scoring import score_indicator, spread_weights
from indicators.models import Scheme
from indicators.serialized import parse_indicator_cell
from indicators.services import CategoryIndex
from monitoring.lights import lights_for
from monitoring.models import MonitoringForm, MonitoringIndicator, MonitoringRound, RoundType
from monitoring.services import round_open

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"
DEPARTMENTS_PER_DISTRICT = 60
DEMO_PASSWORD = "perfbudget-demo"
STATUSES = (
    [FormStatus.APPROVED] * 5
    + [FormStatus.SUBMITTED] * 2
    + [FormStatus.RETURNED, FormStatus.DRAFT, FormStatus.DRAFT]
)
BUREAUS = (
    "司法局",
    "教育局",
    "民政局",
    "卫生健康局",
    "住房建设局",
    "文化广电旅游体育局",
    "农业农村局",
    "应急管理局",
)


@dataclass
class Vocabulary:
    declaration_rows: list[dict]  # level1, level2, name, period_value, annual_value (2025 scheme)
    declaration_tasks: list[dict]
    projects: list[dict]  # name, goal, indicators (classic scheme rows)


def vocabulary() -> Vocabulary:
    seeds = {path.name[:3]: json.loads(path.read_text(encoding="utf-8")) for path in SEED_DIR.glob("*.json")}
    rows = seeds["000"]["indicators"] + seeds["001"]["indicators"]
    tasks = seeds["000"]["tasks"] + seeds["001"]["tasks"]
    projects = []
    for project in seeds["003"]["projects"]:
        parsed = parse_indicator_cell(project["indicator_text"]).indicators
        projects.append(
            {
                "name": project["name"],
                "goal": project["goal"],
                "indicators": [
                    {
                        "code": item.level2_code,
                        "name": item.name,
                        "value": item.annual_value or item.period_value,
                    }
                    for item in parsed
                ],
            }
        )
    return Vocabulary(rows, tasks, projects)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return round_money(Decimal(rng.randint(low * 100, high * 100)) / 100)


def rich(text: str) -> str:
    """A rich-text field's value as its entry page stores it (paragraphs), so demo rows save back unchanged."""
    return clean_rich_text(text)


def refuse_demo_users_in_production(what: str, hint: str) -> None:
    """Demo users sign in with the public ``DEMO_PASSWORD``: a production database never gets them."""
    if settings.PRODUCTION:
        raise CommandError(
            f"生产环境（PERFBUDGET_ENV=production）不{what}：演示用户的密码“{DEMO_PASSWORD}”是公开的，"
            f"任何人都能登录。{hint}"
        )


@transaction.atomic
def generate_demo(departments: int, *, years=(2023, 2024, 2025), seed: int = 20251123) -> dict[str, int]:
    """Create the missing demo departments (``演示区NN`` / ``…NNNN``) with their forms; returns counts."""
    refuse_demo_users_in_production("生成演示数据", "演示数据只用于开发和测试环境。")
    rng = random.Random(seed)
    words = vocabulary()
    names = [_department_name(number) for number in range(1, departments + 1)]
    existing = set(Department.objects.filter(name__in=names).values_list("name", flat=True))
    todo = [name for name in names if name not in existing]
    if not todo:
        return {"departments": 0}
    password = make_password(DEMO_PASSWORD)
    districts = {}
    for number in range((departments - 1) // DEPARTMENTS_PER_DISTRICT + 1):
        districts[number], _ = District.objects.get_or_create(name=f"演示区{number + 1:02d}")
        # Each demo district's 财政局 (financeNN) reads and second-tier reviews that district only.
        finance, _ = User.objects.get_or_create(
            username=f"finance{number + 1:02d}",
            defaults={
                "role": User.Role.FINANCE,
                "last_name": f"演示区{number + 1:02d}财政局",
                "password": password,
            },
        )
        finance.districts.add(districts[number])
    created = Department.objects.bulk_create(
        Department(name=name, district=districts[(names.index(name)) // DEPARTMENTS_PER_DISTRICT])
        for name in todo
    )
    User.objects.bulk_create(
        User(
            username=f"demo{names.index(d.name) + 1:04d}",
            password=password,
            role=User.Role.PREPARER,
            department=d,
            last_name=d.name[-6:],
        )
        for d in created
    )
    declaration_index = {
        year: CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.DECLARATION, year)) for year in years
    }
    project_index = {
        year: CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECTS, year)) for year in years
    }
    now = timezone.now()

    def status():
        value = rng.choice(STATUSES)
        extra = {"submitted_at": now if value != FormStatus.DRAFT else None}
        if value in {FormStatus.APPROVED, FormStatus.RETURNED}:
            extra["reviewed_at"] = now
        if value == FormStatus.SUBMITTED:
            extra["review_tier"] = 1
        return {"status": value, **extra}

    declarations, projects, evaluations, project_evaluations = [], [], [], []
    for department in created:
        for year in years:
            base = _money(rng, 2000, 8000)
            project_part = _money(rng, 300, 1500)
            declarations.append(
                Declaration(
                    department=department,
                    year=year,
                    basic_expenditure=base,
                    project_expenditure=project_part,
                    fiscal_appropriation=base + project_part,
                    district_level=base + project_part,
                    overall_goal=f"<p>{department.name}{year}年度履行部门职责，完成重点工作任务。</p>",
                    **status(),
                )
            )
            adjusted = _money(rng, 2000, 9000)
            evaluations.append(
                DepartmentEvaluation(
                    department=department,
                    year=year,
                    adjusted_budget=adjusted,
                    initial_budget=round_money(adjusted * Decimal(rng.uniform(0.9, 1.1))),
                    actual_spending=round_money(adjusted * Decimal(rng.uniform(0.85, 1.0))),
                    expected_goal="<p>完成年度绩效目标。</p>",
                    goal_completion="<p>年度绩效目标基本完成。</p>",
                    **status(),
                )
            )
            for position, template in enumerate(rng.sample(words.projects, 5), start=1):
                projects.append(
                    Project(
                        department=department,
                        year=year,
                        name=template["name"],
                        fiscal_appropriation=_money(rng, 10, 400),
                        goal=rich(template["goal"]),
                        position=position,
                        **status(),
                    )
                )
    Declaration.objects.bulk_create(declarations, batch_size=500)
    DepartmentEvaluation.objects.bulk_create(evaluations, batch_size=500)
    Project.objects.bulk_create(projects, batch_size=500)

    tasks, indicators, eval_tasks = [], [], []
    for declaration in declarations:
        for position, task in enumerate(rng.sample(words.declaration_tasks, 4), start=1):
            tasks.append(
                DeclarationTask(
                    declaration=declaration,
                    name=task["name"],
                    content=rich(task["content"]),
                    amount=_money(rng, 20, 800),
                    expected_goal=rich(task["expected_goal"]),
                    position=position,
                )
            )
        index = declaration_index[declaration.year]
        rows = sorted(rng.sample(words.declaration_rows, 20), key=lambda r: words.declaration_rows.index(r))
        # In the scheme's order, as the entry page's tree lists (and saves) them.
        tree_order = {names: position for position, names in enumerate(index.by_names)}
        rows.sort(key=lambda r: tree_order.get((r["level1"], r["level2"]), len(tree_order)))
        for position, row in enumerate(rows, start=1):
            category = index.by_names.get((row["level1"], row["level2"]))
            if category is not None:
                indicators.append(
                    DeclarationIndicator(
                        declaration=declaration,
                        category=category,
                        name=row["name"],
                        period_value=row["period_value"],
                        annual_value=row["annual_value"],
                        position=position,
                    )
                )
    for evaluation in evaluations:
        for position, task in enumerate(rng.sample(words.declaration_tasks, 3), start=1):
            eval_tasks.append(
                EvaluationTask(
                    evaluation=evaluation,
                    name=task["name"],
                    expected=rich(task["expected_goal"]),
                    completion="<p>已完成。</p>",
                    amount=_money(rng, 20, 800),
                    position=position,
                )
            )
    DeclarationTask.objects.bulk_create(tasks, batch_size=1000)
    DeclarationIndicator.objects.bulk_create(indicators, batch_size=1000)
    EvaluationTask.objects.bulk_create(eval_tasks, batch_size=1000)
    EvaluationTaskIndicator.objects.bulk_create(
        (
            EvaluationTaskIndicator(task=task, name=f"关键指标{n}", completion="达成", position=n)
            for task in eval_tasks
            for n in (1, 2)
        ),
        batch_size=1000,
    )

    project_rows, templates = [], {t["name"]: t for t in words.projects}
    for project in projects:
        index = project_index[project.year]
        for position, item in enumerate(templates[project.name]["indicators"], start=1):
            category = index.by_code.get(item["code"])
            if category is not None and category.parent_id is not None:
                project_rows.append(
                    ProjectIndicator(
                        project=project,
                        category=category,
                        name=item["name"],
                        period_value=item["value"],
                        annual_value=item["value"],
                        position=position,
                    )
                )
        if project.year < max(years):  # self-evaluate the years that have ended
            budget = project.total
            project_evaluations.append(
                ProjectEvaluation(
                    department=project.department,
                    year=project.year,
                    project=project,
                    project_name=project.name,
                    competent_department=project.department.name,
                    implementing_unit=project.department.name,
                    initial_current=budget,
                    annual_current=budget,
                    executed_current=round_money(budget * Decimal(rng.uniform(0.8, 1.0))),
                    expected_goal=project.goal,
                    actual_completion="<p>按计划完成。</p>",
                    **status(),
                )
            )
    ProjectIndicator.objects.bulk_create(project_rows, batch_size=1000)
    ProjectEvaluation.objects.bulk_create(project_evaluations, batch_size=500)

    rows_by_project: dict[int, list] = {}
    for row in project_rows:
        rows_by_project.setdefault(row.project_id, []).append(row)
    evaluation_rows = []
    for evaluation in project_evaluations:
        rows = rows_by_project.get(evaluation.project_id, [])
        weights = spread_weights([row.category.parent.name for row in rows])
        for position, (row, weight) in enumerate(zip(rows, weights, strict=True), start=1):
            actual = row.annual_value if rng.random() < 0.8 else _shortfall(row.annual_value)
            proposal = score_indicator(row.annual_value, actual, weight, name=row.name)
            score = proposal.score if proposal.score is not None else round_money(weight * Decimal("0.9"))
            evaluation_rows.append(
                ProjectEvaluationIndicator(
                    evaluation=evaluation,
                    category=row.category,
                    name=row.name,
                    annual_value=row.annual_value,
                    actual_value=actual,
                    weight=weight,
                    score=min(score, weight),
                    # A plain-text field: markup here would make the row unsavable on its entry page.
                    deviation_reason="" if score >= weight else "受客观因素影响，下一步加强跟踪。",
                    position=position,
                )
            )
    ProjectEvaluationIndicator.objects.bulk_create(evaluation_rows, batch_size=1000)
    monitoring = demo_rounds(sorted({d.district_id for d in created}), rng, years)
    return {
        "departments": len(created),
        "declarations": len(declarations),
        "projects": len(projects),
        "self_evaluations": len(evaluations),
        "project_self_evaluations": len(project_evaluations),
        "indicator_rows": len(indicators) + len(project_rows) + len(evaluation_rows),
        "monitoring_forms": monitoring,
    }


def _department_name(number: int) -> str:
    district = (number - 1) // DEPARTMENTS_PER_DISTRICT + 1
    bureau = BUREAUS[(number - 1) % len(BUREAUS)]
    return f"演示区{district:02d}{bureau}{number:04d}"


def _shortfall(value: str, share: Decimal = Decimal("0.95")) -> str:
    """A value under a numeric target ("100%" → "95%" at 0.95), else the value itself."""
    match = re.search(r"\d+(\.\d+)?", value)
    if not match:
        return value
    number = Decimal(match.group()) * share
    return (
        value[: match.start()].lstrip("≥>≤<=")
        + f"{number.quantize(Decimal('0.1')).normalize():f}"
        + value[match.end() :]
    )


# --- monitoring: a closed round of the past year and an open one of the last year, per district ---------

SHARES = (Decimal("0.12"), Decimal("0.3"), Decimal("0.36"), Decimal("0.45"), Decimal("0.6"), Decimal("0.85"))
LIKELIHOODS = ["certain"] * 7 + ["possible"] * 2 + ["impossible"]


def demo_rounds(district_ids: list[int], rng: random.Random, years) -> int:
    """Every demo district without rounds gets a closed 1—6月 round of the year before the last (late and
    missing reports) and an open 1—7月 round of the last year (due in ten days), with mixed lights."""
    today = timezone.localdate()
    created = 0
    for district in District.objects.filter(pk__in=district_ids).exclude(monitoring_rounds__isnull=False):
        plans = [
            (years[-2], 6, date(years[-2], 7, 1), date(years[-2], 7, 15), True),
            (years[-1], 7, today - timedelta(days=5), today + timedelta(days=10), False),
        ]
        for year, stage, opens_on, deadline, closed in plans:
            try:
                round_ = round_open(
                    district=district,
                    year=year,
                    stage=stage,
                    type=RoundType.SELF,
                    opens_on=opens_on,
                    deadline=deadline,
                    warning_days=3,
                )
            except ValidationError:  # no approved project targets that year
                continue
            created += _demo_reports(round_, rng, closed=closed)
            if closed:
                MonitoringRound.objects.filter(pk=round_.pk).update(
                    closed_at=_moment(deadline + timedelta(days=16))
                )
    return created


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def _demo_reports(round_: MonitoringRound, rng: random.Random, *, closed: bool) -> int:
    """Fill the round's forms in bulk: execution, progress, forecasts and likelihoods mixed; reasons and
    measures where a light asks for them; reported on time, late or not at all."""
    forms = list(round_.forms.select_related("department__district"))
    rows: dict[int, list[MonitoringIndicator]] = {}
    for row in MonitoringIndicator.objects.filter(form__round=round_).select_related("category__parent"):
        rows.setdefault(row.form_id, []).append(row)
    changed_rows = []
    for form in forms:
        share = rng.choice(SHARES)
        for source in ("fiscal", "other"):
            adjusted = getattr(form, f"adjusted_{source}")
            setattr(form, f"executed_{source}", round_money(adjusted * share))
            setattr(
                form, f"forecast_{source}", round_money(adjusted * Decimal(rng.choice(("0.9", "0.97", "1"))))
            )
        form.goal_progress = f"<p>截至{round_.stage}月末，项目按计划推进。</p>"
        for row in rows.get(form.pk, []):
            row.likelihood = rng.choice(LIKELIHOODS)
            row.progress_value = _shortfall(row.annual_value, Decimal(round_.stage) / 12)
            forecast = {"certain": "1", "possible": "0.8", "impossible": "0.5"}[row.likelihood]
            row.forecast_value = (
                row.annual_value if forecast == "1" else _shortfall(row.annual_value, Decimal(forecast))
            )
            changed_rows.append(row)
    for form in forms:
        record = {
            "stage": round_.stage,
            "funds": {
                f"{c}_{s}": str(getattr(form, f"{c}_{s}"))
                for c in ("adjusted", "executed")
                for s in ("fiscal", "other")
            },
            "indicators": [
                {
                    "name": r.name,
                    "annual_value": r.annual_value,
                    "progress_value": r.progress_value,
                    "forecast_value": r.forecast_value,
                    "likelihood": r.likelihood,
                }
                for r in rows.get(form.pk, [])
            ],
        }
        lights = lights_for(record)
        for row, light in zip(rows.get(form.pk, []), lights.indicators, strict=True):
            if light.warns:
                row.reasons = [rng.choice(["经费保障", "人员保障", "制度保障", "硬件条件保障"])]
                row.reason_text = "受资金拨付进度影响，部分工作延后。"
        if lights.budget.warns:
            form.deviation = "<p>资金支付进度滞后于序时进度。</p>"
        if lights.budget.warns or lights.target.warns:
            form.measures = "<p>加快合同签订和资金支付，按月跟踪进度。</p>"
        chance = rng.random()
        if chance < (0.8 if closed else 0.4):
            form.status = FormStatus.APPROVED if closed and chance < 0.6 else FormStatus.SUBMITTED
            late = closed and rng.random() < 0.2
            form.submitted_at = _moment(round_.deadline + timedelta(days=3 if late else -2))
            form.review_tier = 1 if form.status == FormStatus.SUBMITTED else 0
            form.reviewed_at = form.submitted_at if form.status == FormStatus.APPROVED else None
    MonitoringForm.objects.bulk_update(
        forms,
        [
            *(f"{c}_{s}" for c in ("executed", "forecast") for s in ("fiscal", "other")),
            "goal_progress",
            "deviation",
            "measures",
            "status",
            "submitted_at",
            "review_tier",
            "reviewed_at",
        ],
        batch_size=500,
    )
    MonitoringIndicator.objects.bulk_update(
        changed_rows,
        ["likelihood", "progress_value", "forecast_value", "reasons", "reason_text"],
        batch_size=1000,
    )
    return len(forms)
