"""etcd's v3 API through its JSON gateway, as flannel 0.18 and later use it.

A lease is a key attached to an etcd lease (grant TTL, put with lease). Creation is a
transaction "if version(key) == 0 then put", so two agents never own one subnet; the loser
revokes the lease it granted. Renewal grants a fresh lease and puts the key again, as
flannel does. Keys and values travel base64-encoded; the watch is a stream of JSON lines.
"""

import base64
import http.client
import json
import socket

from .etcdhttp import Compacted, EtcdError, Unreachable, describe


def b64(text):
    return base64.b64encode(text.encode()).decode()


def unb64(text):
    return base64.b64decode(text or "").decode()


def prefix_end(prefix):
    """The range_end that makes a range request mean "every key starting with prefix"."""
    raw = bytearray(prefix.encode())
    while raw and raw[-1] == 0xFF:
        raw.pop()
    raw[-1] += 1
    return base64.b64encode(bytes(raw)).decode()


class EtcdV3:
    api = "v3"

    def __init__(self, endpoints, wait=25.0):
        self.endpoints = endpoints
        self.wait = wait

    def _post(self, path, request):
        status, _, body = self.endpoints.call("POST", path, json.dumps(request),
                                              {"Content-Type": "application/json"})
        if status != 200 or body is None or "error" in body:
            message = (body or {}).get("error") or (body or {}).get("message") or ""
            raise EtcdError(f"etcd v3 {path}: HTTP {status} {message}".rstrip())
        return body

    def get(self, key):
        body = self._post("/v3/kv/range", {"key": b64(key)})
        kvs = body.get("kvs") or []
        return unb64(kvs[0].get("value")) if kvs else None

    def list(self, prefix):
        """Every key under prefix with its value, and the revision to watch from."""
        body = self._post("/v3/kv/range", {"key": b64(prefix), "range_end": prefix_end(prefix)})
        found = {unb64(kv["key"]): unb64(kv.get("value")) for kv in body.get("kvs") or []}
        return found, int(body["header"]["revision"])

    def _grant(self, ttl):
        return self._post("/v3/lease/grant", {"TTL": int(ttl)})["ID"]

    def _revoke(self, lease_id):
        try:
            self._post("/v3/lease/revoke", {"ID": lease_id})
        except (EtcdError, Unreachable):
            pass  # it expires by itself

    def create(self, key, value, ttl):
        """Create key only if it does not exist; False if someone else has it."""
        lease_id = self._grant(ttl)
        try:
            body = self._post("/v3/kv/txn", {
                "compare": [{"target": "VERSION", "result": "EQUAL", "key": b64(key), "version": "0"}],
                "success": [{"request_put": {"key": b64(key), "value": b64(value), "lease": lease_id}}],
            })
        except (EtcdError, Unreachable):
            self._revoke(lease_id)
            raise
        if not body.get("succeeded"):
            self._revoke(lease_id)
            return False
        return True

    def put(self, key, value, ttl):
        lease_id = self._grant(ttl)
        try:
            self._post("/v3/kv/put", {"key": b64(key), "value": b64(value), "lease": lease_id})
        except (EtcdError, Unreachable):
            self._revoke(lease_id)
            raise

    def delete(self, key):
        self._post("/v3/kv/deleterange", {"key": b64(key)})

    def watch(self, prefix, after):
        """Yield ([(kind, key, value)], revision) for changes under prefix after `after`.

        kind is "put" or "delete" (lease expiry deletes the key). Returns quietly when
        the stream is silent for `wait` seconds; raises Compacted when etcd dropped
        that history.
        """
        request = {"create_request": {"key": b64(prefix), "range_end": prefix_end(prefix),
                                      "start_revision": str(after + 1)}}
        conn, response = self.endpoints.open("POST", "/v3/watch", json.dumps(request),
                                             {"Content-Type": "application/json"}, wait=self.wait)
        try:
            if response.status != 200:
                raise EtcdError(f"etcd v3 watch {prefix}: HTTP {response.status} {response.read()[:200]!r}")
            while True:
                try:
                    line = response.readline()
                except socket.timeout:
                    return
                except (OSError, http.client.HTTPException) as err:
                    raise Unreachable(f"etcd watch broke off: {describe(err)}") from None
                if not line:
                    raise Unreachable("etcd closed the watch stream")
                if not line.strip():
                    continue
                message = json.loads(line)
                if "error" in message:
                    raise EtcdError(f"etcd v3 watch {prefix}: {message['error']}")
                result = message.get("result", {})
                if int(result.get("compact_revision") or 0):
                    raise Compacted(f"revision {after + 1} compacted "
                                    f"(oldest kept: {result['compact_revision']})")
                if result.get("canceled"):
                    raise EtcdError(f"etcd v3 watch {prefix} canceled: {result.get('cancel_reason', '')}")
                events = []
                for event in result.get("events") or []:
                    kv = event["kv"]
                    kind = "delete" if event.get("type") == "DELETE" else "put"
                    events.append((kind, unb64(kv["key"]), unb64(kv.get("value"))))
                    after = max(after, int(kv.get("mod_revision") or after))
                if events:
                    yield events, after
        finally:
            conn.close()
