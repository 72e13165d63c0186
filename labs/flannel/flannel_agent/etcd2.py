"""etcd's v2 keys API, as flannel up to 0.17 used it: TTL keys, prevExist, long-poll watches.

etcd 3.4 serves it only with --enable-v2, and its v2 keys are separate from v3 keys.
A lease is a key with a TTL; creating it with prevExist=false is atomic, so two agents can
never both own one subnet. Expiry shows up in the watch as an "expire" event.
"""

import http.client
import json
import socket
from urllib.parse import quote, urlencode

from .etcdhttp import Compacted, EtcdError, Unreachable, describe

KEY_NOT_FOUND = 100
NODE_EXISTS = 105
INDEX_CLEARED = 401
GONE = ("delete", "expire", "compareAndDelete")


class EtcdV2:
    api = "v2"

    def __init__(self, endpoints, wait=25.0):
        self.endpoints = endpoints
        self.wait = wait

    def _path(self, key, **query):
        path = "/v2/keys" + quote(key)
        return path + ("?" + urlencode(query) if query else "")

    def _form(self, value, ttl):
        fields = {"value": value}
        if ttl:
            fields["ttl"] = str(int(ttl))
        return urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"}

    def get(self, key):
        status, _, body = self.endpoints.call("GET", self._path(key))
        if status == 404 and body and body.get("errorCode") == KEY_NOT_FOUND:
            return None
        self._check(status, body, "get", key)
        return body["node"].get("value")

    def list(self, prefix):
        """Every key under prefix with its value, and the index to watch from."""
        status, headers, body = self.endpoints.call("GET", self._path(prefix, recursive="true"))
        index = int(headers.get("X-Etcd-Index") or (body or {}).get("index") or 0)
        if status == 404 and body and body.get("errorCode") == KEY_NOT_FOUND:
            return {}, index
        self._check(status, body, "list", prefix)
        found = {}
        stack = [body["node"]]
        while stack:
            node = stack.pop()
            if node.get("dir"):
                stack.extend(node.get("nodes", []))
            else:
                found[node["key"]] = node.get("value", "")
        return found, index

    def create(self, key, value, ttl):
        """Create key only if it does not exist; False if someone else has it."""
        form, headers = self._form(value, ttl)
        status, _, body = self.endpoints.call("PUT", self._path(key, prevExist="false"), form, headers)
        if status == 412 and body and body.get("errorCode") == NODE_EXISTS:
            return False
        self._check(status, body, "create", key)
        return True

    def put(self, key, value, ttl):
        form, headers = self._form(value, ttl)
        status, _, body = self.endpoints.call("PUT", self._path(key), form, headers)
        self._check(status, body, "put", key)

    def delete(self, key):
        status, _, body = self.endpoints.call("DELETE", self._path(key))
        if status == 404:
            return
        self._check(status, body, "delete", key)

    def watch(self, prefix, after):
        """Yield ([(kind, key, value)], index) for each change under prefix after `after`.

        kind is "put" or "delete" (expiry included). Returns quietly when a poll saw
        nothing for `wait` seconds; raises Compacted when etcd dropped that history.
        """
        while True:
            path = self._path(prefix, wait="true", recursive="true", waitIndex=str(after + 1))
            conn, response = self.endpoints.open("GET", path, wait=self.wait)
            try:
                data = response.read()
            except socket.timeout:
                return
            except (OSError, http.client.HTTPException) as err:
                raise Unreachable(f"etcd watch broke off: {describe(err)}") from None
            finally:
                conn.close()
            if not data.strip():
                return
            body = json.loads(data)
            if body.get("errorCode") == INDEX_CLEARED:
                raise Compacted(body.get("message", "event index cleared"))
            self._check(response.status, body, "watch", prefix)
            node = body["node"]
            after = node["modifiedIndex"]
            kind = "delete" if body["action"] in GONE else "put"
            if node.get("dir"):
                continue
            yield [(kind, node["key"], node.get("value"))], after

    def _check(self, status, body, what, key):
        if 200 <= status < 300 and body and "node" in body:
            return
        message = (body or {}).get("message") or (body or {}).get("cause") or ""
        raise EtcdError(f"etcd v2 {what} {key}: HTTP {status} {message}".rstrip())
