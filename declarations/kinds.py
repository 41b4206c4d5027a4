"""The declaration kinds as the registry sees them (see ``core/kinds.py``): one spec per kind."""

from core.kinds import KindSpec, Loaded, TableSpec, Variant, get_kind, register
from core.models import FormKind, FormStatus
from declarations import checks, forms, layouts, records, services
from declarations.models import (
    Declaration,
    DeclarationIndicator,
    Project,
    ProjectIndicator,
    TargetTable,
)
from indicators.models import scheme_outline

PERIODS = ("annual", "three_year")
INDICATOR_USE = ("category__parent__name", "category__name", "name", "annual_value")


def _single(service):
    """A loader for a kind with one form per department and year (the form is found by them)."""

    def load(*, department, year, data, user=None, message="", expected_version=None, instance=None):
        return Loaded(
            service(
                department=department,
                year=year,
                data=data,
                user=user,
                message=message,
                expected_version=expected_version,
            )
        )

    return load


def project_load(*, department, year, data, user=None, message="", expected_version=None, instance=None):
    """One project's targets: its record (a table of one row) or the project's own data."""
    item = data["projects"][0] if data.get("projects") else data
    project, warnings = services.project_replace(
        department=department,
        year=year,
        data=item,
        position=data.get("position"),
        user=user,
        message=message,
        expected_version=expected_version,
        instance=instance,
    )
    return Loaded(project, tuple(warnings))


def project_split(data: dict) -> list[dict]:
    """A table's data (seed 003, a table's XLSX) as one record per project, keeping the table's order."""
    header = {key: data[key] for key in ("kind", "department", "district", "year") if key in data}
    return [
        {**header, "projects": [project], "position": position}
        for position, project in enumerate(data.get("projects", []), start=1)
    ]


def project_table(department, year: int) -> dict | None:
    if not Project.objects.filter(department=department, year=year).exists():
        return None
    return records.projects_data(department, year)


def _uses(model, parent: str):
    def uses():
        return model.objects.filter(**{f"{parent}__status": FormStatus.APPROVED}).values_list(
            f"{parent}__department__name", *INDICATOR_USE
        )

    return uses


def _drawn_with_scheme(builder, kind: FormKind):
    """A layout of a record drawn with its year's scheme outline (the builders take data only)."""

    def layout(data: dict):
        return builder(data, scheme_outline(kind, data["year"]))

    return layout


def _read_with_scheme(reader, kind: FormKind):
    """A sheet reader given its year's scheme outline (to read 二级 names printed another way)."""

    def read(sheet):
        return reader(sheet, scheme_outline(kind, sheet.meta["year"]))

    return read


def project_record(project: Project) -> dict:
    """One project's record, naming the layout its district chose for the year (if not Guangzhou's)."""
    data = records.project_table_data(project)
    return get_kind(FormKind.PROJECTS.value).with_layout(data, project.department, project.year)


PROJECT_VARIANTS = tuple(
    Variant(
        name=sheet.name,
        label=sheet.label,
        build=_drawn_with_scheme(layouts.project_sheet_layout(sheet), FormKind.PROJECTS),
        read_sheet=_read_with_scheme(layouts.project_sheet_reader(sheet), FormKind.PROJECTS),
        fields=sheet.fields,
        sheet_markers=layouts.PROJECT_SHEET_MARKERS,
    )
    for sheet in layouts.PROJECT_SHEETS
)

declaration_layout = _drawn_with_scheme(layouts.declaration_layout, FormKind.DECLARATION)
projects_layout = _drawn_with_scheme(layouts.projects_layout, FormKind.PROJECTS)


def register_kinds() -> None:
    register(
        KindSpec(
            kind=FormKind.DECLARATION,
            order=10,
            model=Declaration,
            load=_single(services.declaration_replace),
            record=records.declaration_data,
            layout=declaration_layout,
            read_sheet=lambda sheet: [layouts.declaration_from_sheet(sheet)],
            template=layouts.declaration_template,
            sheet_markers=frozenset({"name", "budget", "task", "form", "indicator"}),
            findings=checks.declaration_findings,
            editor=forms.DeclarationEditor,
            indicator_groups=lambda data: {"": data["indicators"]},
            approved_indicator_uses=_uses(DeclarationIndicator, "declaration"),
            key_figure=("预算支出合计", "expenditure_total"),
        )
    )
    register(
        KindSpec(
            kind=FormKind.TARGET_TABLE,
            order=20,
            model=TargetTable,
            aliases=("target_table",),
            load=_single(services.target_table_replace),
            record=records.target_table_data,
            layout=layouts.target_table_layout,
            read_sheet=lambda sheet: [layouts.target_table_from_sheet(sheet)],
            template=layouts.target_table_template,
            sheet_markers=frozenset(
                {
                    "income",
                    "form",
                    *(f"{row}-{period}" for row in ("block", "key", "task") for period in PERIODS),
                }
            ),
            findings=checks.target_table_findings,
            editor=forms.TargetTableEditor,
            key_figure=("预算收入总额", "income_total"),
        )
    )
    register(
        KindSpec(
            kind=FormKind.PROJECTS,
            order=30,
            model=Project,
            name_field="name",
            name_label="项目名称",
            name_noun="项目",
            load=project_load,
            record=project_record,
            layout=projects_layout,
            read_sheet=lambda sheet: project_split(layouts.projects_from_sheet(sheet)),
            template=layouts.projects_template,
            sheet_markers=frozenset({"unit", "project"}),
            findings=checks.project_findings,
            editor=forms.ProjectEditor,
            split=project_split,
            table=TableSpec(
                label=FormKind.PROJECTS.label,
                record=project_table,
                layout=projects_layout,
                items_key="projects",
                url_name="project-list",
            ),
            indicator_groups=lambda data: {p["name"]: p["indicators"] for p in data["projects"]},
            approved_indicator_uses=_uses(ProjectIndicator, "project"),
            key_figure=("项目资金总计", "total"),
            variants=PROJECT_VARIANTS,
        )
    )


# Discovered by core (``CoreConfig.ready`` imports every app's ``kinds`` module once the models are loaded).
register_kinds()
