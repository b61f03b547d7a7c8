"""Stage 5, store: write the dataset to an on-disk Oxigraph store, atomically.

Each build writes a complete store in its own directory, build/stores/<fingerprint>, beside the
current one, and only then swaps the symbolic link build/store to it with one atomic rename. A
failure or a kill at any moment leaves build/store pointing at the previous complete store, which
keeps answering. The fingerprint is a hash of every input and of the code, so a rebuild with
unchanged inputs finds its store already current and does nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .layout import Project

PACKAGES = ("pyoxigraph", "rdflib", "owlready2", "pyrudof")


def fingerprint(project: Project) -> str:
    """A hash of every input file, of the library code and of the versions of the libraries."""
    h = hashlib.sha256()
    package = Path(__file__).parent
    # each file named by its path relative to the project root (inputs) or to the package (code),
    # never by an absolute path: the same sources give the same fingerprint wherever they are
    named = [(project.rel(path), path) for path in project.inputs()]
    named += [(f"cybernorms/{path.name}", path) for path in sorted(package.glob("*.py"))]
    for name, path in named:
        h.update(name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    for name in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{name}=={metadata.version(name)}".encode())
    return h.hexdigest()


def _stores(project: Project) -> Path:
    return project.build / "stores"


def current(project: Project) -> dict[str, Any] | None:
    """The description of the store build/store points to, or None if there is none."""
    link = project.store
    if not link.is_symlink():
        return None
    target = link.resolve()
    info = target.with_suffix(".json")
    if not target.is_dir() or not info.is_file():
        return None
    data: dict[str, Any] = json.loads(info.read_text(encoding="utf-8"))
    return data


def is_current(project: Project, fp: str) -> bool:
    info = current(project)
    return info is not None and info.get("fingerprint") == fp


def write(project: Project, dataset: ox.Store, fp: str, counts: dict[str, int]) -> Path:
    """Write the dataset into a new store and make it the current one. Returns its directory.
    The dataset goes over as N-Quads that Oxigraph writes and its bulk loader reads, never as
    one Python object per quad."""
    stores = _stores(project)
    stores.mkdir(parents=True, exist_ok=True)
    name = fp[:16]
    final = stores / name
    tmp = stores / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)

    store = ox.Store(str(tmp))
    store.bulk_load(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    store.flush()
    total = len(store)
    del store  # closes the database

    if final.exists():  # an older, non-current copy
        shutil.rmtree(final)
    info = {"fingerprint": fp, "triples": total, "graphs": counts}
    (stores / f"{name}.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.rename(tmp, final)

    link = project.store
    if link.exists() and not link.is_symlink():  # a plain directory from elsewhere
        os.rename(link, stores / f"legacy-{os.getpid()}")
    tmp_link = project.build / f".store-link-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(Path("stores") / name, tmp_link)
    previous = link.resolve() if link.is_symlink() else None
    os.replace(tmp_link, link)  # the atomic swap
    _collect(project, keep={final.resolve(), previous})
    return final


def _collect(project: Project, keep: set[Path | None]) -> None:
    """Remove stores other than the current and the previous one (a running server may still
    read the previous one), and the leftovers of interrupted builds."""
    stores = _stores(project)
    for entry in stores.iterdir():
        if entry.suffix == ".json":
            continue
        if entry.resolve() in keep:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        entry.with_suffix(".json").unlink(missing_ok=True)
    for stray in project.build.glob(".store-link-*"):
        if stray.is_symlink():
            stray.unlink()
