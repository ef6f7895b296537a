"""Frozen values that pydantic validates on demand, kept off the start-up path.

The framework models (``prompts.model``) and the record models (``store.records``) are plain
frozen dataclasses: building them and reading their fields costs what any Python object
costs, and importing them imports nothing but the standard library.  Their field types carry
the constraints as ``Annotated`` markers defined here (``Str``, ``Num``, ``MinItems``,
``Tagged``, ``Doc``); each marker tells pydantic its core schema through
``__get_pydantic_core_schema__`` and imports pydantic only when asked.  So a file from outside
(a framework someone wrote, a review file, an import) is validated by pydantic through
``adapter(cls)``, exactly as strictly as a pydantic model would be, while values the program
made itself, or read back from a cache it wrote after validating, are built without pydantic.

Why: importing pydantic and building the models cost about 0.12 s of a 0.4 s start-up, and a
bare Textual app starts in under 0.2 s on the machines this runs on.

Dataclasses here set ``__pydantic_config__`` (a plain dict; pydantic reads it) to forbid
unknown fields, and check what a field validator would check in ``__post_init__``, which
pydantic calls too: an invariant holds however a value was made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar, dataclass_transform, overload

FORBID: dict[str, Any] = {"extra": "forbid"}
FORBID_STRIP: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}


class Str:
    """A string constraint: pattern, length, surrounding whitespace stripped."""

    __slots__ = ("kwargs",)

    def __init__(
        self,
        *,
        pattern: str | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        strip: bool = False,
    ) -> None:
        kwargs: dict[str, Any] = {"pattern": pattern, "min_length": min_length}
        kwargs.update(max_length=max_length, strip_whitespace=strip or None)
        self.kwargs = {k: v for k, v in kwargs.items() if v is not None}

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(**self.kwargs)


class Num:
    """A numeric range (inclusive)."""

    __slots__ = ("ge", "le")

    def __init__(self, *, ge: float | None = None, le: float | None = None) -> None:
        self.ge, self.le = ge, le

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        if self.ge is not None:
            schema["ge"] = self.ge
        if self.le is not None:
            schema["le"] = self.le
        return schema


class MinItems:
    """At least ``n`` items in a tuple."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["min_length"] = self.n
        return schema


class Tagged:
    """A union of dataclasses told apart by the value of one field (pydantic's discriminator)."""

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from typing import Annotated

        from pydantic import Field

        return handler.generate_schema(Annotated[source, Field(discriminator=self.field)])


class Doc:
    """A field's description, for the JSON Schema of the format."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        out = handler(schema)
        if "$ref" not in out:
            out["description"] = self.text
        return out


# -- cheap frozen dataclasses -------------------------------------------------------------------
#
# ``dataclass`` writes each method it generates as source and compiles it: six compilations for
# a frozen class with equality, about 0.5 ms a class on the machines this runs on, and some 50
# classes are made before the app's first frame.  ``frozen`` compiles only ``__init__``: the class
# gets shared, generic ``__repr__``, ``__eq__`` and ``__hash__`` with the semantics dataclass's own
# would have (fields compared as a tuple, only against the same class; repr of the fields marked
# for it), and shared frozen ``__setattr__``/``__delattr__`` that behave as the ones dataclass
# writes for each class (``_frozen_methods``: about half of what is left, 0.09 ms a class).


_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _compared(kind: type) -> tuple[str, ...]:
    names = _COMPARED.get(kind)
    if names is None:
        names = _COMPARED[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.compare)
    return names


def _shown(kind: type) -> tuple[str, ...]:
    names = _SHOWN.get(kind)
    if names is None:
        names = _SHOWN[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.repr)
    return names


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shown(type(self)))
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = _compared(type(self))
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in _compared(type(self))))


def _above_frozen(self: Any) -> Any:
    """``super()`` from the class in ``self``'s hierarchy whose frozen ``__setattr__`` it uses."""
    kind = type(self)
    owner = next(c for c in kind.__mro__ if c.__dict__.get("__setattr__") is _frozen_setattr)
    return super(owner, self)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    # As dataclass's: refused on the frozen class itself and for its fields on a subclass.
    kind = type(self)
    if kind.__dict__.get("__setattr__") is _frozen_setattr or name in kind.__dataclass_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    _above_frozen(self).__setattr__(name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    kind = type(self)
    if kind.__dict__.get("__setattr__") is _frozen_setattr or name in kind.__dataclass_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    _above_frozen(self).__delattr__(name)


_frozen_setattr.__name__ = "__setattr__"  # (the names dataclass sets them under)
_frozen_delattr.__name__ = "__delattr__"


def _shared_frozen_methods(cls: type, fields: Any, globals: Any) -> tuple[Any, Any]:
    return _frozen_setattr, _frozen_delattr


# dataclasses asks ``_frozen_get_del_attr(cls, fields, globals)`` for the two methods, which it
# compiles for each class (Python 3.11 and 3.12).  While ``frozen`` makes a class, the shared
# ones are handed out instead; where that function is not as expected (later Pythons compile
# every method of a class at once), dataclass's own are used.  (A frozen dataclass made meanwhile
# in another thread would get the shared ones too, which behave as its own would.)
_DATACLASS_METHODS = getattr(dataclasses, "_frozen_get_del_attr", None)
_SHARE = (
    _DATACLASS_METHODS is not None
    and getattr(_DATACLASS_METHODS, "__code__", None) is not None
    and _DATACLASS_METHODS.__code__.co_varnames[:3] == ("cls", "fields", "globals")
)


def _frozen_dataclass(kind: type, slots: bool) -> type:
    make = dataclasses.dataclass(frozen=True, slots=slots, repr=False, eq=False)
    if not _SHARE:
        return make(kind)
    dataclasses._frozen_get_del_attr = _shared_frozen_methods  # type: ignore[attr-defined]
    try:
        return make(kind)
    finally:
        dataclasses._frozen_get_del_attr = _DATACLASS_METHODS  # type: ignore[attr-defined]


_T = TypeVar("_T", bound=type)


@overload
def frozen(cls: _T, /) -> _T: ...
@overload
def frozen(*, slots: bool = True) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type | None = None, /, *, slots: bool = True) -> Any:
    """``@dataclass(frozen=True, slots=True)``, made cheaply (see above); type checkers see a
    frozen dataclass (``dataclass_transform``)."""

    def wrap(kind: type) -> type:
        kind = _frozen_dataclass(kind, slots)
        kind.__repr__ = _repr  # type: ignore[method-assign, assignment]
        kind.__eq__ = _eq  # type: ignore[method-assign, assignment]
        kind.__hash__ = _hash  # type: ignore[method-assign, assignment]
        return kind

    return wrap(cls) if cls is not None else wrap


@cache
def adapter(kind: Any) -> Any:
    """pydantic's TypeAdapter for a dataclass (or any type), built once, pydantic imported now."""
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


def validate(kind: Any, data: Any) -> Any:
    """``data`` (parsed JSON/TOML) as a ``kind``; pydantic's ValidationError if it is not one."""
    return adapter(kind).validate_python(data)


@cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.init)


def to_data(value: Any) -> Any:
    """A value as plain JSON data: dataclasses as objects (the fields ``__init__`` takes),
    tuples as lists, datetimes and dates in ISO 8601 (UTC written ``Z``, as pydantic does)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_data(getattr(value, name)) for name in _names(type(value))}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_time(text: str | None) -> datetime | None:
    """A datetime written by ``to_data`` (or None), as pydantic would read it: for values read
    back without validation."""
    return None if text is None else datetime.fromisoformat(text)
