"""Shared personas and data for the whole suite.

Personas follow the demo data: a preparer of 天河, a preparer of 越秀, a reviewer of both, the finance
bureau, an administrator. ``seeded`` loads the five published forms through ``loadseeds``.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import Department, District, User

REPO_DIR = Path(__file__).resolve().parent.parent
SEED_TEXT_DIR = REPO_DIR.parent / "shared" / "seeds"
TIANHE = "广州市天河区司法局"
YUEXIU = "广州市越秀区司法局"


def seed_text(prefix: str) -> str:
    """The published text of seed ``prefix`` ("000" … "004")."""
    (path,) = SEED_TEXT_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def install_schemes() -> None:
    """The indicator schemes come from a data migration, which a transactional test's flush removes."""
    from indicators.models import Category, Scheme, SchemeUsage
    from indicators.schemes import install

    if not Scheme.objects.exists():
        install(Scheme, Category, SchemeUsage)


@pytest.fixture
def seeded(db):
    install_schemes()
    # The indicator library is rebuilt by its own tests (tests/indicators/test_library.py).
    call_command("loadseeds", verbosity=0, no_library=True)


@pytest.fixture
def tianhe(db) -> Department:
    district, _ = District.objects.get_or_create(name="天河区")
    return Department.objects.get_or_create(name=TIANHE, defaults={"district": district})[0]


@pytest.fixture
def yuexiu(db) -> Department:
    district, _ = District.objects.get_or_create(name="越秀区")
    return Department.objects.get_or_create(name=YUEXIU, defaults={"district": district})[0]


@pytest.fixture
def preparer(tianhe) -> User:
    return User.objects.create_user(
        "preparer-tianhe", password="x", role=User.Role.PREPARER, department=tianhe
    )


@pytest.fixture
def other_preparer(yuexiu) -> User:
    return User.objects.create_user(
        "preparer-yuexiu", password="x", role=User.Role.PREPARER, department=yuexiu
    )


@pytest.fixture
def reviewer(tianhe, yuexiu) -> User:
    user = User.objects.create_user("reviewer-both", password="x", role=User.Role.REVIEWER)
    user.reviewed_departments.set([tianhe, yuexiu])
    return user


@pytest.fixture
def finance(tianhe, yuexiu) -> User:
    """The finance bureau (财政局) serving 天河区 and 越秀区."""
    user = User.objects.create_user("finance-bureau", password="x", role=User.Role.FINANCE)
    user.districts.set([tianhe.district, yuexiu.district])
    return user


@pytest.fixture
def city_finance(db) -> User:
    """The city's finance bureau (市财政局): reads every district, reviews none."""
    return User.objects.create_user("city-finance", password="x", role=User.Role.CITY_FINANCE)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root-admin", password="x", role=User.Role.ADMINISTRATOR)
