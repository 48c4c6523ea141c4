// http_big_body.js — PORT SIZE [chunked]: sends PUT /instance with a SIZE-byte body the way
// Node.js (and so the AWS SDK for JavaScript v3) does — the whole body is written before the
// response is read — and prints one JSON line: {status, headers, body} or {error}.
// No retries: one attempt, so an error here is what the SDK would have retried.
"use strict";
const http = require("http");

const port = Number(process.argv[2]);
const size = Number(process.argv[3]);
const chunked = process.argv[4] === "chunked";
const body = Buffer.alloc(size, 0x20);
const headers = { "Content-Type": "application/json", Host: `127.0.0.1:${port}` };
if (!chunked) headers["Content-Length"] = String(size);

const req = http.request({ host: "127.0.0.1", port, method: "PUT", path: "/instance", headers, agent: false });
const timer = setTimeout(() => { console.log(JSON.stringify({ error: "timeout" })); process.exit(0); }, 20000);
req.on("response", (res) => {
  const parts = [];
  res.on("data", (d) => parts.push(d));
  res.on("end", () => {
    clearTimeout(timer);
    console.log(JSON.stringify({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }));
  });
});
req.on("error", (e) => { clearTimeout(timer); console.log(JSON.stringify({ error: e.code || String(e) })); });
if (chunked) {
  for (let off = 0; off < size; off += 65536) req.write(body.subarray(off, off + 65536));
  req.end();
} else {
  req.end(body);
}
