"""Production refuses the demo users: their password is public (issue 14 item 10)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Department, User
from declarations.models import Declaration
from tests.conftest import install_schemes


@pytest.fixture
def production(db, settings):
    install_schemes()
    settings.PRODUCTION = True


def test_loadseeds_in_production_refuses_to_create_demo_users_and_writes_nothing(production):
    with pytest.raises(CommandError) as refused:
        call_command("loadseeds", verbosity=0, no_library=True)
    assert str(refused.value) == (
        "生产环境（PERFBUDGET_ENV=production）不创建演示用户：演示用户的密码“perfbudget-demo”是公开的，"
        "任何人都能登录。请加 --no-users 只载入样表；账号请用 createsuperuser 或在管理后台创建。"
    )
    assert not User.objects.exists()
    assert not Declaration.objects.exists()


def test_loadseeds_in_production_loads_the_seeds_without_users(production):
    call_command("loadseeds", "--no-users", verbosity=0, no_library=True)
    assert Declaration.objects.count() == 2
    assert not User.objects.exists()


def test_generate_demo_in_production_is_refused(production):
    with pytest.raises(CommandError, match="生产环境（PERFBUDGET_ENV=production）不生成演示数据"):
        call_command("generate_demo", departments=2)
    assert not User.objects.exists()
    assert not Department.objects.filter(name__startswith="演示").exists()
