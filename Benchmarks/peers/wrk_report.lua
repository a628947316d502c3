-- wrk script of the `api` section of `make bench`: the request comes from the environment
-- (WRK_METHOD, WRK_BODY, WRK_CONTENT_TYPE; a plain GET without them) and the summary is
-- printed as one JSON line prefixed by WRKJSON. Latencies are in milliseconds.
local method = os.getenv("WRK_METHOD")
if method and method ~= "" then wrk.method = method end
local body = os.getenv("WRK_BODY")
if body and body ~= "" then wrk.body = body end
local ctype = os.getenv("WRK_CONTENT_TYPE")
if ctype and ctype ~= "" then wrk.headers["Content-Type"] = ctype end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"bytes":%d,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,' ..
    '"errors_status":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,' ..
    '"errors_timeout":%d}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
