"""The sandbox HTTP server: fake Slack, GitHub and HubSpot APIs on one loopback port.

`start(data_dir, port=0, faults=None)` serves a dataset directory in a background thread and
returns a `SandboxServer` (see docs/architecture.md, "The sandbox"). Each request is counted per
route pattern, then may be hit by a fault rule, then answered from the indexed dataset.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from covered.sandbox import dataset, github_api, hubspot_api, slack_api
from covered.sandbox.errors import SandboxError
from covered.sandbox.faults import FaultRule, Faults, load_faults, parse_faults
from covered.sandbox.wire import Api, Request, Response, json_response

APIS = (slack_api.API, github_api.API, hubspot_api.API)
DEFAULT_HOST = "127.0.0.1"
MAX_BODY_BYTES = 10 * 1024 * 1024


def check_loopback(host: str) -> str:
    """The address to bind if `host` is IPv4 loopback (or localhost); never anything else."""
    if host == "localhost":
        return DEFAULT_HOST
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or address.version != 4 or not address.is_loopback:
        raise SandboxError(
            f"refusing to bind {host!r}: the sandbox only listens on loopback (127.0.0.1)"
        )
    return host


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer):
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        # A client that hung up (its timeout passed during a `slow` fault) is not a server
        # error: without this, every such request prints a traceback into the run's output.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the vendors' APIs
    # Headers and body go out as two small writes: without this, Nagle's algorithm and delayed
    # ACKs add ~40 ms to every request on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.server.sandbox._connections.add(self.connection)

    def finish(self) -> None:
        self.server.sandbox._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a tap's thousands of requests would drown the console."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY_BYTES)) if length > 0 else b""

    def _handle(self) -> None:
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        body = self._read_body()
        if url.path.startswith("/_sandbox/"):
            self._send(sandbox._control(self.command, url.path))
            return
        api = next((a for a in APIS if url.path.startswith(a.prefix + "/")), None)
        if api is None:
            self._send(json_response({"error": f"no sandbox API at {url.path}"}, 404))
            return
        vendor_path = url.path[len(api.prefix) :]
        route, path_params = api.match(self.command, vendor_path)
        sandbox._count(f"{api.prefix} {self.command} {route.pattern if route else '*'}")

        rule = sandbox.faults.pick(api.name, vendor_path) if sandbox.faults else None
        if rule is not None and rule.kind == "drop":
            self._drop()
            return
        if rule is not None and rule.kind == "slow":
            sandbox._stopping.wait(rule.seconds)
        if rule is not None and rule.kind in ("status", "slack_error"):
            self._send(_fault_response(api, rule), api)
            return

        request = Request(
            method=self.command,
            path=vendor_path,
            params=self._params(url.query, body),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=f"http://{self.headers.get('Host') or sandbox.host_port}{api.prefix}",
        )
        try:
            response = api.answer(route, path_params, request, sandbox.dataset)
        except Exception as exc:  # a sandbox bug must not kill the connection thread silently
            print(
                f"sandbox: internal error on {self.command} {url.path}: "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
            response = json_response({"error": "sandbox internal error"}, 500)
        self._send(response, api, truncate=rule is not None and rule.kind == "truncate")

    def _params(self, query: str, body: bytes) -> dict[str, list[str]]:
        params = parse_qs(query, keep_blank_values=True)
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update(form)
        return params

    def _drop(self) -> None:
        """Close the connection without a byte of response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, response: Response, api: Api | None = None, truncate: bool = False) -> None:
        self.send_response(response.status)
        headers = {**(api.extra_headers() if api else {}), **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        # A truncated answer still announces the full length, then stops half way.
        self.send_header("Content-Length", str(len(response.body)))
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(response.body[: len(response.body) // 2] if truncate else response.body)
        self.wfile.flush()


def _fault_response(api: Api, rule: FaultRule) -> Response:
    if rule.kind == "slack_error":
        return slack_api.slack_error_response(rule.error or "internal_error", rule.retry_after)
    assert rule.status is not None  # validated by the faults parser
    headers = {} if rule.retry_after is None else {"Retry-After": f"{rule.retry_after:g}"}
    return json_response(api.error_body(rule.status), rule.status, headers)


class SandboxServer:
    """A running sandbox; see `start`."""

    def __init__(
        self,
        data_dir: str | Path,
        port: int = 0,
        faults: Faults | list | str | Path | None = None,
        host: str = DEFAULT_HOST,
    ):
        host = check_loopback(host)
        self.data_dir = Path(data_dir)
        self.dataset = dataset.load(self.data_dir)
        if isinstance(faults, list):
            faults = parse_faults(faults)
        elif isinstance(faults, str | Path):
            faults = load_faults(faults)
        self.faults: Faults | None = faults
        self._stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        try:
            self._http = _HttpServer((host, port), self)
        except OSError as exc:
            raise SandboxError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.host_port = f"{host}:{self._http.server_address[1]}"
        self.url = f"http://{self.host_port}"
        # A short poll interval makes stop() quick (tests start and stop many servers).
        self._thread = threading.Thread(
            target=self._http.serve_forever, args=(0.05,), name="covered-sandbox", daemon=True
        )
        self._thread.start()

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self._stats[key] += 1

    def stats(self) -> dict:
        """{"requests": {"<prefix> <METHOD> <route pattern>": count}, "total": n}."""
        with self._stats_lock:
            return {"requests": dict(sorted(self._stats.items())), "total": self._stats.total()}

    def reset_stats(self) -> None:
        with self._stats_lock:
            self._stats.clear()

    def reload(self) -> None:
        """Re-read the dataset directory; on error the old dataset keeps being served."""
        self.dataset = dataset.load(self.data_dir)

    def _control(self, method: str, path: str) -> Response:
        if method == "GET" and path == "/_sandbox/stats":
            return json_response(self.stats())
        if method == "POST" and path == "/_sandbox/stats/reset":
            self.reset_stats()
            return json_response(self.stats())
        return json_response({"error": f"no sandbox control at {method} {path}"}, 404)

    def stop(self) -> None:
        self._stopping.set()
        self._http.shutdown()
        self._http.server_close()
        # Keep-alive connections would otherwise outlive the server.
        for connection in list(self._connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    data_dir: str | Path,
    port: int = 0,
    faults: Faults | list | str | Path | None = None,
    host: str = DEFAULT_HOST,
) -> SandboxServer:
    """Serve `data_dir` on host:port (port 0 picks a free one) until `.stop()`.

    `faults` is a faults file path, a list of rules in the same format, or parsed `Faults`.
    Raises SandboxError (one-line message) for a bad dataset, faults file or address.
    """
    return SandboxServer(data_dir, port=port, faults=faults, host=host)
