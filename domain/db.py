"""Database portability helpers shared by every layer.

Besides :func:`lock_rows`, lean statement helpers for the engine's hot path (every process step writes an instance,
its history, inbox rows and audit events): :func:`insert_rows`, :func:`update_rows` (:func:`update_row` for one row
by key) and :func:`fetch_rows`. Each builds its SQL once per model and column set and runs it through Django's
cursor with every value prepared (and read back) by the model field itself, so they work unchanged on PostgreSQL,
MariaDB and SQLite. What they skip is the query compiler, which costs more than the round trip on these small
statements. Like ``bulk_create`` and ``QuerySet.update`` they send no signals; the updates call no ``pre_save`` (so
never use them for derived columns such as blind indexes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def lock_rows(source: models.Manager[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """``SELECT … FOR UPDATE`` of the queryset's own table only where the database can say so (PostgreSQL,
    Oracle, MySQL 8); MariaDB and SQLite lock without ``OF`` (SQLite serialises writers anyway)."""
    queryset = source.all()
    if connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()


_Plan = tuple[str, list[Any]]
_PLANS: dict[tuple[Any, ...], Any] = {}


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert_plan(model: type[models.Model], returning: bool) -> tuple[str, list[Any], str]:
    key = ("insert", connection.vendor, model, returning)
    plan = _PLANS.get(key)
    if plan is None:
        meta: Any = model._meta
        fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
        # identifiers come from the model's metadata, quoted by the backend; values are always parameters
        head = f"INSERT INTO {_qn(meta.db_table)} ({', '.join(_qn(f.column) for f in fields)}) VALUES "  # noqa: S608
        tail = f" RETURNING {_qn(meta.pk.column)}" if returning and meta.auto_field else ""
        plan = _PLANS[key] = (head, fields, tail)
    return plan


def insert_rows(objs: Sequence[M]) -> Sequence[M]:
    """Insert new rows of one model: one ``INSERT … VALUES (…), (…)`` per batch, auto ids set on the objects
    where the database returns them (PostgreSQL, MariaDB ≥ 10.5, SQLite ≥ 3.35), and for a single row everywhere
    (the last insert id); several rows on a database without ``RETURNING`` (MySQL) keep ``pk`` None."""
    if not objs:
        return objs
    model = type(objs[0])
    auto: Any = model._meta.auto_field
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows() takes objects of one model")
    if auto and any(obj.pk is not None for obj in objs):
        raise ValueError("insert_rows() inserts new rows only (an object already has an id)")
    for obj in objs:
        # related objects must be saved; their ids are copied onto the key columns (what bulk_create checks)
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
    returning = bool(auto) and connection.features.can_return_rows_from_bulk_insert
    head, fields, tail = _insert_plan(model, returning)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = connection.ops.bulk_batch_size(fields, list(objs)) or len(objs)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in batch for f in fields]
            cursor.execute(head + ", ".join([row] * len(batch)) + tail, params)
            if returning:
                for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                    setattr(obj, auto.attname, pk)
            elif auto and len(batch) == 1:  # no RETURNING (MySQL): the connection's last insert id is this row's
                setattr(batch[0], auto.attname, connection.ops.last_insert_id(cursor, model._meta.db_table, auto.column))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


_NULL = -1  # a None value: ``IS NULL`` (as the ORM writes it), no parameter


def _shape(where: dict[str, Any]) -> tuple[tuple[str, int | None], ...]:
    """A ``{column: value}`` filter's columns and, for a list or tuple value (``IN``), its length (``_NULL`` for
    None)."""
    return tuple(
        (k, len(v) if isinstance(v, list | tuple) else _NULL if v is None else None) for k, v in where.items()
    )


def _where(meta: Any, where: dict[str, Any]) -> tuple[str, list[tuple[Any, int | None]]]:
    """The SQL condition of a ``{column: value}`` filter and the fields that prepare its values."""
    conditions, fields = [], []
    for name, size in _shape(where):
        field = meta.pk if name == "pk" else meta.get_field(name)
        fields.append((getattr(field, "target_field", field) if field.is_relation else field, size))
        column = f"{_qn(meta.db_table)}.{_qn(field.column)}"
        if size is None:
            conditions.append(f"{column} = %s")
        elif size == _NULL:
            conditions.append(f"{column} IS NULL")
        elif size:
            conditions.append(f"{column} IN ({', '.join(['%s'] * size)})")
        else:
            conditions.append("1 = 0")  # IN () matches nothing
    return " AND ".join(conditions), fields


def _where_params(fields: list[tuple[Any, int | None]], values: Any) -> list[Any]:
    params: list[Any] = []
    for (field, size), value in zip(fields, values, strict=True):
        if size == _NULL:
            continue
        for item in value if size is not None else [value]:
            item = item.pk if isinstance(item, models.Model) else item
            params.append(field.get_db_prep_value(item, connection, prepared=False))
    return params


def update_rows(model: type[models.Model], where: dict[str, Any], values: dict[str, Any]) -> int:
    """``UPDATE … SET <values> WHERE <where>``: the rows whose columns equal ``where`` (a list or tuple value means
    ``IN``, None ``IS NULL``; ``"pk"`` names the primary key). A foreign key takes the related object or its id. Returns the number
    of rows changed; with the key and the old values in ``where`` it is a compare-and-swap."""
    if not where:
        raise ValueError("update_rows() needs a condition")
    meta: Any = model._meta
    key = ("update", connection.vendor, model, tuple(values), _shape(where))
    plan = _PLANS.get(key)
    if plan is None:
        set_fields = [meta.get_field(name) for name in values]
        condition, where_fields = _where(meta, where)
        assignments = ", ".join(f"{_qn(f.column)} = %s" for f in set_fields)
        sql = f"UPDATE {_qn(meta.db_table)} SET {assignments} WHERE {condition}"  # noqa: S608
        plan = _PLANS[key] = (sql, set_fields, where_fields)
    sql, set_fields, where_fields = plan
    params = [
        f.get_db_prep_save(v.pk if isinstance(v, models.Model) else v, connection)
        for f, v in zip(set_fields, values.values(), strict=True)
    ]
    params += _where_params(where_fields, where.values())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def update_row(
    model: type[models.Model], pk: Any, values: dict[str, Any], *, expect: dict[str, Any] | None = None
) -> int:
    """One row by primary key, optionally only while its columns still hold ``expect`` (a compare-and-swap):
    returns 1, or 0 when the row is gone or no longer matches."""
    return update_rows(model, {"pk": pk, **(expect or {})}, values)


def fetch_rows(
    model: type[M],
    where: dict[str, Any],
    *,
    columns: Sequence[str] | None = None,
    extra: dict[str, str] | None = None,
    order_by: Sequence[str] = (),
    limit: int | None = None,
    for_update: bool = False,
) -> list[M]:
    """The model's rows whose columns equal ``where`` (a list or tuple value means ``IN``, None ``IS NULL``), as
    model objects.

    ``columns`` limits the fields read (the others are deferred, as with ``.only()``); ``extra`` joins single
    columns of foreign-key targets in as attributes, ``{"definition_hash": "definition.content_hash"}``;
    ``order_by`` names columns (``"-version"``: descending) and ``limit`` caps the rows;
    ``for_update`` locks the model's own rows (``FOR UPDATE OF`` where the database can say so). Values come
    back through the same converters the ORM applies, so JSON, dates and encrypted fields read as they do there.
    """
    extra = extra or {}
    meta: Any = model._meta
    key = (
        "select", connection.vendor, model, _shape(where), tuple(columns or ()), tuple(extra.items()),
        tuple(order_by), limit, for_update,
    )
    plan = _PLANS.get(key)
    if plan is None:
        table = meta.db_table
        # in the model's field order: Model.from_db() maps a partial row onto the fields in that order
        wanted = {meta.get_field(c).attname for c in columns} | {meta.pk.attname} if columns else None
        fields = [f for f in meta.concrete_fields if wanted is None or f.attname in wanted]
        select = [f"{_qn(table)}.{_qn(f.column)}" for f in fields]
        joins: list[str] = []
        extra_fields: list[Any] = []
        for alias, path in extra.items():
            relation, column = path.split(".")
            fk: Any = meta.get_field(relation)
            if not fk.many_to_one or fk.null:
                raise ValueError(f"fetch_rows(extra=...) joins non-null foreign keys only, not {relation!r}")
            target = fk.related_model._meta
            join_alias = f"j_{relation}"
            joins.append(
                f"INNER JOIN {_qn(target.db_table)} {_qn(join_alias)} "
                f"ON {_qn(join_alias)}.{_qn(fk.target_field.column)} = {_qn(table)}.{_qn(fk.column)}"
            )
            target_field = target.get_field(column)
            select.append(f"{_qn(join_alias)}.{_qn(target_field.column)}")
            extra_fields.append((alias, target_field, target_field.get_col(join_alias)))
        condition, where_fields = _where(meta, where)
        sql = f"SELECT {', '.join(select)} FROM {_qn(table)} {' '.join(joins)}"  # noqa: S608
        if condition:
            sql += " WHERE " + condition
        if order_by:
            terms = [(meta.get_field(name.lstrip("-")), name.startswith("-")) for name in order_by]
            sql += " ORDER BY " + ", ".join(
                f"{_qn(table)}.{_qn(f.column)} {'DESC' if descending else 'ASC'}" for f, descending in terms
            )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if for_update and connection.features.has_select_for_update:
            of = (table,) if joins and connection.features.has_select_for_update_of else ()
            sql += " " + connection.ops.for_update_sql(of=tuple(_qn(t) for t in of))
        converters = []
        for index, field in enumerate(fields):
            col = field.get_col(table)
            found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if found:
                converters.append((index, found, col))
        for offset, (_alias, field, col) in enumerate(extra_fields):
            found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if found:
                converters.append((len(fields) + offset, found, col))
        plan = _PLANS[key] = (sql, fields, where_fields, [a for a, _f, _c in extra_fields], converters)
    sql, fields, where_fields, extra_names, converters = plan
    params = _where_params(where_fields, where.values())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [f.attname for f in fields]
    out = []
    for raw in rows:
        row = list(raw)
        for index, found, col in converters:
            value = row[index]
            for convert in found:
                value = convert(value, col, connection)
            row[index] = value
        obj = model.from_db(connection.alias, names, row[: len(fields)])
        for offset, alias in enumerate(extra_names):
            setattr(obj, alias, row[len(fields) + offset])
        out.append(obj)
    return out
