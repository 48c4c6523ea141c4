"""bench/roster_client.py — the Python client the benchmarks share (bench/import, bench/bulk):
requests to roster signed by botocore's SigV4Auth, the /roster/v1 jobs, CSV imports.

As a module: `Client(host, key_id, secret)` (host "127.0.0.1:PORT"), or `from_env()` reading
HOST, KEY_ID and SECRET. As a script (bench/import runs it), with HOST, KEY_ID and SECRET set:
  instance IDM                     creates an instance, prints its id
  run INSTANCE FILE MODE DRYRUN    uploads FILE, waits for the job; prints one line of figures
  export INSTANCE OUT              GET …/users/export into OUT; prints "seconds=S bytes=B"
"""
import hashlib
import http.client
import json
import os
import sys
import time
import urllib.parse

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
FINISHED = ("COMPLETED", "CANCELED", "FAILED")
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class Client:
    def __init__(self, host, key_id, secret):
        self.host, self.key_id, self.secret = host, key_id, secret
        self.port = int(host.rsplit(":", 1)[1])

    def boto(self):
        """A boto3 Amazon Connect client of this server."""
        return boto3.client("connect", endpoint_url=f"http://{self.host}", region_name=REGION,
                            aws_access_key_id=self.key_id, aws_secret_access_key=self.secret)

    def signed(self, method, path, query="", body_hash=None, headers=None):
        """The headers of a request signed with SigV4 (body_hash: the body's SHA-256, hex)."""
        h = dict(headers or {})
        h["x-amz-content-sha256"] = body_hash or EMPTY_SHA256
        url = f"http://{self.host}{path}" + (f"?{query}" if query else "")
        req = AWSRequest(method=method, url=url, headers=h)
        SigV4Auth(Credentials(self.key_id, self.secret), "connect", REGION).add_auth(req)
        return dict(req.headers.items())

    def request(self, method, path, query="", body=None, body_hash=None, headers=None, length=None):
        """Sends a signed request on a new connection; returns (response, connection)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        h = self.signed(method, path, query, body_hash, headers)
        if length is not None:
            h["Content-Length"] = str(length)
        c.request(method, path + (f"?{query}" if query else ""), body=body, headers=h)
        return c.getresponse(), c

    def call(self, method, path, doc=None, query=""):
        """A signed request with an optional JSON body; returns (status, parsed answer or raw bytes)."""
        body = json.dumps(doc).encode() if doc is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else None
        r, c = self.request(method, path, query, body=body,
                            body_hash=hashlib.sha256(body).hexdigest() if body is not None else None,
                            headers=headers, length=len(body) if body is not None else None)
        data = r.read()
        c.close()
        try:
            return r.status, json.loads(data) if data else {}
        except ValueError:
            return r.status, data

    def get_json(self, path, query=""):
        status, doc = self.call("GET", path, query=query)
        if status != 200:
            sys.exit(f"GET {path}: {status} {str(doc)[:300]}")
        return doc

    def job(self, instance, job_id):
        return self.get_json(f"/roster/v1/instances/{instance}/jobs/{job_id}")["Job"]

    def wait_job(self, instance, job_id, poll=0.05):
        """Polls the job until it has finished; returns it."""
        while True:
            job = self.job(instance, job_id)
            if job["State"] in FINISHED:
                return job
            time.sleep(poll)

    def failed_items(self, instance, job_id, n=3):
        r, c = self.request("GET", f"/roster/v1/instances/{instance}/jobs/{job_id}/items", f"MaxResults={n}&State=FAILED")
        data = r.read()
        c.close()
        return data

    def create_instance(self, idm):
        return self.boto().create_instance(IdentityManagementType=idm, InboundCallsEnabled=True,
                                           OutboundCallsEnabled=True)["Id"]

    def run_import(self, instance, path, mode, dry):
        """Uploads the CSV file at path (streamed from disk, its SHA-256 signed) and waits for the
        job; returns (job, seconds from the first byte of the upload to the job's end, upload seconds)."""
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        size = os.path.getsize(path)
        q = urllib.parse.urlencode({"Mode": mode, "DryRun": dry, "FileName": os.path.basename(path)})
        t0 = time.monotonic()
        with open(path, "rb") as f:
            r, c = self.request("POST", f"/roster/v1/instances/{instance}/imports", q, body=f,
                                body_hash=h.hexdigest(), headers={"Content-Type": "text/csv"}, length=size)
            data = r.read()
            c.close()
        t_upload = time.monotonic() - t0
        if r.status != 202:
            sys.exit(f"upload: {r.status} {data[:300]!r}")
        job = self.wait_job(instance, json.loads(data)["Job"]["JobId"])
        return job, time.monotonic() - t0, t_upload


def from_env():
    return Client(os.environ["HOST"], os.environ["KEY_ID"], os.environ["SECRET"])


def import_line(client, instance, path, mode, dry):
    """Runs an import; returns its line of figures (and prints the first failed items to stderr
    when it did not complete every row)."""
    job, secs, t_upload = client.run_import(instance, path, mode, dry)
    c = job["Counts"]
    if job["State"] != "COMPLETED" or c["Failed"]:
        print(f"job: {json.dumps(job)}\nfirst failed items: {client.failed_items(instance, job['JobId'])[:2000]!r}",
              file=sys.stderr)
    return (f"state={job['State']} total={c['Total']} succeeded={c['Succeeded']} failed={c['Failed']} "
            f"seconds={secs:.3f} upload_seconds={t_upload:.3f} rows_per_s={c['Total'] / secs:.1f} "
            f"server_rows_per_s={job.get('RowsPerSecond') or 0:.1f}")


def main(argv):
    client = from_env()
    cmd = argv[0]
    if cmd == "instance":
        print(client.create_instance(argv[1]))
    elif cmd == "run":
        inst, path, mode, dry = argv[1:5]
        print(import_line(client, inst, path, mode, dry))
    elif cmd == "export":
        inst, out = argv[1:3]
        t0 = time.monotonic()
        r, c = client.request("GET", f"/roster/v1/instances/{inst}/users/export")
        n = 0
        with open(out, "wb") as f:
            for chunk in iter(lambda: r.read(1 << 16), b""):
                f.write(chunk)
                n += len(chunk)
        secs = time.monotonic() - t0
        c.close()
        if r.status != 200:
            with open(out, "rb") as f:
                sys.exit(f"export: {r.status} {f.read(300)!r}")
        print(f"seconds={secs:.3f} bytes={n}")
    else:
        sys.exit(f"roster_client.py: unknown command {cmd!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
