"""httpraw.py — raw HTTP for the tests of the HTTP layer: exact bytes on a socket, the answer
parsed by http.client, and the checks every roster error answer must pass.

Everything goes to 127.0.0.1 (or another loopback address) and every socket has a timeout.
"""
import http.client
import json
import socket

from signing import UUID_RE, Response


def raw(port, data, timeout=10.0, source=None):
    """Sends `data` (bytes) on a new connection and returns the Response http.client parses from
    what comes back, or None when the server closed (or reset) without an answer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        if source:
            sock.bind((source, 0))
        sock.connect(("127.0.0.1", port))
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused early: the answer may still be readable
        method = data.split(b" ", 1)[0].decode("latin-1")  # HEAD: a length but no body
        resp = http.client.HTTPResponse(sock, method=method)
        try:
            resp.begin()
            body = resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, http.client.IncompleteRead):
            return None
        return Response(resp.status, resp.headers, body)
    finally:
        sock.close()


def closed_by_server(sock, timeout):
    """True when the server closes sock (EOF or reset) within timeout seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def assert_error_shape(test, resp, status, code=None):
    """An AWS error: the status, X-Amzn-ErrorType (code, when given), Content-Type JSON, a body
    {"Message": non-empty string} that is valid UTF-8, and a request id."""
    test.assertIsNotNone(resp, "no answer")
    test.assertEqual(resp.status, status, resp)
    test.assertTrue(resp.error_type, resp)
    if code:
        test.assertEqual(resp.error_type, code, resp)
    test.assertTrue((resp.header("Content-Type") or "").startswith("application/json"), resp.headers)
    doc = json.loads(resp.body.decode("utf-8"))  # strict: invalid UTF-8 raises
    test.assertIsInstance(doc, dict, resp)
    test.assertIsInstance(doc.get("Message"), str, resp)
    test.assertTrue(doc["Message"], resp)
    test.assertRegex(resp.header("x-amzn-RequestId") or "", UUID_RE)
    return doc
