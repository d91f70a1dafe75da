"""Serve the assessment form to workshop participants as a web app, with Voilà.

Voilà runs ``notebooks/capture/assessment_form.ipynb`` with its code hidden; every browser
tab gets its own kernel (a separate process), and all of them write to the same store.
The server listens on 127.0.0.1 by default. The facilitator's choice of subject, instrument
and round travels as environment defaults to every kernel and can be overridden per link
with query parameters (``http://127.0.0.1:8866/?subject=northvale&round=2``).

>>> settings = ServeSettings(notebook=Path("form.ipynb"), port=9000, subject="northvale")
>>> voila_command(settings, python="python")[:4]
['python', '-m', 'voila', 'form.ipynb']
>>> voila_environment(settings, base={})["SCIROCCO_LAB_CAPTURE_SUBJECT"]
'northvale'
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scirocco_lab.capture.assessment_form import ENV_INSTRUMENT, ENV_ROUND, ENV_SUBJECT
from scirocco_lab.config import STORE_ENV, project_root, store_url
from scirocco_lab.errors import ConfigurationError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "FORM_NOTEBOOK",
    "ServeSettings",
    "absolute_store_url",
    "capture_notebook",
    "free_port",
    "running_voila",
    "serve",
    "voila_command",
    "voila_environment",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
#: The participants' form, relative to the project root.
FORM_NOTEBOOK = Path("notebooks/capture/assessment_form.ipynb")


@dataclass(frozen=True)
class ServeSettings:
    """What to serve and where; ``None`` leaves a setting to the environment or default."""

    notebook: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    store: str | None = None
    subject: str | None = None
    instrument: str | None = None
    round: int | None = None


def capture_notebook(name: str = FORM_NOTEBOOK.name) -> Path:
    """Path of a notebook in ``notebooks/capture/`` of the project checkout.

    >>> capture_notebook().name
    'assessment_form.ipynb'
    """
    path = project_root() / FORM_NOTEBOOK.parent / name
    if not path.is_file():
        raise ConfigurationError(
            f"notebook {path} not found. Run scirocco-lab serve from a checkout of the project "
            "(the capture notebooks live in notebooks/capture/)."
        )
    return path


def absolute_store_url(value: str | None = None) -> str:
    """The store URL with a relative SQLite path made absolute.

    Voilà starts each kernel in the notebook's folder, so a relative path would point every
    kernel at a different, empty store.

    >>> absolute_store_url("sqlite:///data/x.db").startswith("sqlite:////")
    True
    """
    url = store_url(value)
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix) :] not in ("", ":memory:"):
        path = Path(url[len(prefix) :])
        if not path.is_absolute():
            return prefix + str(path.resolve())
    return url


def voila_command(settings: ServeSettings, *, python: str = sys.executable) -> list[str]:
    """The Voilà command line for ``settings`` (code hidden, no tracebacks shown)."""
    return [
        python,
        "-m",
        "voila",
        str(settings.notebook),
        "--no-browser",
        f"--port={settings.port}",
        f"--Voila.ip={settings.host}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
    ]


def voila_environment(
    settings: ServeSettings, *, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for the Voilà server; its kernels inherit it."""
    environment = dict(os.environ if base is None else base)
    environment[STORE_ENV] = absolute_store_url(settings.store or environment.get(STORE_ENV))
    for name, value in (
        (ENV_SUBJECT, settings.subject),
        (ENV_INSTRUMENT, settings.instrument),
        (ENV_ROUND, None if settings.round is None else str(settings.round)),
    ):
        if value is not None:
            environment[name] = value
    return environment


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: ServeSettings) -> int:
    """Run Voilà in the foreground until interrupted; returns its exit status."""
    if not _is_loopback(settings.host):
        print(
            f"warning: serving on {settings.host}: anyone who can reach this machine can open "
            "the form. Use it only on a workshop network you trust.",
            file=sys.stderr,
        )
    query = f"?subject={settings.subject}" if settings.subject else ""
    print(f"assessment form: http://{settings.host}:{settings.port}/{query}  (Ctrl-C to stop)")
    try:
        return subprocess.call(voila_command(settings), env=voila_environment(settings))
    except KeyboardInterrupt:
        return 0


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port free on ``host`` right now (for tests and parallel servers)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    # A path that does not exist: any HTTP answer (404) means the server is up, and unlike
    # the notebook's own URL it does not start a kernel.
    try:
        with urllib.request.urlopen(f"{url}scirocco-lab-probe", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def running_voila(
    settings: ServeSettings, *, timeout: float = 120.0, log_path: Path | None = None
) -> Iterator[str]:
    """Start Voilà in the background, yield its base URL once it answers, stop it after.

    The server runs in its own process group, so stopping it also stops its kernels.
    """
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        voila_command(settings),
        env=voila_environment(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://{settings.host}:{settings.port}/"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if process.poll() is not None:
                raise ConfigurationError(
                    f"Voilà exited with status {process.returncode} before serving "
                    f"{settings.notebook}; see {log_path or 'its output'}."
                )
            if time.monotonic() > deadline:
                raise ConfigurationError(f"Voilà did not answer on {url} within {timeout:.0f} s.")
            time.sleep(0.3)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if log_path:
            log.close()
