"""A real Dovecot IMAP server for tests, with a throwaway config in a temp folder.

Started on 127.0.0.1 with free ports, a self-signed certificate made here, one user with a
plain password in a passwd-file and Maildir storage in the temp folder. Also a tiny TCP proxy
that can cut the connection after a number of bytes from the server (fault injection).
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.netutil import free_ports, make_certificate

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def dovecot_available() -> bool:
    return Path(DOVECOT).exists()


@dataclass
class Dovecot:
    folder: Path
    imap_port: int
    imaps_port: int
    username: str
    password: str
    cert: Path
    process: subprocess.Popen | None = None
    mail_root: Path | None = None
    run_dir: Path | None = None

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- test helpers that talk IMAP directly ---------------------------------------------
    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.cert))
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context, timeout=10)
        conn.login(self.username, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            typ, data = conn.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def create_folder(self, folder: str) -> None:
        conn = self.client()
        try:
            conn.create(folder)
        finally:
            conn.logout()

    def uids(self, folder: str, criteria: str = "ALL") -> list[bytes]:
        conn = self.client()
        try:
            typ, _ = conn.select(f'"{folder}"')
            if typ != "OK":
                return []
            typ, data = conn.uid("SEARCH", None, criteria)
            return data[0].split()
        finally:
            conn.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.mail_root is not None and self.mail_root != self.folder / "mail":
            shutil.rmtree(self.mail_root, ignore_errors=True)
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not open its port in time")


def _unprivileged_user() -> str:
    for name in ("dovenull", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root needs a 'dovenull' or 'nobody' user for Dovecot")


def start_dovecot(
    folder: Path, username: str = "journal", password: str = "s3cret-imap"
) -> Dovecot:
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    imap_port, imaps_port = free_ports(2)
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    # Dovecot's login processes refuse to run as root
    login_user = user if os.getuid() != 0 else _unprivileged_user()
    (folder / "passwd").write_text(f"{username}:{{PLAIN}}{password}::::::\n")
    mail_uid, mail_gid = os.getuid(), os.getgid()
    if os.getuid() == 0:
        # Dovecot never runs mail processes as root: give the mail store to an unprivileged
        # user, in a folder that user can reach (pytest's tmp folders are private to root)
        entry = pwd.getpwnam(login_user)
        mail_uid, mail_gid = entry.pw_uid, entry.pw_gid
        mail_root = Path(tempfile.mkdtemp(prefix="plg-imap-mail-", dir="/tmp"))
        os.chown(mail_root, mail_uid, mail_gid)
    else:
        mail_root = folder / "mail"
        mail_root.mkdir(exist_ok=True)
    # Dovecot's sockets live here: a Unix socket path has at most 107 bytes, and pytest's
    # temp paths (longer still under xdist) go past that
    run_dir = Path(tempfile.mkdtemp(prefix="dv-", dir="/tmp"))
    (folder / "state").mkdir(exist_ok=True)
    config = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {run_dir}
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{mail_root}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={mail_root}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
  user = {login_user}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""
    conf = folder / "dovecot.conf"
    conf.write_text(config)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as the server
    )
    server = Dovecot(
        folder, imap_port, imaps_port, username, password, cert, process, mail_root, run_dir
    )
    try:
        _wait_for_port(imaps_port, process)
        _wait_for_port(imap_port, process)
    except RuntimeError as err:
        server.stop()
        detail = (folder / "stderr.log").read_text(errors="replace") + server.log()
        raise RuntimeError(f"{err}\n{detail[-3000:]}") from None
    return server


class CuttingProxy:
    """Forwards 127.0.0.1:port -> target; after `cut_after` bytes from the server it closes
    both sides (None: never). Counts the connections it accepted."""

    def __init__(self, target_port: int, cut_after: int | None = None) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.connections = 0
        self.bytes_from_server = 0
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(16384)
                if not data:
                    break
                if from_server and self.cut_after is not None:
                    room = self.cut_after - sent
                    if room <= 0:
                        break
                    data = data[:room]
                sink.sendall(data)
                sent += len(data)
                if from_server:
                    self.bytes_from_server += len(data)
                    if self.cut_after is not None and sent >= self.cut_after:
                        break
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()
