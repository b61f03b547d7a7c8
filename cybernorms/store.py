"""Stage 5, store: write the dataset to an on-disk Oxigraph store, atomically.

Each build writes a complete store in its own directory, build/stores/<fingerprint>, beside the
current one, and only then swaps the symbolic link build/store to it with one atomic rename. A
failure or a kill at any moment leaves build/store pointing at the previous complete store, which
keeps answering. The fingerprint is a hash of every input and of the code, so a rebuild with
unchanged inputs finds its store already current and does nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError, UsageError
from .layout import Project

PACKAGES = ("pyoxigraph", "rdflib", "owlready2", "pyrudof")


def fingerprint(project: Project) -> str:
    """A hash of every input file, of the library code and of the versions of the libraries."""
    # imported here, as in the functions below: a query, which only opens the store, starts faster
    import contextlib
    import hashlib
    from importlib import metadata

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


def _checksums(directory: Path) -> dict[str, str]:
    """The SHA-256 of each file of an on-disk store that a read-only open leaves as it is (all but
    the engine's own log and lock): what a later build checks before it trusts the store."""
    import hashlib

    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(directory.iterdir())
        if f.is_file() and not f.name.startswith(("LOG", "LOCK"))
    }


def current(project: Project) -> dict[str, Any] | None:
    """The description of the store build/store points to, or None if there is none."""
    import json

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
    """Whether the current store was built from these inputs (whole or not: see `damaged`)."""
    info = current(project)
    return info is not None and info.get("fingerprint") == fp


def damaged(project: Project) -> bool:
    """Whether the files of the current store differ from those its build wrote (truncated,
    removed, altered), or were never recorded (a store of an earlier version)."""
    info = current(project)
    return info is None or info.get("files") != _checksums(project.store.resolve())


def open_current(project: Project) -> ox.Store:
    """The current store, opened read-only; one line saying how to rebuild it if it cannot be read."""
    path = project.built_store()
    try:
        return ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as e:  # what the engine raises for a damaged database
        raise InputError(
            project.rel(project.store),
            None,
            f"the store cannot be read ({str(e).split(':', 1)[0]}): it is damaged or incomplete",
            "rebuild it with `cybernorms build --force`",
        ) from None


def write(project: Project, dataset: ox.Store, fp: str, counts: dict[str, int]) -> Path:
    """Write the dataset into a new store and make it the current one. Returns its directory.
    The dataset goes over as N-Quads that Oxigraph writes and its bulk loader reads, never as
    one Python object per quad."""
    import json
    import shutil

    stores = _stores(project)
    stores.mkdir(parents=True, exist_ok=True)
    name = fp[:16]
    final = stores / name
    tmp = stores / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)

    try:
        store = ox.Store(str(tmp))
        store.bulk_load(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        store.flush()
        total = len(store)
        del store  # closes the database
        files = _checksums(tmp)
    except BaseException as e:  # nothing half-written is left behind
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError):
            raise UsageError(
                project.rel(stores),
                None,
                f"cannot write the store: {e.strerror or e}",
                "free some space there, or build elsewhere with --build-dir DIR or CYBERNORMS_BUILD",
            ) from None
        raise

    if final.exists():  # an older, non-current copy
        shutil.rmtree(final)
    info = {"fingerprint": fp, "triples": total, "graphs": counts, "files": files}
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
    import shutil

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
