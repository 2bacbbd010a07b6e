"""``extract_dataset``: events for every row of a Ray Dataset, on an actor pool, one result row per input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsextract.config import Settings, resolve_settings
from newsextract.errors import ConfigError
from newsextract.ray.actor import Columns, ExtractActor, settings_for_workers
from newsextract.text.inputs import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

#: Ray CPUs reserved per actor against an endpoint: the actor mostly waits on the network, so four
#: fit on one core (a whole CPU per actor would leave a 2-core node with two actors).
ENDPOINT_ACTOR_CPUS = 0.25
#: ... and on the embedded model. llama.cpp computes on the node's cores whatever Ray reserves; reserving a
#: whole CPU per actor would let two actors take a 2-CPU node and leave none for Ray Data's read tasks,
#: and the job would wait forever.
EMBEDDED_ACTOR_CPUS = 0.5


def extract_dataset(
    ds: Dataset,
    *,
    text_column: str = "text",
    id_column: str = "id",
    published_column: str | None = "published",
    concurrency: int | tuple[int, int] = 2,
    in_flight: int = 16,
    batch_size: int | None = None,
    num_cpus: float | None = None,
    skip_ids: set[str] | None = None,
    problem_column: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    **extractor_options: Any,
) -> Dataset:
    """Events for every row of ``ds``: a lazy Dataset with one row per input row, in ``RESULT_SCHEMA``.

    Each input row needs a unique id (``id_column``) and the text (``text_column``, string or UTF-8
    bytes); ``published_column`` (a date or ISO string) is used when present. Output rows are in no
    particular order; join on ``id``. A bad article (empty, binary, too long, a model that never
    answers validly, an endpoint that keeps failing) is an error row (``ok`` false, ``error_type``,
    ``error_message``), never a failed job; a missing column or an unusable configuration fails the
    job at once.

    Args:
        concurrency: actors in the pool: ``n`` (fixed) or ``(min, max)`` (autoscaling). Each actor
            builds one ``Extractor`` once (the embedded model loads once per actor, ~100 MB each).
        in_flight: requests in flight per actor against an endpoint (so up to ``concurrency *
            in_flight`` at the endpoint); the embedded model always runs one article at a time per
            actor.
        batch_size: rows handed to an actor per call (default ``4 * in_flight``; 4 on the embedded
            model). A batch's rows appear together when the call returns.
        num_cpus: Ray CPUs reserved per actor (default 0.25 against an endpoint, 0.5 on the embedded
            model). ``concurrency * num_cpus`` must leave at least one CPU of the cluster free for Ray
            Data's read and write tasks, or the job waits for a CPU that never frees.
        skip_ids: ids not to extract (``extract_files`` passes the ids already written, for resume).
        problem_column: a column whose non-null value makes its row an ``InputError`` row with that
            message, without a request (``read_articles`` reports unreadable files there).
        max_chars: refuse longer articles (an error row).
        extractor_options: ``Extractor``'s arguments (``model``, ``base_url``, ``cache_url``,
            ``max_retries``, ...). ``api_key`` is refused: each worker reads ``OPENAI_API_KEY`` from
            its own environment, so the key never appears in the job's plan, logs or errors.

    Cost: one ``Extractor`` per actor; every article is one request (more with chunks and re-asks)
    unless a cache tier has it. With ``cache_url`` all actors on all nodes share answers.
    """
    settings = _driver_settings(extractor_options)
    embedded = settings.backend == "embedded"
    in_flight = _positive(in_flight)
    in_flight = 1 if embedded else in_flight
    pool = _pool(concurrency, num_cpus, embedded)
    columns = Columns(id=id_column, text=text_column, published=published_column, problem=problem_column)
    if skip_ids:
        ds = _without(ds, id_column, skip_ids)
    return ds.map_batches(
        ExtractActor,
        fn_constructor_kwargs={
            "settings": settings_for_workers(settings),
            "max_chars": max_chars,
            "in_flight": in_flight,
            "columns": columns,
        },
        batch_format="pyarrow",
        batch_size=batch_size or (4 if embedded else 4 * in_flight),
        **pool,
    )


def _driver_settings(extractor_options: dict[str, Any]) -> Settings:
    """The settings the actors get, resolved here in the driver; ``api_key`` is refused (the key never
    travels with the job)."""
    if "api_key" in extractor_options:
        raise ConfigError(
            "extract_dataset does not take api_key: set OPENAI_API_KEY in the environment of the Ray "
            "workers (on a local cluster, in the driver's environment before ray.init)"
        )
    return resolve_settings(**extractor_options)


def _positive(in_flight: int) -> int:
    if isinstance(in_flight, bool) or not isinstance(in_flight, int) or in_flight < 1:
        raise ConfigError(f"in_flight must be a positive whole number, not {in_flight!r}")
    return in_flight


def _pool(concurrency: int | tuple[int, int], num_cpus: float | None, embedded: bool) -> dict[str, Any]:
    """The actor pool's ``compute`` strategy and CPUs per actor (a warning when the pool would take the
    cluster's last CPU)."""
    import ray.data

    low, high = _pool_size(concurrency)
    compute = (
        ray.data.ActorPoolStrategy(size=low)
        if low == high
        else ray.data.ActorPoolStrategy(min_size=low, max_size=high)
    )
    cpus = num_cpus if num_cpus is not None else (EMBEDDED_ACTOR_CPUS if embedded else ENDPOINT_ACTOR_CPUS)
    _warn_if_starved(high * cpus)
    return {"compute": compute, "num_cpus": cpus}


