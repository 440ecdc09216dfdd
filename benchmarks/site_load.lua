-- wrk script for benchmarks/bench_site_load.py: one action of the site load.
--
--   wrk -t1 -c10 -d60s --timeout 30s -s benchmarks/site_load.lua http://127.0.0.1:PORT -- MODE FILE
--
-- MODE "get": FILE holds one request path per line; connections walk the list in turn.
-- MODE "post": FILE holds one signed-in member per line, "PATH<TAB>COOKIE<TAB>CSRF_TOKEN"; each request posts a
--   new need (a unique title) as the next member, like a member submitting the form.
-- A response counts as an error unless it is 2xx, or 302 for "post" (the redirect to the new need). Prints
-- "RESULT <key> <value>" lines, latencies in microseconds.

local mode, lines, counter, errors = "get", {}, 0, 0
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   mode = args[1]
   for line in io.lines(args[2]) do
      if #line > 0 then
         table.insert(lines, line)
      end
   end
   counter = ((thread_id or 1) - 1) * 7
end

local function fields(line)
   local out = {}
   for part in string.gmatch(line, "[^\t]+") do
      table.insert(out, part)
   end
   return out
end

function request()
   counter = counter + 1
   local line = lines[(counter % #lines) + 1]
   if mode == "get" then
      return wrk.format("GET", line)
   end
   local f = fields(line)
   -- The same text every time: the intake assistant would flag it as the member's own duplicate, so the
   -- member confirms it is a different need (post_anyway), as a person posting it again would.
   local body = "title=Load+test+need+" .. thread_id .. "-" .. counter ..
      "&description=Scratches+on+cold+rolled+strip%3B+inline+inspection+wanted.&industry=steel&region=Hebei" ..
      "&post_anyway=y&csrf_token=" .. f[3]
   return wrk.format("POST", f[1], {["Cookie"] = f[2], ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
   local ok = (status >= 200 and status <= 299) or (mode == "post" and status == 302)
   if not ok then
      errors = errors + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("errors") or 0)
   end
   local e = summary.errors
   local out = {
      requests = summary.requests, duration_us = summary.duration, bad_status = bad,
      socket_errors = e.connect + e.read + e.write + e.timeout,
      p50 = latency:percentile(50), p95 = latency:percentile(95), p99 = latency:percentile(99), max = latency.max,
   }
   for key, value in pairs(out) do
      io.write(string.format("RESULT %s %s\n", key, tostring(value)))
   end
end
