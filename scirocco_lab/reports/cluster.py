"""Running a report batch on a Dask distributed cluster (the ``dask`` extra).

``--scheduler tcp://HOST:8786`` connects to a running ``dask scheduler``; ``--scheduler
local:N`` starts a LocalCluster of N worker processes on this machine, bound to 127.0.0.1,
and stops it afterwards. Each report is one Dask task running
:func:`scirocco_lab.reports.engine.render_report` on a worker, so on every worker each report
still gets a kernel of its own forked from that worker's warm template. The client plans,
fingerprints and records the batch; the workers need the same environment (scirocco-lab and
its pins), the same store (a PostgreSQL URL, or a file path they all see) and the output
folder (shared), see docs/reports.md.

>>> parse_scheduler("local:2")
('local', 2)
>>> parse_scheduler("tcp://10.0.0.5:8786")
('tcp', 'tcp://10.0.0.5:8786')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from scirocco_lab.errors import ConfigurationError

__all__ = ["dask_client", "parse_scheduler", "run_on_cluster"]

_TCP = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d+$")


def parse_scheduler(value: str) -> tuple[str, str | int]:
    """``("local", N)`` for ``local:N``, ``("tcp", address)`` for a scheduler address; a
    :class:`ConfigurationError` saying what is accepted otherwise."""
    text = value.strip()
    if text.startswith("local:"):
        count = text.removeprefix("local:")
        if count.isdigit() and int(count) >= 1:
            return "local", int(count)
    elif _TCP.match(text):
        return "tcp", text
    raise ConfigurationError(
        f"--scheduler {value!r}: give a Dask scheduler address such as tcp://HOST:8786, or "
        "local:N to start N local worker processes (e.g. local:2)."
    )


@contextmanager
def dask_client(scheduler: str) -> Iterator:
    """A connected ``distributed.Client`` (and, for ``local:N``, its LocalCluster)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigurationError(
            "--scheduler needs Dask: install the extra with `pip install -e '.[dask]'` "
            "(make setup does)."
        ) from None
    kind, target = parse_scheduler(scheduler)
    if kind == "local":
        cluster = LocalCluster(
            n_workers=int(target),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(str(target), timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ConfigurationError(
            f"cannot reach the Dask scheduler at {target} ({exc}). Start it with `dask "
            f"scheduler` and workers with `dask worker {target}` (docs/reports.md)."
        ) from None
    with client:
        yield client


def run_on_cluster(
    function: Callable,
    items: Sequence,
    scheduler: str,
    on_done: Callable[[int, object], None],
    on_error: Callable[[int, BaseException], None],
) -> None:
    """Run ``function(item)`` for every item on the cluster, calling ``on_done(index,
    result)`` as each finishes (in the order they finish), or ``on_error(index, exception)``
    when its task failed on the cluster (e.g. its worker died more often than Dask retries).
    """
    from distributed import as_completed

    with dask_client(scheduler) as client:
        futures = {
            client.submit(function, item, pure=False, key=f"scirocco-report-{i}"): i
            for i, item in enumerate(items)
        }
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # one lost task must not stop the batch
                on_error(futures[future], exc)
            else:
                on_done(futures[future], result)
