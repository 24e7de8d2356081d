-- wrk script: POST /api/checkins, each request a different invitee's code (read from CODES_FILE), fresh nonce.
-- Threads take disjoint slices of the code list, so no code is used twice; a thread stops before its slice runs out
-- (issue 23: at 3,300/s the pool ran dry and 3,301 answers were "already here", so the printed rate was the pool's).
-- The requests still in flight when it stops (at most its share of the connections) take the codes kept back.
local codes = {}
local token = os.getenv("KIOSK_TOKEN")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("THREADS") or "2")
  local i = 0
  for line in io.lines(os.getenv("CODES_FILE")) do
    if i % n == id - 1 then table.insert(codes, line) end
    i = i + 1
  end
  nextIndex = 1
  statuses = {}
  wrk.method = "POST"
  wrk.path = "/api/checkins"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

local margin = 64

function request()
  local code = codes[nextIndex] or codes[#codes]
  nextIndex = nextIndex + 1
  local body = string.format('{"code":"%s","door":"正门","nonce":"b%d-%d-%d"}', code, id, nextIndex, math.random(1, 1e9))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if nextIndex + margin > #codes then
    spent = true
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local created, other, stopped = 0, 0, 0
  for _, t in ipairs(threads) do
    if t:get("spent") then stopped = stopped + 1 end
    local s = t:get("statuses")
    for k, v in pairs(s) do
      if k == 201 then created = created + v else other = other + v end
    end
  end
  io.write(string.format("RESULT requests=%d created=%d other=%d stopped=%d seconds=%.3f p50_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, created, other, stopped, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
