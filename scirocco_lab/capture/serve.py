"""Serve the assessment form to workshop participants as a web app, with Voilà.

Voilà runs the package's ``capture/notebooks/assessment_form.ipynb`` (package data, so an
installed copy serves it too; a checkout's ``notebooks/capture`` links to the same folder)
with its code hidden, behind the
invitation gate of :mod:`scirocco_lab.capture.gate`: a visitor without a valid invitation
gets a sign-in page and no kernel; a participant gets one kernel per page (at most two per
invitation, a server-wide maximum, idle disconnected kernels culled). Subject, round and
instrument come from these settings and the invitation, never from the URL.

The server listens on 127.0.0.1 by default. :func:`serve` runs Voilà in its own process
group; SIGTERM or Ctrl-C stops Voilà and every kernel it started, and a kernel that dies
while a participant uses it is reported on the console.

>>> settings = ServeSettings(notebook=Path("form.ipynb"), port=9000, subject="northvale")
>>> voila_command(settings, python="python")[:4]
['python', '-m', 'voila', 'form.ipynb']
>>> voila_environment(settings, base={})["SCIROCCO_LAB_CAPTURE_SUBJECT"]
'northvale'
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import psutil

from scirocco_lab.capture.assessment_form import ENV_INSTRUMENT, ENV_ROUND, ENV_SUBJECT
from scirocco_lab.capture.gate import ENV_BEHIND_PROXY, ENV_FACILITATOR_KEY
from scirocco_lab.config import STORE_ENV, store_url
from scirocco_lab.errors import ConfigurationError

__all__ = [
    "CAPTURE_NOTEBOOKS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "FORM_NOTEBOOK",
    "RunningVoila",
    "ServeSettings",
    "absolute_store_url",
    "capture_notebook",
    "free_port",
    "kernel_crash_report",
    "kernel_processes",
    "local_settings",
    "running_voila",
    "serve",
    "stop_server",
    "voila_command",
    "voila_environment",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
#: The capture notebooks ship inside the package (a checkout's notebooks/capture links here).
CAPTURE_NOTEBOOKS = Path(str(resources.files("scirocco_lab.capture").joinpath("notebooks")))
#: The participants' form.
FORM_NOTEBOOK = CAPTURE_NOTEBOOKS / "assessment_form.ipynb"


@dataclass(frozen=True)
class ServeSettings:
    """What to serve and where; ``None`` leaves a setting to the environment or default.

    ``subject`` and ``round`` restrict which invitations this server accepts (``None``:
    any). ``gate=False`` serves without invitations, for the facilitator's own notebooks on
    loopback only.
    """

    notebook: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    store: str | None = None
    subject: str | None = None
    instrument: str | None = None
    round: int | None = None
    facilitator_key: str | None = None
    behind_proxy: bool = False
    cull_idle_seconds: int = 300
    max_kernels: int = 60
    kernels_per_participant: int = 2
    gate: bool = True


def capture_notebook(name: str = FORM_NOTEBOOK.name) -> Path:
    """Path of a capture notebook shipped in the package (:data:`CAPTURE_NOTEBOOKS`).

    >>> capture_notebook().relative_to(CAPTURE_NOTEBOOKS).as_posix()
    'assessment_form.ipynb'
    """
    path = CAPTURE_NOTEBOOKS / name
    if not path.is_file():
        raise ConfigurationError(
            f"notebook {path} not found: the scirocco-lab installation is incomplete "
            "(reinstall it: pip install --force-reinstall scirocco-lab)."
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
    """The Voilà command line for ``settings``: code hidden, no tracebacks shown, no template
    or theme chosen by the URL, the invitation gate in front, kernels bounded and culled."""
    command = [
        python,
        "-m",
        "voila",
        str(settings.notebook),
        "--no-browser",
        f"--port={settings.port}",
        "--Voila.port_retries=0",  # never move silently to another port
        f"--Voila.ip={settings.host}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
        # ?template=/some/folder would make Voila read templates from that folder.
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        # Culling: kernels idle this long with no page connected are stopped.
        f"--MappingKernelManager.cull_idle_timeout={settings.cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={max(5, min(60, settings.cull_idle_seconds))}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if settings.gate:
        command += [
            "--Voila.identity_provider_class=scirocco_lab.capture.gate.InvitationIdentityProvider",
            "--VoilaConfiguration.multi_kernel_manager_class="
            "scirocco_lab.capture.gate.ParticipantKernelManager",
            f"--ParticipantKernelManager.max_kernels={settings.max_kernels}",
            "--ParticipantKernelManager.kernels_per_participant="
            f"{settings.kernels_per_participant}",
            # The form's kernel reads the invitation cookie from the request headers.
            "--VoilaConfiguration.http_header_envs=Cookie",
        ]
    return command


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
        (ENV_FACILITATOR_KEY, settings.facilitator_key),
    ):
        if value is not None:
            environment[name] = value
    environment[ENV_BEHIND_PROXY] = "1" if settings.behind_proxy else "0"
    return environment


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Lines jupyter_client and jupyter_server log when a kernel process dies under them.
_CRASH_PATTERN = re.compile(r"restarting kernel|restart failed|kernel \S+ died|dead kernel", re.I)


def kernel_crash_report(line: str) -> str | None:
    """A console message when a Voilà log line says a kernel died, else ``None``.

    >>> kernel_crash_report("[W] AsyncIOLoopKernelRestarter: restarting kernel (1/5)")[:20]
    'serve: a participant'
    >>> kernel_crash_report("[I] Kernel started") is None
    True
    """
    if not _CRASH_PATTERN.search(line):
        return None
    return (
        "serve: a participant's kernel crashed (see the line above). Their draft is safe in "
        "the store up to the last 'Draft saved'; ask them to reload the page."
    )


def _relay(stream, sink) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        sink.write(line)
        report = kernel_crash_report(line)
        if report:
            sink.write(report + "\n")
        sink.flush()


def stop_server(process: subprocess.Popen, *, timeout: float = 10.0) -> None:
    """Stop Voilà and every process under it; returns once all are gone.

    Voilà stops its kernels on SIGTERM, but jupyter_client starts each kernel in a session
    of its own, so a signal to Voilà's process group does not reach them: any kernel still
    running after Voilà exits is stopped here, by pid.
    """
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    alive = [child for child in tree if child.is_running()]
    for child in alive:
        with suppress(psutil.NoSuchProcess):
            child.terminate()
    _gone, alive = psutil.wait_procs(alive, timeout=3)
    for child in alive:
        with suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=3)


def _check(settings: ServeSettings) -> None:
    if not settings.gate and not _is_loopback(settings.host):
        raise ConfigurationError(
            f"serving without invitations is only allowed on this machine (127.0.0.1), "
            f"not on {settings.host}."
        )


def _preflight(settings: ServeSettings) -> None:
    """Refuse at once, with the fix, what would otherwise fail in every participant's page."""
    from scirocco_lab.store import get_subject, open_store, resolve_instrument

    store = open_store(absolute_store_url(settings.store), create=False)
    if settings.subject:
        get_subject(store, settings.subject)
    resolve_instrument(store, settings.instrument)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}. Fix: stop "
                "what uses that port, or choose another with --port."
            ) from None


