"""wrk Lua scripts of the load bench: each thread takes its share of the teachers and rotates over them.

Data files have one teacher (or one login form) per line, fields separated by spaces; wrk gets
`-- DATAFILE NTHREADS`. done() prints one `BENCH {json}` line the bench reads back.
"""
from __future__ import annotations

COMMON = r"""
local counter = 0
local threads = {}
rows = {}
i = 0
statuses = {}
exhausted = 0
resynced = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function fields(line)
  local f = {}
  for w in line:gmatch("%S+") do f[#f + 1] = w end
  return f
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  local n = 0
  if path then
    for line in io.lines(path) do
      if n % nthreads == tid then rows[#rows + 1] = read_row(fields(line)) end
      n = n + 1
    end
  end
end

local function count(status)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

-- A refused write carries the demande page: take the list's current version from it.
local function resync(body)
  if not body then return end
  local d = body:match("/app/mobilite/demandes/(%d+)/")
  local v = body:match('name="version"[^>]-value="(%d+)"')
  if d and v and by_demande and by_demande[d] then
    by_demande[d].version = tonumber(v)
    resynced = resynced + 1
  end
end

function track(status, body)
  if status >= 200 and status < 400 then return end
  count(status)
  resync(body)
end

function done(summary, latency, requests)
  local merged, ex, rs = {}, 0, 0
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end end
    ex = ex + (t:get("exhausted") or 0)
    rs = rs + (t:get("resynced") or 0)
  end
  local parts = {}
  for k, v in pairs(merged) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status_errors":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"exhausted":%d,"resynced":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout, ex, rs, table.concat(parts, ",")))
end
"""

TEACHER_ROW = r"""
by_demande = {}
function read_row(f)
  -- cookie csrf demande voeu_a voeu_b version codes
  local r = {cookie = f[1], csrf = f[2], demande = f[3], a = f[4], b = f[5], version = tonumber(f[6]),
             codes = {}, nextcode = 1, flip = false}
  if f[7] and f[7] ~= "-" then for c in f[7]:gmatch("[^,]+") do r.codes[#r.codes + 1] = c end end
  by_demande[r.demande] = r
  return r
end

local function next_row()
  i = i % #rows + 1
  return rows[i]
end

local function post(path, r, body)
  return wrk.format("POST", path, {["Cookie"] = "carriere_session=" .. r.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

-- ▲ on the second vœu, then ▲ on the first: the list goes A B -> B A -> A B, its size never changes.
function move_request(r)
  local target = r.flip and r.a or r.b
  r.flip = not r.flip
  local body = "csrf_token=" .. r.csrf .. "&version=" .. r.version
  r.version = r.version + 1
  return post("/app/mobilite/voeux/" .. target .. "/monter", r, body)
end
"""

BASELINE = COMMON + r"""
function read_row(f) return f end
function request() return wrk.format("GET", "/app/bench-bonjour") end
"""

LISTE = COMMON + TEACHER_ROW + r"""
function request()
  local r = next_row()
  return wrk.format("GET", "/app/mobilite/demandes/" .. r.demande .. "/",
    {["Cookie"] = "carriere_session=" .. r.cookie})
end
"""

MOVE = COMMON + TEACHER_ROW + r"""
function request() return move_request(next_row()) end
function response(status, headers, body) track(status, body) end
"""

ADD = COMMON + TEACHER_ROW + r"""
function request()
  local r = next_row()
  local code = r.codes[r.nextcode]
  if not code then
    -- This teacher's list is full: a move keeps the connection busy, and is counted.
    exhausted = exhausted + 1
    return move_request(r)
  end
  r.nextcode = r.nextcode + 1
  local body = "csrf_token=" .. r.csrf .. "&version=" .. r.version .. "&type=ETB&code=" .. code .. "&poste="
  r.version = r.version + 1
  return post("/app/mobilite/demandes/" .. r.demande .. "/voeux/ajouter", r, body)
end
function response(status, headers, body) track(status, body) end
"""

LOGIN = COMMON + r"""
function read_row(f) return {cookie = f[1], csrf = f[2], identifiant = f[3]} end
function request()
  i = i + 1
  if i > #rows then exhausted = exhausted + 1 end  -- a used form: its session is gone, CSRF refuses it
  local r = rows[(i - 1) % #rows + 1]
  local body = "csrf_token=" .. r.csrf .. "&identifiant=" .. r.identifiant .. "&password=" .. password
  return wrk.format("POST", "/app/connexion", {["Cookie"] = "carriere_session=" .. r.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
function response(status, headers, body) track(status, nil) end
"""

SCRIPTS = {"baseline": BASELINE, "liste": LISTE, "move": MOVE, "add": ADD, "login": LOGIN}


def script(kind: str, password: str = "") -> str:
    """The Lua text for one scenario (the login one carries the bench password)."""
    text = SCRIPTS[kind]
    if kind == "login":
        text = f'password = "{password}"\n' + text
    return text
