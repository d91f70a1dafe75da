"""Report kernels forked from a warm template process: isolated, without the start-up cost.

A fresh ``python -m ipykernel_launcher`` per report spends most of a report's time starting
up (interpreter, IPython, pandas, matplotlib, scipy, SQLAlchemy, the package: about 1.5 s on the
project machine). Here one *template* process (``python -m scirocco_lab.reports.kernels``) does
those imports once (:mod:`scirocco_lab.reports.kernel_preload`) and every report's kernel is a
fresh ``fork()`` of it that then runs an ordinary ipykernel. Each report therefore still has
a process of its own: no variable, imported-module state, matplotlib setting or database
connection of one report reaches another (the template runs no report code, opens no
connection and draws nothing through pyplot), and a kernel that crashes fails only its own
report. The template is single-threaded when it forks (nothing it imports starts a thread).

It stays a papermill execution, plugged in the documented ways:

- :class:`ForkProvisioner` is a jupyter_client kernel provisioner that launches the kernel
  by asking the template to fork instead of ``Popen``;
- :class:`ForkKernelManager` is the nbclient kernel manager that uses it;
- :class:`ForkEngine` is a papermill engine (entry point ``papermill.engine`` named
  ``scirocco-fork`` in pyproject.toml) running papermill's own nbclient client with that
  kernel manager, so parameters, the injected-parameters cell and
  :class:`papermill.PapermillExecutionError` are papermill's.

>>> _kernel_argv(["python", "-m", "ipykernel_launcher", "-f", "k.json"])
['-f', 'k.json']
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type

from scirocco_lab.errors import SciroccoLabError

__all__ = [
    "ENGINE_NAME",
    "PRELOAD_MODULE",
    "ForkKernelClient",
    "ForkKernelManager",
    "ForkProvisioner",
    "ForkedKernelProcess",
    "KernelTemplateError",
    "TemplateProcess",
    "fork_engine_class",
    "run_kernel",
    "serve",
    "template_process",
]

ENGINE_NAME = "scirocco-fork"  # also scirocco_lab.reports.engine.ENGINE_NAME
PRELOAD_MODULE = "scirocco_lab.reports.kernel_preload"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_template_lock = threading.Lock()
_template: TemplateProcess | None = None


class TemplateProcess:
    """The warm template: a child process that forks one kernel per request.

    Requests and replies are one JSON line each over its stdin and stdout; it ends when its
    stdin closes (this process exiting included), so it never outlives the build.
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        # A fresh kernel has MPLBACKEND set by ipykernel before matplotlib is imported
        # (matplotlib reads it at import); the template imports matplotlib first, so it is
        # given the same value up front.
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        # debugpy (imported by every kernel, so by the template) warns about frozen modules
        # on import; the kernels never run under a debugger.
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "scirocco_lab.reports.kernels"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        self._ready = False

    @property
    def pid(self) -> int:
        """The template's process id."""
        return self._process.pid

    def _read(self) -> dict:
        line = self._process.stdout.readline()
        if not line:
            raise KernelTemplateError(
                f"the report kernel template (python -m scirocco_lab.reports.kernels) exited "
                f"with status {self._process.wait()}; its error is printed above"
            )
        return json.loads(line)

    def wait_ready(self) -> None:
        """Block until the template has done its imports."""
        with self._lock:
            if not self._ready:
                self._read()
                self._ready = True

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """Fork a kernel running ipykernel with ``argv``; its process id."""
        self.wait_ready()
        with self._lock:
            request = json.dumps({"argv": argv, "env": env, "cwd": cwd})
            self._process.stdin.write(request + "\n")
            self._process.stdin.flush()
            return int(self._read()["pid"])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        with contextlib.suppress(OSError):
            self._process.stdout.close()


def template_process() -> TemplateProcess:
    """This process's template (started on first use, shared by every report, stopped at
    exit). Call it early to let the imports run while other work goes on."""
    global _template
    with _template_lock:
        if _template is None or _template._process.poll() is not None:
            _template = TemplateProcess()
            atexit.register(_template.close)
        return _template


def run_kernel(argv: list[str], env: dict[str, str], cwd: str | None) -> None:
    """In the forked child: become the report's kernel, as ``python -m ipykernel_launcher
    ARGV`` would, with the kernel manager's environment and working folder."""
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


def serve(requests=None, replies=None) -> None:
    """The template's main loop: warm up, say ready, then fork one kernel per request."""
    requests = requests or sys.stdin
    replies = replies or sys.stdout
    importlib.import_module(PRELOAD_MODULE)
    # Children are reaped by the system; the kernel manager watches them by process id.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    replies.write('{"ready": true}\n')
    replies.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the kernel
            status = 0
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()  # its own process group, apart from the template and the build
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)  # never read the template's requests
                os.dup2(2, 1)  # nor write into its replies
                run_kernel(request["argv"], request["env"], request["cwd"])
            except BaseException:
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()


class KernelTemplateError(SciroccoLabError):
    """The warm template process could not start or stopped."""


def _kernel_argv(cmd: list[str]) -> list[str]:
    """The ipykernel arguments of a kernel command (``... -m ipykernel_launcher -f FILE ...``)."""
    for marker in ("ipykernel_launcher", "ipykernel"):
        if marker in cmd:
            return cmd[cmd.index(marker) + 1 :]
    raise ValueError(f"not an ipykernel command: {cmd!r}")