def serve(settings: ServeSettings) -> int:
    """Run Voilà until SIGTERM or Ctrl-C, then stop it and its kernels; returns 0 when
    stopped by a signal, else Voilà's exit status."""
    _check(settings)
    _preflight(settings)
    if not settings.facilitator_key:
        settings = replace(settings, facilitator_key=secrets.token_urlsafe(18))
    if not _is_loopback(settings.host):
        print(
            f"warning: serving on {settings.host}: anyone who can reach this machine sees the "
            "sign-in page (only invited participants get further). Without TLS in front "
            "(docs/capture.md), links and answers travel unencrypted.",
            file=sys.stderr,
        )
    base = f"http://{settings.host}:{settings.port}/"
    print(f"assessment form: {base}  (participants open their personal invitation links)")
    print(f"facilitator view: {base}facilitator?key={settings.facilitator_key}  (keep private)")
    print("Ctrl-C or SIGTERM stops the server and every kernel it started.", flush=True)
    stop = threading.Event()
    previous = {
        number: signal.signal(number, lambda *_: stop.set())
        for number in (signal.SIGTERM, signal.SIGINT)
    }
    process = subprocess.Popen(
        voila_command(settings),
        env=voila_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches serve only; serve stops Voila in order
    )
    relay = threading.Thread(target=_relay, args=(process.stdout, sys.stderr), daemon=True)
    relay.start()
    try:
        while not stop.is_set() and process.poll() is None:
            stop.wait(0.2)
    finally:
        stop_server(process)
        relay.join(timeout=2)
        process.stdout.close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    if stop.is_set():
        print("serve: stopped; Voila and its kernels have exited.", file=sys.stderr)
        return 0
    return int(process.returncode or 0)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port free on ``host`` right now (for tests and parallel servers)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def local_settings(store_path: str | Path, *, notebook: Path | None = None, **options):
    """Settings for a server of one's own on loopback (tests, benchmarks): the participants'
    form (or ``notebook``) over the store file ``store_path``, on a port free right now;
    ``options`` are the other :class:`ServeSettings` fields.

    >>> settings = local_settings("/data/store.db", subject="northvale", round=1)
    >>> settings.host, settings.store, settings.notebook.name, settings.subject
    ('127.0.0.1', '/data/store.db', 'assessment_form.ipynb', 'northvale')
    """
    return ServeSettings(
        notebook=notebook or capture_notebook(),
        port=free_port(),
        store=str(store_path),
        **options,
    )


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


@dataclass(frozen=True)
class RunningVoila:
    """A Voilà server started by :func:`running_voila`: its base URL and process id."""

    url: str
    pid: int


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The kernel processes a Voilà server (``server_pid``) has running now."""
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    kernels = []
    for child in children:
        with suppress(psutil.Error):
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                kernels.append(child)
    return kernels


@contextmanager
def running_voila(
    settings: ServeSettings, *, timeout: float = 120.0, log_path: Path | None = None
) -> Iterator[RunningVoila]:
    """Start Voilà in the background, yield it once it answers, stop it after.

    The server runs in its own process group; :func:`stop_server` stops it and its kernels.
    """
    _check(settings)
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
        yield RunningVoila(url, process.pid)
    finally:
        stop_server(process)
        if log_path:
            log.close()
