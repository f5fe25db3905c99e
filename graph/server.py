"""Launcher of the local Neo4j 5.26 Community server (embedded Neo4j behind Bolt).

The server is the small Java program in ``graph/neo4j`` (``org.aidgraph.Neo4jLauncher``),
built with Maven into ``graph/neo4j/target`` and run as a detached ``java`` process. Its
state lives in the data directory:

* ``neo4j.pid``     pid of the running launcher
* ``launcher.log``  the launcher's stdout/stderr (previous run in ``launcher.log.1``)
* ``logs/``         Neo4j's own logs (``debug.log``, ``security.log``, ...)
* ``data/``         the databases

Only the launcher and its callers print; this module returns values and raises
:class:`ServerError`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LocalServer", "ServerError", "ServerStatus", "ensure_built"]

PROJECT_DIR = Path(__file__).resolve().parent / "neo4j"
"""The Maven project of the Java launcher (``pom.xml`` and ``src/``)."""

TARGET_DIR = PROJECT_DIR / "target"
LAUNCHER_JAR = TARGET_DIR / "aidgraph-neo4j.jar"
LIB_DIR = TARGET_DIR / "lib"
MAIN_CLASS = "org.aidgraph.Neo4jLauncher"
HOST = "127.0.0.1"

PID_FILE = "neo4j.pid"
LOG_FILE = "launcher.log"
_LOCK_FILE = ".launcher.lock"
_BUILD_LOCK_FILE = ".build.lock"
_STAMP_FILE = ".aidgraph-build-stamp"

_READY = "aidgraph-neo4j ready "
_BUILD_TIMEOUT = 1800.0  # a cold build downloads ~125 MB of jars from Maven Central
_MIN_PASSWORD_LENGTH = 8  # Neo4j 5's dbms.security.auth_minimum_password_length
_SIZE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)

# What the Neo4j 5 distribution passes to the JVM (server.jvm.additional in neo4j.conf).
# Without the --add-opens Neo4j falls back to slower page-cache and file I/O paths and logs
# "Reflection access ... is not available" / "Incorrect file descriptor" warnings.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


class ServerError(RuntimeError):
    """The local server could not be built, started or stopped."""


class _ExitedError(ServerError):
    """The JVM exited while we waited for it to become ready."""


@dataclass(frozen=True)
class ServerStatus:
    """What is known about the local server; ``running`` only if Bolt answers."""

    running: bool
    pid: int | None
    uri: str
    data_dir: Path
    detail: str


@dataclass(frozen=True)
class LocalServer:
    """A local Neo4j server on 127.0.0.1 whose state lives in ``data_dir``."""

    data_dir: Path
    port: int = 7687
    password: str = "aidgraph-local"
    heap: str = "1g"
    page_cache: str = "256m"

    def __post_init__(self) -> None:
        # Accept str paths from callers; the dataclass is frozen, hence object.__setattr__.
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if not 0 < self.port < 65536:
            raise ValueError(f"port out of range: {self.port}")
        for name in ("heap", "page_cache"):
            _size_bytes(getattr(self, name), name)

    @property
    def home(self) -> Path:
        """The absolute data directory (the Neo4j home of the embedded DBMS)."""
        return self.data_dir.expanduser().resolve()

    @property
    def pid_file(self) -> Path:
        return self.home / PID_FILE

    @property
    def log_file(self) -> Path:
        return self.home / LOG_FILE

    def uri(self) -> str:
        """The Bolt URI clients use."""
        return f"bolt://{HOST}:{self.port}"

    def status(self) -> ServerStatus:
        """Running means: pid file present, that process alive and ours, and Bolt accepting."""
        pid = self._read_pid()
        if pid is None:
            return self._status(False, None, "not running (no pid file)")
        if not _is_launcher(pid, self.home):
            return self._status(False, pid, f"not running (stale pid file, process {pid} is gone)")
        if not _port_open(self.port):
            other = self._logged_uri()
            if other is not None and other != self.uri():
                detail = f"process {pid} serves this data dir at {other}, not {self.uri()}"
            else:
                detail = f"process {pid} is alive but {self.uri()} refuses connections"
            return self._status(False, pid, detail)
        return self._status(True, pid, f"running (pid {pid}) at {self.uri()}")

    def start(self, timeout: float = 180) -> ServerStatus:
        """Start the server unless it already runs, and wait until it accepts the password.

        Builds the Java launcher first when needed (not counted in ``timeout``). Raises
        :class:`ServerError` with the tail of ``launcher.log`` if the JVM exits or is not
        ready within ``timeout`` seconds.
        """
        if len(self.password) < _MIN_PASSWORD_LENGTH:
            raise ServerError(
                f"the Neo4j password needs at least {_MIN_PASSWORD_LENGTH} characters"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        # Serialise concurrent starts on one data dir: the second waits, then finds it running.
        with _locked(self.home / _LOCK_FILE):
            current = self.status()
            if current.running:
                return current
            pid = current.pid
            if pid is not None and _is_launcher(pid, self.home):
                other = self._logged_uri()
                if other is not None and other != self.uri():
                    raise ServerError(
                        f"the server of {self.home} already runs at {other} (pid {pid}); "
                        "use that port or stop it first"
                    )
                # Ours and alive but Bolt is not up: still starting, or stopping (then it
                # exits and we start a new one below).
                with contextlib.suppress(_ExitedError):
                    return self._await_ready(pid, None, time.monotonic() + timeout)
            self.pid_file.unlink(missing_ok=True)
            if _port_open(self.port):
                raise ServerError(
                    f"port {self.port} is already in use by another process; "
                    "stop it or choose another port"
                )
            ensure_built()
            proc = self._spawn()
            return self._await_ready(proc.pid, proc, time.monotonic() + timeout)

    def stop(self, timeout: float = 60) -> bool:
        """SIGTERM the server, SIGKILL it after ``timeout`` s; True if one was running.

        Deliberately takes no lock, so it can also stop a start that hangs.
        """
        pid = self._read_pid()
        if pid is None:
            return False
        if not _is_launcher(pid, self.home):
            self.pid_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_dead(pid, timeout):
            # The shutdown hook hung; the store recovers from its transaction log on next start.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_dead(pid, 10)
        self.pid_file.unlink(missing_ok=True)
        return True

    # -- internals -------------------------------------------------------------------------

    def _status(self, running: bool, pid: int | None, detail: str) -> ServerStatus:
        return ServerStatus(
            running=running, pid=pid, uri=self.uri(), data_dir=self.data_dir, detail=detail
        )

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _command(self) -> list[str]:
        heap = _size_bytes(self.heap, "heap")
        initial = min(heap, 256 * 1024**2)  # small -Xms: start fast, grow to -Xmx on demand
        classpath = os.pathsep.join([str(LAUNCHER_JAR), str(LIB_DIR / "*")])
        return [
            _java(),
            f"-Xms{initial // 1024}k",
            f"-Xmx{self.heap}",
            *_JVM_FLAGS,
            f"-XX:ErrorFile={self.home / 'logs' / 'hs_err_pid%p.log'}",
            "-cp",
            classpath,
            MAIN_CLASS,
            "--data-dir",
            str(self.home),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--page-cache",
            self.page_cache,
        ]

    def _spawn(self) -> subprocess.Popen[bytes]:
        log = self.log_file
        if log.exists():
            log.replace(log.with_name(LOG_FILE + ".1"))
        (self.home / "logs").mkdir(exist_ok=True)
        # The password goes through the environment, never argv (visible in ps).
        env = {**os.environ, "NEO4J_PASSWORD": self.password}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                env=env,
                # Own session: the server outlives this process and ignores its Ctrl-C.
                start_new_session=True,
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        return proc

    def _await_ready(
        self, pid: int, proc: subprocess.Popen[bytes] | None, deadline: float
    ) -> ServerStatus:
        """Wait for the ready line (printed after the password is set) and an open port."""
        while True:
            exited = proc.poll() is not None if proc is not None else not _pid_alive(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                code = f" with code {proc.returncode}" if proc is not None else ""
                raise _ExitedError(f"Neo4j exited during startup{code}\n{self._log_tail()}")
            if self._ready_logged() and _port_open(self.port):
                return self._status(True, pid, f"running (pid {pid}) at {self.uri()}")
            if time.monotonic() > deadline:
                if proc is not None:
                    self.stop(timeout=15)
                raise ServerError(f"Neo4j was not ready in time\n{self._log_tail()}")
            time.sleep(0.1)

    def _log_text(self) -> str:
        try:
            return self.log_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def _logged_uri(self) -> str | None:
        """The URI from the launcher's ready line, if it printed one."""
        for line in self._log_text().splitlines():
            if line.startswith(_READY):
                return line[len(_READY) :].strip()
        return None

    def _ready_logged(self) -> bool:
        return self._logged_uri() is not None

    def _log_tail(self, lines: int = 40) -> str:
        tail = "\n".join(self._log_text().splitlines()[-lines:])
        debug = self.home / "logs" / "debug.log"
        return f"--- last lines of {self.log_file} (more in {debug}) ---\n{tail}"