def _warn_if_starved(reserved: float) -> None:
    """One warning when the pool would reserve the connected cluster's last CPU (reads would wait)."""
    import warnings

    import ray

    if not ray.is_initialized():
        return
    total = float(ray.cluster_resources().get("CPU", 0.0))  # type: ignore[no-untyped-call]
    if total and reserved > total - 1:
        warnings.warn(
            f"the actor pool reserves {reserved:g} of the cluster's {total:g} CPUs; Ray Data's read and "
            "write tasks need one free, so the job may wait forever: lower concurrency or num_cpus",
            RuntimeWarning,
            stacklevel=4,  # the caller of extract_dataset
        )


def _pool_size(concurrency: int | tuple[int, int]) -> tuple[int, int]:
    """(min, max) actors; equal for a fixed pool."""
    if (
        isinstance(concurrency, tuple)
        and len(concurrency) == 2
        and all(isinstance(n, int) for n in concurrency)
    ):
        low, high = concurrency
        if 1 <= low <= high:
            return low, high
    elif isinstance(concurrency, int) and not isinstance(concurrency, bool) and concurrency >= 1:
        return concurrency, concurrency
    raise ConfigError(f"concurrency must be a positive number of actors or (min, max), not {concurrency!r}")


def _without(ds: Dataset, id_column: str, skip_ids: set[str]) -> Dataset:
    """``ds`` without the rows whose id is in ``skip_ids`` (shipped once through the object store)."""
    import pyarrow as pa
    import ray

    done = ray.put(pa.array(sorted(skip_ids), pa.string()))
    return ds.map_batches(
        _drop_ids,  # type: ignore[arg-type]  # its keyword arguments come from fn_kwargs
        fn_kwargs={"done": done, "id_column": id_column},
        batch_format="pyarrow",
        batch_size=None,
    )


def _drop_ids(batch: pa.Table, *, done: Any, id_column: str) -> pa.Table:
    import pyarrow.compute as pc
    import ray

    if isinstance(done, ray.ObjectRef):  # fn_kwargs are not resolved for us: read the shared array
        done = ray.get(done)

    if id_column not in batch.column_names:
        raise ConfigError(
            f"the dataset has no {id_column!r} column (columns: {', '.join(batch.column_names)})"
        )
    ids = pc.cast(batch.column(id_column), "string")
    return batch.filter(pc.invert(pc.fill_null(pc.is_in(ids, value_set=done), False)))
