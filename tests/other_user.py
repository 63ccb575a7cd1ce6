"""Runs Python and `python -m app` as user `nobody`, for whom chmod is real (root ignores it)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.paths import DATA_DIR_VARIABLE

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 60
# Nothing from this process's environment: the other user gets only what is named here.
BARE_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True)
class OtherUser:
    """An unprivileged user and an interpreter it can import the app with."""

    uid: int
    gid: int
    executable: str
    extra_env: dict[str, str]

    def python(
        self, *args: str | Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT_SECONDS
    ) -> subprocess.CompletedProcess[str]:
        """`python ARGS` as this user, from the repository, with only `env` added."""
        return subprocess.run(
            [self.executable, *map(str, args)],
            cwd=REPO_ROOT,
            env={**BARE_ENVIRONMENT, **self.extra_env, **(env or {})},
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def run(
        self, data_dir: Path, *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python -m app ARGS` as this user, `data_dir` its home and Dukan's data folder."""
        return self.python(
            "-m",
            "app",
            *args,
            env={"HOME": str(data_dir), DATA_DIR_VARIABLE: str(data_dir), **(env or {})},
        )


def nobody(probe: str = "import app.cli") -> OtherUser:
    """User `nobody` with an interpreter that runs `probe` (the imports a test needs), or a
    skip: only root may run a program as another user."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the program as another user")
    try:
        account = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("there is no user nobody to run the program as")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [OtherUser(account.pw_uid, account.pw_gid, sys.executable, {})]
    system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    if system is not None:
        # The venv may live under /root, out of nobody's reach; the same Python version from
        # the system runs the app with the venv's (pure-Python and wheel) site-packages.
        site_packages = sysconfig.get_paths()["purelib"]
        extra_env = {"PYTHONPATH": os.pathsep.join([str(REPO_ROOT), site_packages])}
        candidates.append(OtherUser(account.pw_uid, account.pw_gid, system, extra_env))
    reasons = []
    for candidate in candidates:
        try:
            probed = candidate.python("-c", probe)
        except OSError as error:
            reasons.append(f"{candidate.executable}: {error}")
            continue
        if probed.returncode == 0:
            return candidate
        reasons.append(f"{candidate.executable}: {probed.stderr.strip().splitlines()[-1:]}")
    pytest.skip(f"user nobody cannot start Python with the app ({'; '.join(reasons)})")


@contextlib.contextmanager
def world_readable_base(prefix: str) -> Iterator[Path]:
    """A folder under /tmp that another user can reach (pytest's tmp_path is root's 0700);
    every folder in it made writable again before it is removed."""
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix=prefix))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder in [base, *base.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
