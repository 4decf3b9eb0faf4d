"""The privacy registry against the schema: every table has an entry, and an
entry cannot hide a column that points at a person."""

from __future__ import annotations

from plugin.db import Base
from plugin.models import *  # noqa: F403 - every model, so Base.metadata is complete
from plugin.services.privacy.registry import REGISTRY, Kind

from .world import person_columns


def test_every_table_of_the_schema_has_exactly_one_entry() -> None:
    tables = set(Base.metadata.tables)
    listed = set(REGISTRY.policies)
    assert not tables - listed, (
        f"tables without a privacy registry entry: {sorted(tables - listed)}"
    )
    assert not listed - tables, f"entries for tables that do not exist: {sorted(listed - tables)}"


def test_every_column_that_points_at_a_person_is_a_relation_of_its_table() -> None:
    for table, column in person_columns():
        policy = REGISTRY[table.name]
        covered = {r.column for r in policy.relations if r.kind in (Kind.OWNER, Kind.MENTION)}
        assert column.name in covered, (
            f"{table.name}.{column.name} points at person.id: declare it owner(...) or "
            f"mention(...) in plugin/services/privacy/registry.py"
        )
    assert "id" in {r.column for r in REGISTRY["person"].relations}


def test_tables_without_personal_data_say_why() -> None:
    for policy in REGISTRY.policies.values():
        assert policy.personal or len(policy.why_none) > 10, policy.table


def test_relations_name_real_columns_and_keys() -> None:
    for policy in REGISTRY.policies.values():
        table = Base.metadata.tables[policy.table]
        names = set(table.columns.keys())
        assert policy.hidden <= names, policy.table
        assert policy.free_text <= names, policy.table
        for relation in policy.relations:
            if relation.kind is Kind.THROUGH:
                link = Base.metadata.tables[relation.other]
                targets = {
                    fk.column.table.name for fk in link.c[relation.other_column].foreign_keys
                }
                assert targets == {policy.table}, (policy.table, relation)
                continue
            assert relation.column in names, (policy.table, relation)
            if relation.kind is Kind.PART_OF:
                fks = table.c[relation.column].foreign_keys
                assert {fk.column.table.name for fk in fks} == {relation.other}, relation


def test_erasure_order_puts_children_before_parents() -> None:
    order = [t.name for t in REGISTRY.tables()]
    for table in REGISTRY.tables():
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if parent in order and parent != table.name:
                assert order.index(table.name) < order.index(parent), (table.name, parent)
    assert order[-1] == "person"
