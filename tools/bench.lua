-- wrk script of tools/bench.py. Without arguments, wrk's own GET. With `-- BODIES TOTAL`: POST each
-- line of the file BODIES (a form) once, the threads sharing the lines out, and stop after TOTAL
-- answers, each thread then creating the file BODIES.<thread> (wrk itself runs until its -d or an
-- interrupt, which bench.py sends once all are there); an answer counts as failed unless it is
-- HTTP 200 with Click's error 0. Prints one JSON line.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  bodies, sent, answered, failed = {}, 0, 0, 0
  if args[1] == nil then
    return
  end
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number % next_thread_count() == id then
      table.insert(bodies, line)
    end
    line_number = line_number + 1
  end
  quota = math.floor(tonumber(args[2]) / next_thread_count())
  marker = args[1] .. "." .. id
end

function next_thread_count()
  return tonumber(os.getenv("BENCH_THREADS") or "2")
end

function request()
  if #bodies == 0 then
    return wrk.format(nil)
  end
  sent = sent + 1
  local body = bodies[sent] or bodies[#bodies]  -- past the spare lines: never reached with wrk -c <= spare
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  if #bodies == 0 then
    return
  end
  answered = answered + 1
  if status ~= 200 or not string.find(body, '"error": 0,', 1, true) then
    failed = failed + 1
  end
  if answered == quota then
    io.open(marker, "w"):close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local counted, failures = 0, 0
  for _, thread in ipairs(threads) do
    counted = counted + (thread:get("answered") or 0)
    failures = failures + (thread:get("failed") or 0)
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"counted": %d, "failed": %d, "socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, counted, failures,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
