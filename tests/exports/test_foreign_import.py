"""Workbooks we did not write, in the official layout of each kind, are read by their printed labels."""

import pytest

from core.exports.foreign import import_foreign
from core.exports.registry import document
from core.kinds import get_kind
from core.models import Department
from tests.conftest import TIANHE, YUEXIU
from tests.exports import handmade
from tests.exports.test_seed_exports import normalised

pytestmark = pytest.mark.usefixtures("seeded")


def stored(kind, name, year):
    return document(kind, Department.objects.get(name=name), year).record()


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize(("prefix", "name"), [("000", TIANHE), ("001", YUEXIU)])
def test_a_handmade_declaration_is_read_to_what_loadseeds_stores(prefix, name, variant):
    before = stored("declaration", name, 2025)
    department = Department.objects.get(name=name)
    get_kind("declaration").forms_of(department, 2025).delete()
    content = handmade.declaration(handmade.seed(prefix), variant=variant)
    result = import_foreign(
        content, department=department, year=None if prefix == "000" else 2025, commit=True
    )
    assert [str(p) for p in result.problems] == []
    print([str(n) for n in result.notes])
    after = normalised(stored("declaration", name, 2025))
    expected = normalised(before)
    for key in expected:
        assert after[key] == expected[key], key
