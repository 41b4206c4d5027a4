from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Targets declared before the year: department declarations, target tables, project targets."""

    name = "declarations"
    verbose_name = "绩效目标申报"

    def ready(self) -> None:
        from core.kinds import KindSpec, register
        from core.models import FormKind
        from declarations import forms, layouts, records, services
        from declarations.models import Declaration, Project, TargetTable

        def dump_one(model, to_data):
            def dump(department, year):
                form = model.objects.filter(department=department, year=year).first()
                return None if form is None else to_data(form)

            return dump

        def dump_projects(department, year):
            if not Project.objects.filter(department=department, year=year).exists():
                return None
            return records.projects_data(department, year)

        register(
            KindSpec(
                FormKind.DECLARATION,
                services.declaration_replace,
                dump_one(Declaration, records.declaration_data),
                layout=layouts.declaration_layout,
                from_sheet=layouts.declaration_from_sheet,
                model=Declaration,
                record=records.declaration_data,
                load_one=services.declaration_replace,
                editor=forms.DeclarationEditor,
            )
        )
        register(
            KindSpec(
                FormKind.TARGET_TABLE,
                services.target_table_replace,
                dump_one(TargetTable, records.target_table_data),
                aliases=("target_table",),
                layout=layouts.target_table_layout,
                from_sheet=layouts.target_table_from_sheet,
                model=TargetTable,
                record=records.target_table_data,
                load_one=services.target_table_replace,
                editor=forms.TargetTableEditor,
            )
        )
        register(
            KindSpec(
                FormKind.PROJECTS,
                services.projects_replace,
                dump_projects,
                layout=layouts.projects_layout,
                from_sheet=layouts.projects_from_sheet,
                model=Project,
                record=records.project_table_data,
                load_one=lambda **kwargs: services.project_replace(**kwargs)[0],
                editor=forms.ProjectEditor,
            )
        )
