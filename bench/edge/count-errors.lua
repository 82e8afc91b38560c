-- wrk script for the rolling-update run: counts every response that is not 2xx across all threads and prints it
-- with wrk's socket error counts (connect, read, write, timeout), so one run gives every failed request.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  ok = 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good, failed = 0, 0
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    failed = failed + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format("ROLLOUT requests=%d ok=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, good, failed, e.connect, e.read, e.write, e.timeout))
end
