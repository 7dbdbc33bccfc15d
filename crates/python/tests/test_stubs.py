"""The stubs of the native module (citygrid/_citygrid.pyi) match the built module: the same public
names, the same kinds, and the same parameters in the same order."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import citygrid
from citygrid import _citygrid

STUB = Path(citygrid.__file__).with_name("_citygrid.pyi")


def stub_names() -> dict[str, ast.stmt]:
    tree = ast.parse(STUB.read_text())
    names: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return names


def module_names() -> set[str]:
    return {n for n in dir(_citygrid) if not n.startswith("_")} | {"__version__"}


def test_the_stub_is_installed_with_the_marker() -> None:
    assert STUB.is_file()
    assert STUB.with_name("py.typed").is_file()


def test_same_names() -> None:
    assert set(stub_names()) == module_names()


def test_same_kinds() -> None:
    for name, node in stub_names().items():
        value = getattr(_citygrid, name)
        if isinstance(node, ast.ClassDef):
            assert isinstance(value, type), name
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)] or ["object"]
            assert [b.__name__ for b in value.__bases__] == bases, name
        elif isinstance(node, ast.FunctionDef):
            assert callable(value) and not isinstance(value, type), name
        else:
            assert isinstance(value, str), name


def parameters(node: ast.FunctionDef) -> list[str]:
    return [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]


def test_same_parameters() -> None:
    for name, node in stub_names().items():
        if isinstance(node, ast.FunctionDef):
            native = list(inspect.signature(getattr(_citygrid, name)).parameters)
            assert parameters(node) == native, name


def test_same_methods_of_the_classes() -> None:
    """Every public method and property of a native class is in its stub, with the same
    parameters, and the stub lists nothing the class lacks."""
    for name, node in stub_names().items():
        if not isinstance(node, ast.ClassDef) or issubclass(getattr(_citygrid, name), Exception):
            continue
        cls = getattr(_citygrid, name)
        stub = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
        native = {
            n for n in vars(cls) if not n.startswith("_") or n in ("__len__",)
        }
        assert set(stub) == native, name
        for method, stub_node in stub.items():
            attribute = inspect.getattr_static(cls, method)
            decorators = [d.id for d in stub_node.decorator_list if isinstance(d, ast.Name)]
            if "property" in decorators:
                assert inspect.isdatadescriptor(attribute), f"{name}.{method}"
                continue
            native_parameters = list(inspect.signature(getattr(cls, method)).parameters)
            stub_parameters = parameters(stub_node)
            if "staticmethod" not in decorators:
                # The stub names self; a native method's signature may or may not.
                native_parameters = [p for p in native_parameters if p != "self"]
                stub_parameters = stub_parameters[1:]
            assert stub_parameters == native_parameters, f"{name}.{method}"
