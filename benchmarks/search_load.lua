-- wrk script for benchmarks/bench_search_load.py.
--
--   wrk -t2 -c20 -d30s --timeout 30s -s benchmarks/search_load.lua http://127.0.0.1:PORT -- PATHS_FILE [MIN_MS MAX_MS]
--
-- PATHS_FILE holds one request path per line (e.g. /search?q=...&industry=steel); every connection
-- walks the list in turn, each wrk thread starting at a different offset. With MIN_MS and MAX_MS each
-- connection is a user who reads the answer before searching again: it waits a random MIN_MS..MAX_MS
-- before each request (wrk's delay(); the wait is not part of the latency). Without them, a closed loop.
-- Counts every response that is not 2xx (wrk itself only counts status >= 400) and prints a machine-readable summary: lines
-- "RESULT <key> <value>", latencies in microseconds.

local paths = {}
local counter = 0
local non2xx = 0
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   local file = args[1]
   if file == nil then
      error("usage: wrk ... -s search_load.lua URL -- PATHS_FILE")
   end
   for line in io.lines(file) do
      if #line > 0 then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no request paths in " .. file)
   end
   counter = ((thread_id or 1) - 1) * 7
   local think_min, think_max = tonumber(args[2] or "0"), tonumber(args[3] or "0")
   if think_max > 0 then
      math.randomseed(os.time() + (thread_id or 1))
      delay = function()
         return math.random(think_min, think_max)
      end
   end
end

function request()
   counter = counter + 1
   return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
   end
   local e = summary.errors
   local out = {
      requests = summary.requests,
      duration_us = summary.duration,
      bytes = summary.bytes,
      err_connect = e.connect,
      err_read = e.read,
      err_write = e.write,
      err_timeout = e.timeout,
      err_status = e.status,
      non2xx = bad,
      lat_min = latency.min,
      lat_mean = latency.mean,
      lat_max = latency.max,
      lat_stdev = latency.stdev,
      p50 = latency:percentile(50),
      p90 = latency:percentile(90),
      p95 = latency:percentile(95),
      p99 = latency:percentile(99),
   }
   -- wrk leaves timed-out requests out of the latency histogram: percentiles over all requests sent
   -- (completed + timed out) are read at a shifted rank, or are -1 when they fall among the timeouts.
   local completed = summary.requests
   local sent = completed + e.timeout
   for _, p in ipairs({50, 95, 99}) do
      local rank = p * sent / 100
      local key = "all_p" .. p
      if completed == 0 or rank > completed then
         out[key] = -1
      else
         out[key] = latency:percentile(math.min(100, 100 * rank / completed))
      end
   end
   for key, value in pairs(out) do
      io.write(string.format("RESULT %s %s\n", key, tostring(value)))
   end
end