def ensure_built() -> bool:
    """Build the Java launcher unless ``graph/neo4j/target`` matches the sources; True if built.

    Tries Maven offline first (jars already in ~/.m2), then online. The result is keyed by a
    hash of pom.xml and the Java sources, not by mtimes, which git checkouts rewrite.
    """
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with _locked(TARGET_DIR / _BUILD_LOCK_FILE):
        stamp = TARGET_DIR / _STAMP_FILE
        wanted = _source_digests()
        try:
            have = stamp.read_text().split()
        except FileNotFoundError:
            have = []
        if have == wanted and _build_complete():
            return False
        if not have or have[0] != wanted[0]:
            # Dependencies changed: drop old jars, copy-dependencies never deletes any.
            shutil.rmtree(LIB_DIR, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServerError("Maven (mvn) is not on PATH; it is needed to build the launcher")
        goal = ["-Dstyle.color=never", "-f", str(PROJECT_DIR / "pom.xml"), "package"]
        result = _run_build([mvn, "-q", "-B", "-o", *goal])
        if result.returncode != 0:
            result = _run_build([mvn, "-q", "-B", *goal])
        if result.returncode != 0 or not _build_complete():
            tail = "\n".join(result.stdout.splitlines()[-40:])
            raise ServerError(f"building the Neo4j launcher failed:\n{tail}")
        stamp.write_text(" ".join(wanted) + "\n")
        return True


def _run_build(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=_BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ServerError(f"building the Neo4j launcher timed out: {' '.join(cmd)}") from exc


def _source_digests() -> list[str]:
    """Hash of pom.xml, and hash of all Java sources (path and content)."""
    pom = hashlib.sha256((PROJECT_DIR / "pom.xml").read_bytes()).hexdigest()
    src = hashlib.sha256()
    root = PROJECT_DIR / "src"
    for path in sorted(root.rglob("*.java")):
        src.update(path.relative_to(root).as_posix().encode() + b"\0")
        src.update(path.read_bytes() + b"\0")
    return [pom, src.hexdigest()]


def _build_complete() -> bool:
    return LAUNCHER_JAR.is_file() and any(LIB_DIR.glob("neo4j-bolt-*.jar"))


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise ServerError("java (17 or 21) is not on PATH and JAVA_HOME is not set")
    return java


def _size_bytes(value: str, name: str) -> int:
    match = _SIZE.match(value.strip())
    if match is None:
        raise ValueError(f"{name} must look like 512m or 1g, not {value!r}")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2).lower()]
    return int(match.group(1)) * factor


def _port_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs; reaps it first if it is our exited child (else it stays a zombie)."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    try:
        # A zombie someone else has not reaped yet still answers kill(pid, 0).
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_launcher(pid: int, home: Path) -> bool:
    """Whether ``pid`` is alive and is our launcher for ``home`` (guards against pid reuse)."""
    if not _pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError as exc:
        # No /proc (macOS): trust the pid file.
        return exc.errno != errno.ENOENT or not Path("/proc/self").exists()
    return MAIN_CLASS.encode() in argv and str(home).encode() in argv


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (released on close, also if we crash)."""
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
