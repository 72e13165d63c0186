"""HTTP to etcd with fail-over between endpoints, shared by the v2 and v3 clients.

Both etcd APIs are reachable over plain HTTP/JSON (v3 through etcd's gRPC gateway), so
the agent needs nothing beyond http.client. A refused or timed-out connection moves on to
the next endpoint; when none answers, Unreachable names all of them.
"""

import http.client
import json
import socket
from urllib.parse import urlsplit


class Unreachable(ConnectionError):
    """No etcd endpoint answered."""


class EtcdError(RuntimeError):
    """etcd answered with an error we do not handle."""


class Compacted(RuntimeError):
    """The watch asked for history etcd no longer keeps: list again, then watch."""


class Idle(TimeoutError):
    """A long poll saw no event within its wait time (normal; just ask again)."""


class Endpoints:
    def __init__(self, urls):
        self.urls = [u.strip().rstrip("/") for u in urls.split(",") if u.strip()]
        if not self.urls:
            raise ValueError("--etcd-endpoints is empty")
        self.addresses = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme != "http" or not parts.hostname:
                raise ValueError(f"etcd endpoint {url!r}: only http://HOST:PORT is supported")
            self.addresses.append((parts.hostname, parts.port or 2379))
        self.current = 0

    def __str__(self):
        return ",".join(self.urls)

    def open(self, method, path, body=None, headers=None, timeout=5.0, wait=None):
        """Send one request, trying each endpoint once; return (connection, response).

        `wait` is for long polls and streams: once connected, the answer may take that
        long, and a silent endpoint then raises Idle instead of counting as down.
        """
        errors = []
        for attempt in range(len(self.addresses)):
            index = (self.current + attempt) % len(self.addresses)
            host, port = self.addresses[index]
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            try:
                conn.connect()
            except OSError as err:
                conn.close()
                errors.append(f"{self.urls[index]}: {describe(err)}")
                continue
            if wait is not None:
                conn.sock.settimeout(wait)
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
            except socket.timeout as err:
                conn.close()
                if wait is not None:
                    self.current = index
                    raise Idle(f"no answer from {self.urls[index]} within {wait}s") from None
                errors.append(f"{self.urls[index]}: {describe(err)}")
                continue
            except (OSError, http.client.HTTPException) as err:
                conn.close()
                errors.append(f"{self.urls[index]}: {describe(err)}")
                continue
            self.current = index
            return conn, response
        raise Unreachable("etcd unreachable (" + "; ".join(errors) + ")")

    def call(self, method, path, body=None, headers=None, timeout=5.0):
        """One request and its whole answer: (status, headers, parsed JSON or None)."""
        conn, response = self.open(method, path, body, headers, timeout)
        try:
            data = response.read()
        except (OSError, http.client.HTTPException) as err:
            raise Unreachable(f"etcd at {self.urls[self.current]} broke off: {describe(err)}") from None
        finally:
            conn.close()
        try:
            parsed = json.loads(data) if data.strip() else None
        except ValueError:
            raise EtcdError(f"{method} {path}: HTTP {response.status}, not JSON: {data[:200]!r}") from None
        return response.status, response.headers, parsed


def describe(err):
    if isinstance(err, socket.timeout):
        return "timed out"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    return str(err) or type(err).__name__
