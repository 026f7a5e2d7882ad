-- wrk script of bench/load.py.
--
-- Without arguments (the GET targets) it only adds the latency percentiles wrk
-- does not print (p95) in done(); requests stay static and bodies unparsed.
--
-- With a data file written by load.py (`wrk ... URL -- /tmp/mixed-data.lua`) it
-- is the MIXED target: an officer reading the district home, report pages and
-- sheet pages, and saving report narratives as htmx does (POST of the report
-- form with HX-Request, the CSRF cookie + token, Origin/Referer, the report's
-- current `version`).
--
-- Optimistic lock: every save carries the version the officer last saw and the
-- server refuses (422, "someone else saved") a stale one. So that concurrent
-- saves never race each other, each wrk thread owns a disjoint share of the
-- reports, a report is lent to one request at a time (picked among the idle ones),
-- and the version is taken from the response's status bar (swapped in out of
-- band), exactly as the page does. A save response names its report (the main
-- form's action), which is how it finds the lent report again. If every report
-- of the thread is busy, the request becomes a read and is counted as skipped.
--
-- A response counts as accepted only if it is what the page expects:
--   read: status 200 and a full page;
--   save: status 200, the htmx section (not a full page, not a login page),
--         a higher version in the status bar, and no error alert.
-- Anything else is rejected and tallied by status; wrk itself only counts
-- statuses >= 400, so a 200/3xx that is not a success is printed separately.

local threads = {}
local counter = 0

-- Users pause between requests (reading, typing): KPI_THINK_MS is the mean pause,
-- drawn uniformly from 0 to twice that. wrk looks for delay() once, when it loads
-- the script, so the hook exists only when a pause is asked for (a zero-delay
-- hook would still cost every request a timer).
local think_ms = tonumber(os.getenv("KPI_THINK_MS") or "0") or 0
if think_ms > 0 then
   function delay()
      return math.random(0, 2 * think_ms)
   end
end

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

-- Per-thread state (each wrk thread runs its own copy of this script).
local data
local pool = {} -- reports of this thread: {path, version, quarter, result, busy}
local idle = {} -- indexes into pool of the reports not lent to a request
local by_path = {}
local get_headers, post_headers
local reads = {} -- {request string, kind}
local read_weights = {}
local read_total = 0

-- Counters read by done() through thread:get (must be globals).
sent = {}
accepted = {}
rejected = {}
rejected_low = 0 -- rejected with a status wrk counts as success (< 400)
skipped = 0

local function bump(t, key)
   t[key] = (t[key] or 0) + 1
end

local function copy(t)
   local c = {}
   for k, v in pairs(t) do
      c[k] = v
   end
   return c
end

local function save_request()
   local n = #idle
   if n == 0 then
      return nil
   end
   local k = math.random(n) -- any idle report, so saves spread over all of them
   local i = idle[k]
   idle[k] = idle[n]
   idle[n] = nil
   local report = pool[i]
   report.busy = true
   local texts = data.narratives[report.quarter]
   local body = "csrfmiddlewaretoken="
      .. data.csrf
      .. "&version="
      .. report.version
      .. report.result
      .. "&narrative="
      .. texts[math.random(#texts)]
   local headers = copy(post_headers)
   headers["Referer"] = data.origin .. report.path
   headers["HX-Current-URL"] = data.origin .. report.path
   bump(sent, "save")
   return wrk.format("POST", report.path, headers, body)
end

local function read_request()
   local pick = math.random() * read_total
   for _, entry in ipairs(read_weights) do
      if pick < entry.upto then
         local list = reads[entry.kind]
         bump(sent, entry.kind)
         return list[math.random(#list)]
      end
   end
   local list = reads[read_weights[#read_weights].kind]
   bump(sent, read_weights[#read_weights].kind)
   return list[math.random(#list)]
end

local function mixed_request()
   if math.random() < data.save_share then
      local req = save_request()
      if req then
         return req
      end
      skipped = skipped + 1
   end
   return read_request()
end

local function reject(status)
   bump(rejected, tostring(status))
   if status < 400 then
      rejected_low = rejected_low + 1
   end
end

local function mixed_response(status, headers, body)
   if body == nil then
      body = ""
   end
   if body:find('^%s*<section id="main"') then
      -- The htmx answer to a save (accepted or refused).
      local path = body:match('<form id="main%-form" method="post" action="([^"]+)"')
      local version = tonumber(body:match('id="report%-version" form="main%-form" value="(%d+)"'))
      local index = path and by_path[path]
      local report = index and pool[index]
      if report == nil or not report.busy then
         reject(status)
         return
      end
      local ok = status == 200
         and version ~= nil
         and version > report.version
         and not body:find('role="alert"', 1, true)
      if version ~= nil then
         report.version = version -- after a conflict too: the page shows the current one
      end
      report.busy = false
      table.insert(idle, index)
      if ok then
         bump(accepted, "save")
      else
         reject(status)
      end
      return
   end
   if status == 200 and body:sub(1, 64):lower():find("^%s*<!doctype html>") then
      bump(accepted, "read")
      return
   end
   -- A login redirect, a 401 for an expired session, a CSRF 403, a 5xx...
   -- A refused save whose report cannot be told stays lent (out of the pool).
   reject(status)
end

function init(args)
   math.randomseed(os.time() + (id or 0) * 7919)
   if args[1] == nil then
      return -- GET target: static request, bodies not parsed
   end
   data = dofile(args[1])
   local nthreads = data.threads
   for n, report in ipairs(data.reports) do
      if (n - 1) % nthreads == (id - 1) % nthreads then
         table.insert(pool, {
            path = report.path,
            version = report.version,
            quarter = report.quarter,
            result = report.result,
            busy = false,
         })
         by_path[report.path] = #pool
         table.insert(idle, #pool)
      end
   end
   get_headers = copy(wrk.headers)
   get_headers["Cookie"] = data.cookie
   post_headers = copy(get_headers)
   post_headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
   post_headers["HX-Request"] = "true"
   post_headers["HX-Target"] = "main"
   post_headers["X-CSRFToken"] = data.csrf
   post_headers["Origin"] = data.origin
   for _, entry in ipairs(data.reads) do
      local list = {}
      for _, path in ipairs(entry.paths) do
         table.insert(list, wrk.format("GET", path, copy(get_headers), nil))
      end
      reads[entry.kind] = list
      read_total = read_total + entry.weight
      table.insert(read_weights, { kind = entry.kind, upto = read_total })
   end
   request = mixed_request
   response = mixed_response
end

local function merge(into, from)
   for k, v in pairs(from or {}) do
      into[k] = (into[k] or 0) + v
   end
end

local function pairs_text(t)
   local keys = {}
   for k in pairs(t) do
      table.insert(keys, k)
   end
   table.sort(keys)
   local parts = {}
   for _, k in ipairs(keys) do
      table.insert(parts, k .. "=" .. t[k])
   end
   return table.concat(parts, ",")
end

function done(summary, latency, requests)
   io.write(
      string.format(
         "bench latency_us p50=%d p95=%d p99=%d\n",
         latency:percentile(50),
         latency:percentile(95),
         latency:percentile(99)
      )
   )
   local all_sent, all_accepted, all_rejected = {}, {}, {}
   local low, skip = 0, 0
   local mixed = false
   for _, thread in ipairs(threads) do
      local s = thread:get("sent")
      if s and next(s) then
         mixed = true
      end
      merge(all_sent, s)
      merge(all_accepted, thread:get("accepted"))
      merge(all_rejected, thread:get("rejected"))
      low = low + (thread:get("rejected_low") or 0)
      skip = skip + (thread:get("skipped") or 0)
   end
   if mixed then
      io.write(string.format("bench sent %s\n", pairs_text(all_sent)))
      io.write(string.format("bench accepted %s\n", pairs_text(all_accepted)))
      io.write(string.format("bench rejected %s\n", pairs_text(all_rejected)))
      io.write(string.format("bench rejected_below_400 %d\n", low))
      io.write(string.format("bench skipped_saves %d\n", skip))
   end
end
