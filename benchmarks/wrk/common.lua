-- Shared by every scenario: POST the JSON body of one scenario and report in one parsable line.
--
-- A scenario script sets `scenario` (the name of its body) and runs this file. Bodies are files
-- named <scenario>.json in $WRK_BODY_DIR (default benchmarks/results/bodies, which
-- `python -m benchmarks.run` writes). By hand, from the repository root:
--   wrk -t2 -c32 -d10s --latency -s benchmarks/wrk/checks_rule.lua http://127.0.0.1:8000/v1/checks

local folder = os.getenv("WRK_BODY_DIR") or "benchmarks/results/bodies"
local file = assert(io.open(folder .. "/" .. scenario .. ".json", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, '
      .. '"max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
