"""The gate's parts without a server: rate limiter, sign-in page, Voila command line."""

from pathlib import Path

import pytest

from scirocco_lab.capture.gate import FailureLimiter, sign_in_page
from scirocco_lab.capture.serve import (
    ServeSettings,
    kernel_crash_report,
    running_voila,
    voila_command,
)
from scirocco_lab.errors import ConfigurationError


def test_limiter_blocks_a_key_after_the_allowed_failures():
    limiter = FailureLimiter(max_failures=3, window_seconds=60)
    for second in range(3):
        assert limiter.blocked_for(["client:a"], now=second) == 0
        limiter.record(["client:a"], now=second)
    assert limiter.blocked_for(["client:a"], now=3) == pytest.approx(57)


def test_limiter_forgets_failures_older_than_the_window():
    limiter = FailureLimiter(max_failures=2, window_seconds=10)
    limiter.record(["client:a"], now=0)
    limiter.record(["client:a"], now=1)
    assert limiter.blocked_for(["client:a"], now=10.5) == 0


def test_limiter_keys_are_independent_but_any_blocked_key_blocks():
    limiter = FailureLimiter(max_failures=1, window_seconds=60)
    limiter.record(["prefix:abc123"], now=0)
    assert limiter.blocked_for(["client:b"], now=1) == 0
    assert limiter.blocked_for(["client:b", "prefix:abc123"], now=1) > 0


def test_sign_in_page_escapes_its_message():
    page = sign_in_page("<script>alert(1)</script>", tone="error")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_voila_runs_behind_the_gate_with_url_overrides_off():
    command = voila_command(ServeSettings(notebook=Path("form.ipynb")), python="python")
    assert any(part.endswith("gate.InvitationIdentityProvider") for part in command)
    assert "--VoilaConfiguration.allow_template_override=NO" in command
    assert "--VoilaConfiguration.http_header_envs=Cookie" in command
    assert "--MappingKernelManager.cull_connected=False" in command


def test_serving_without_the_gate_off_loopback_is_refused():
    settings = ServeSettings(notebook=Path("form.ipynb"), host="0.0.0.0", gate=False)
    with (
        pytest.raises(ConfigurationError, match="only allowed on this machine"),
        running_voila(settings),
    ):
        pass


def test_a_dead_kernel_in_the_log_is_reported():
    line = "[W 2026] AsyncIOLoopKernelRestarter: restarting kernel (1/5), keep random ports"
    assert "crashed" in kernel_crash_report(line)
    assert kernel_crash_report("[I 2026] Kernel started: 1234") is None


def test_serve_refuses_an_unknown_subject_before_starting(tmp_path, capsys):
    from scirocco_lab.assessment.records import SubjectRecord
    from scirocco_lab.assessment.store import add_subjects
    from scirocco_lab.cli import main
    from scirocco_lab.store import open_store

    store_path = str(tmp_path / "store.db")
    add_subjects(open_store(store_path), [SubjectRecord("northvale", "Northvale")])
    status = main(["--store", store_path, "serve", "--subject", "westfold"])
    err = capsys.readouterr().err
    assert status == 2 and "westfold" in err and "Traceback" not in err


def test_serve_refuses_a_port_in_use(tmp_path, capsys):
    import socket

    from scirocco_lab.cli import main
    from scirocco_lab.store import open_store

    store_path = str(tmp_path / "store.db")
    open_store(store_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["--store", store_path, "serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert status == 2 and f"127.0.0.1:{port}" in err and "--port" in err