class ForkedKernelProcess:
    """The ``Popen``-shaped handle LocalProvisioner expects, over a kernel forked by the
    template (not our child: alive while its process id exists; the template reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1  # gone; its status went to the template
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel by forking the warm template rather than starting a new interpreter."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        env = kwargs.get("env") or dict(os.environ)
        cwd = kwargs.get("cwd")
        environment = {str(k): str(v) for k, v in env.items()}
        # As jupyter_client's launcher does: the kernel ends itself if its parent (here the
        # template, which ends with this process) goes away. ipykernel reads the variable
        # when imported, which the template did before any kernel existed: pass it as well.
        environment["JPY_PARENT_PID"] = str(os.getpid())
        argv = [*_kernel_argv(cmd), f"--IPKernelApp.parent_handle={os.getpid()}"]
        pid = template_process().fork(argv, environment, cwd and str(cwd))
        self.process = ForkedKernelProcess(pid)
        self.pid = pid
        # The child is its own process group (setsid), but it may not have got there yet:
        # signal the process itself, never a group that could hold the template or us.
        self.pgid = None
        self.cwd = cwd
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """SIGKILL the kernel and return once it is gone.

        The kernel manager then finds it dead at its first look instead of polling again
        0.1 s later (about a tenth of a report's time, spent idle).
        """
        await super().kill(restart=restart)
        process = self.process
        deadline = time.monotonic() + 2.0
        while process is not None and process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)


_ipc_lock = threading.Lock()
_ipc_folder: str | None = None


def _ipc_dir() -> str:
    """A private folder for this process's kernel sockets (removed at exit)."""
    global _ipc_folder
    with _ipc_lock:
        if _ipc_folder is None:
            _ipc_folder = tempfile.mkdtemp(prefix="scirocco-k")
            atexit.register(shutil.rmtree, _ipc_folder, True)
        return _ipc_folder


class ForkKernelClient(AsyncKernelClient):
    """The kernel client of :class:`ForkKernelManager`: ready as soon as the kernel is.

    jupyter_client's ``wait_for_ready`` ends only after 0.2 s of silence on IOPub, to flush
    the status messages of its ``kernel_info`` requests: a fifth of a report's time, spent
    idle. Here it first waits for IOPub to be connected (ipykernel's welcome message), then ends
    when the kernel has answered ``kernel_info`` on the shell channel and reported itself idle
    for that request on IOPub, the last message the request causes. A request whose status was
    lost before IOPub connected is sent again, as jupyter_client does.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        # Until IOPub is connected, a request's status messages are lost. ipykernel welcomes
        # each IOPub subscriber with a message; an older kernel's status messages show it.
        connected = await self._next_iopub(timeout=0.2) is not None
        while True:
            request = self.kernel_info()
            try:
                reply = await self._async_recv_reply(request, timeout=1)
            except TimeoutError:
                reply = None
            if reply is not None:
                found, seen = await self._idle_after(request, timeout=1 if connected else 0.2)
                if found:
                    self._handle_kernel_info_reply(reply)
                    return
                connected = connected or seen
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _next_iopub(self, timeout: float) -> dict | None:
        try:
            return await self._async_get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None

    async def _idle_after(self, request: str, timeout: float) -> tuple[bool, bool]:
        """(whether IOPub reported the kernel idle after ``request`` within ``timeout``,
        whether any IOPub message came); the messages before it are dropped."""
        deadline = time.monotonic() + timeout
        seen = False
        while (left := deadline - time.monotonic()) > 0:
            message = await self._next_iopub(timeout=left)
            if message is None:
                break
            seen = True
            if (
                message["msg_type"] == "status"
                and message["content"].get("execution_state") == "idle"
                and message["parent_header"].get("msg_id") == request
            ):
                return True, True
        return False, seen


class ForkKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, with kernels forked from the warm template.

    Kernels talk over Unix sockets in a private folder rather than loopback TCP: with many
    kernels starting at once (and other programs on the machine), a TCP port picked free can
    be taken before the kernel binds it; a socket file named after the kernel cannot.
    """

    client_class = DottedObjectName(f"{__name__}.ForkKernelClient")
    client_factory = Type(klass=ForkKernelClient)

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.transport = "ipc"
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or _new_id()
            self.ip = os.path.join(_ipc_dir(), self.kernel_id)
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


_engine_class: type | None = None


def fork_engine_class() -> type:
    """:class:`ForkEngine`, papermill's nbclient engine running each notebook in a kernel
    forked from the warm template (:class:`ForkKernelManager`).

    Built on first use: papermill loads its engines' entry points while ``papermill.engines``
    is being imported, so this module cannot import papermill at import time (the entry point
    would find this module half-initialised).
    """
    global _engine_class
    if _engine_class is None:
        from papermill.engines import NBClientEngine

        if _engine_class is None:  # importing papermill may have come back here

            class ForkEngine(NBClientEngine):
                __doc__ = fork_engine_class.__doc__

                @classmethod
                def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
                    kwargs.setdefault("kernel_manager_class", ForkKernelManager)
                    return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

            ForkEngine.__module__ = __name__
            _engine_class = ForkEngine
    return _engine_class


def __getattr__(name: str):
    if name == "ForkEngine":  # the papermill.engine entry point
        return fork_engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    serve()
