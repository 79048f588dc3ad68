/**
 * The shared Keap budget lives in Redis and every decision about it is one Lua script, so that
 * all API and worker processes see one atomic state: the app-wide second/minute/day windows, the
 * per-account (Keap tenant) windows, the waiter queues and the round-robin ring between accounts.
 *
 * Keys are derived from a prefix inside the scripts (the set of accounts is open-ended), which is
 * fine on a single Redis node; on a cluster the prefix would have to be one hash tag.
 *
 * Windows:
 * - second and minute are exact sliding logs (sorted set of grant ids scored by grant time). Any
 *   interval of the window's length then holds at most `limit` calls, whichever way Keap counts
 *   (fixed or rolling windows). Each entry is held `guard` ms longer than the window to absorb
 *   the jitter between our grant and Keap's receipt of the call. A log holds at most the app-wide
 *   minute budget of entries in total, so memory stays small.
 * - day is a fixed window (Keap resets the daily quota at 00:00 UTC): a counter per day index.
 *
 * Headers Keap sends back are folded in as "drift": calls Keap counted that we did not (another
 * deployment on the same key, a retried call) become phantom entries in our windows, so the local
 * budget shrinks to what Keap says is left. A 429 sets a shared pause every process honours.
 */

/** Shared Lua helpers, prepended to each script (exported for the fair day's arithmetic tests). */
export const COMMON = `
local P = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local function num(v, d) if v == false or v == nil then return d end return tonumber(v) end

-- running totals (metrics counters) outlive days but not an abandoned prefix: 30 days after the last call
local TOTALS_TTL = 2592000000

-- limit/len for each window, from the config passed in ARGV (see DISPATCH_ARGS in the client)
local function cfg(i) return tonumber(ARGV[i]) end

local function trimLog(key, span)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - span))
  return redis.call('ZCARD', key)
end

-- ms until a sliding log with 'count' entries drops below 'limit'
local function logWait(key, count, limit, span)
  if count < limit then return 0 end
  local idx = count - limit
  local e = redis.call('ZRANGE', key, idx, idx, 'WITHSCORES')
  if e[2] == nil then return 1 end
  return math.max(1, tonumber(e[2]) + span - now)
end

-- the cap Keap reported for a window (its limit header), if lower than ours
local function effLimit(configured, capKey)
  local c = redis.call('GET', capKey)
  if c then return math.min(configured, tonumber(c)) end
  return configured
end
`;

/**
 * A fair day (README, "A fair day"): the day's projected use and each account's fair share of it.
 * Calls granted are counted per account and in total ('|', which no account id holds) in
 * buckets of a third of the projection window; the rate is read over the last three full buckets
 * and the current one. Needs COMMON's P and now.
 */
export const FAIR_DAY = `
-- The day's use at the recent rate: used + recent / coveredMs * msLeft (msLeft: until 00:00 UTC).
local function projectDay(used, recent, coveredMs, msLeft)
  if coveredMs <= 0 or msLeft <= 0 then return used end
  return used + recent / coveredMs * msLeft
end

-- Max-min fair (water-filling) split of 'avail' calls between demands: each account gets its
-- demand or the level, whichever is less, and the level is as high as 'avail' allows. Returns
-- the level, or nil when every demand fits (nobody needs holding back).
local function waterLevel(demands, avail)
  table.sort(demands)
  local rem, n = avail, #demands
  for i = 1, n do
    local level = rem / (n - i + 1)
    if demands[i] > level then return math.max(0, level) end
    rem = rem - demands[i]
  end
  return nil
end

local function rateBucket(bucketMs) return math.floor(now / bucketMs) end

-- calls of 'field' (an account, or '|' for all) over the recent window, and the ms it covers
local function recentCalls(field, bucketMs)
  local b = rateBucket(bucketMs)
  local n = 0
  for i = b - 3, b do n = n + num(redis.call('HGET', P .. ':rate:' .. i, field), 0) end
  return n, 3 * bucketMs + (now - b * bucketMs)
end

local function countForFairDay(acc, dayIdx, dayTtl, bucketMs)
  local dk = P .. ':dayacc:' .. dayIdx
  redis.call('HINCRBY', dk, acc, 1)
  redis.call('PEXPIRE', dk, dayTtl)
  local rk = P .. ':rate:' .. rateBucket(bucketMs)
  redis.call('HINCRBY', rk, acc, 1)
  redis.call('HINCRBY', rk, '|', 1)
  redis.call('PEXPIRE', rk, math.ceil(bucketMs * 5) + 1000)
end

-- The app's projection and the water level (-1: nobody is held back), cached for refreshMs.
local function fairState(dayIdx, dayMs, dayLimit, bucketMs, refreshMs)
  local key = P .. ':fair:' .. dayIdx
  local c = redis.call('HMGET', key, 'projection', 'level', 'used')
  if c[1] then return { projection = tonumber(c[1]), level = tonumber(c[2]), used = tonumber(c[3]) } end
  local msLeft = (dayIdx + 1) * dayMs - now
  local used = num(redis.call('GET', P .. ':day:' .. dayIdx), 0)
  local b = rateBucket(bucketMs)
  local covered = 3 * bucketMs + (now - b * bucketMs)
  local recent = {}
  for i = b - 3, b do
    local h = redis.call('HGETALL', P .. ':rate:' .. i)
    for j = 1, #h, 2 do recent[h[j]] = (recent[h[j]] or 0) + tonumber(h[j + 1]) end
  end
  local projection = projectDay(used, recent['|'] or 0, covered, msLeft)
  local level = -1
  if projection > dayLimit then
    -- Every account active today, lately (just after midnight) or yesterday. An account's demand
    -- is its projected day, or yesterday's use if more: an account that works every day but has
    -- not started yet today is still counted, so its share is not handed to a campaign meanwhile.
    local usedBy, yesterday = {}, {}
    local accs = redis.call('HGETALL', P .. ':dayacc:' .. dayIdx)
    for j = 1, #accs, 2 do usedBy[accs[j]] = tonumber(accs[j + 1]) end
    local prev = redis.call('HGETALL', P .. ':dayacc:' .. (dayIdx - 1))
    for j = 1, #prev, 2 do
      yesterday[prev[j]] = tonumber(prev[j + 1])
      if usedBy[prev[j]] == nil then usedBy[prev[j]] = 0 end
    end
    for acc in pairs(recent) do
      if acc ~= '|' and usedBy[acc] == nil then usedBy[acc] = 0 end
    end
    local demands, attributed = {}, 0
    for acc, u in pairs(usedBy) do
      attributed = attributed + u
      demands[#demands + 1] =
        math.max(projectDay(u, recent[acc] or 0, covered, msLeft), yesterday[acc] or 0)
    end
    -- calls Keap counted that no account here made (headers: another deployment) are not shared out
    local lv = waterLevel(demands, dayLimit - math.max(0, used - attributed))
    if lv then level = lv end
  end
  redis.call('HSET', key, 'projection', projection, 'level', level, 'used', used)
  redis.call('PEXPIRE', key, math.max(1, math.ceil(refreshMs)))
  return { projection = projection, level = level, used = used }
end

-- This account's projected day (its used today plus its recent rate to midnight).
local function accountDemand(acc, dayIdx, dayMs, bucketMs)
  local u = num(redis.call('HGET', P .. ':dayacc:' .. dayIdx, acc), 0)
  local n, covered = recentCalls(acc, bucketMs)
  return projectDay(u, n, covered, (dayIdx + 1) * dayMs - now), u
end
`;

/**
 * Enqueue (optionally) and dispatch. ARGV:
 *  1 prefix, 2 perSecond, 3 perMinute, 4 perDay, 5 tenantPerMinute, 6 tenantPerDay,
 *  7 secondSpan (window+guard), 8 minuteSpan (window+guard), 9 dayMs, 10 leaseMs, 11 maxGrants,
 *  12 maxInFlightMs, 13 fairDayWindowMs, 14 fairDayRefreshMs, 15 mode ('enqueue' | 'dispatch'),
 *  then for 'enqueue' fours of lane ('i' | 's' | 'b'), accountId, waiterId, kind
 * Lane 's' is campaign-start work: interactive, served in the account's turn of the interactive
 * ring in arrival order with its conversation work, and held back while the account has used its
 * fair share of a day projected to run out (its conversation work then goes past it).
 * Returns { grantedIdsJson, nextWaitMs (-1: nothing waiting) }.
 */
export const DISPATCH_SCRIPT = `${COMMON}${FAIR_DAY}
local perSecond, perMinute, perDay = cfg(2), cfg(3), cfg(4)
local tPerMinute, tPerDay = cfg(5), cfg(6)
local secondSpan, minuteSpan, dayMs, leaseMs, maxGrants = cfg(7), cfg(8), cfg(9), cfg(10), cfg(11)
local maxInFlight = cfg(12)
local fairBucketMs, fairRefreshMs = cfg(13) / 3, cfg(14)
-- learned extra guard after 429s (see OBSERVE_SCRIPT)
local xguard = num(redis.call('GET', P .. ':xguard'), 0)
secondSpan, minuteSpan = secondSpan + xguard, minuteSpan + xguard
local dayIdx = math.floor(now / dayMs)
local dayTtl = math.ceil(dayMs * 2)

if ARGV[15] == 'enqueue' then
  -- calls come in fours (lane, account, id, kind): a process sends all calls of one tick at once
  for i = 16, #ARGV, 4 do
    local lane, acc, id, kind = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local q = P .. ':q:' .. lane .. ':' .. acc
    -- the enqueue time orders an account's starts and conversation work between them (FIFO)
    local queued = redis.call('RPUSH', q, id .. '|' .. kind .. '|' .. now)
    -- starts share the interactive ring: the account is in it if either of its queues holds calls
    if lane == 's' then queued = queued + redis.call('LLEN', P .. ':q:i:' .. acc)
    elseif lane == 'i' then queued = queued + redis.call('LLEN', P .. ':q:s:' .. acc) end
    if queued == 1 then
      redis.call('RPUSH', P .. ':ring:' .. (lane == 's' and 'i' or lane), acc)
    end
    redis.call('ZADD', P .. ':leases', now + leaseMs, id)
  end
end

local granted = {}
local nextWait = -1

local pause = redis.call('PTTL', P .. ':pause')
if pause > 0 then
  nextWait = pause
else
  local sKey, mKey, dKey = P .. ':log:s', P .. ':log:m', P .. ':day:' .. dayIdx
  local cs = trimLog(sKey, secondSpan)
  local cm = trimLog(mKey, minuteSpan)
  local cd = num(redis.call('GET', dKey), 0)
  local lm = effLimit(perMinute, P .. ':cap:m')
  local ld = effLimit(perDay, P .. ':cap:d')

  local function appWait()
    local w = 0
    if cs >= perSecond then w = math.max(w, logWait(sKey, cs, perSecond, secondSpan)) end
    if cm >= lm then w = math.max(w, logWait(mKey, cm, lm, minuteSpan)) end
    if cd >= ld then w = math.max(w, (dayIdx + 1) * dayMs - now) end
    return w
  end

  -- per-account windows, computed once per script run and then kept up to date locally
  local tenant = {}
  local function tenantState(acc)
    local st = tenant[acc]
    if st == nil then
      local lk = P .. ':tlog:m:' .. acc
      local dk = P .. ':tday:' .. acc .. ':' .. dayIdx
      st = { lk = lk, dk = dk, cm = trimLog(lk, minuteSpan), cd = num(redis.call('GET', dk), 0),
             lm = effLimit(tPerMinute, P .. ':tcap:m:' .. acc), ld = effLimit(tPerDay, P .. ':tcap:d:' .. acc) }
      tenant[acc] = st
    end
    return st
  end
  local function tenantWait(st)
    local w = 0
    if st.cm >= st.lm then w = math.max(w, logWait(st.lk, st.cm, st.lm, minuteSpan)) end
    if st.cd >= st.ld then w = math.max(w, (dayIdx + 1) * dayMs - now) end
    return w
  end

  local statsKey = P .. ':stats:calls:' .. dayIdx
  -- 'id|kind|enqueued at' (entries queued before the time was added: 'id|kind', time 0)
  local function parseEntry(entry)
    local first = string.find(entry, '|', 1, true)
    local last = first
    while true do
      local nxt = string.find(entry, '|', last + 1, true)
      if not nxt then break end
      last = nxt
    end
    if last == first then
      return { id = string.sub(entry, 1, first - 1), kind = string.sub(entry, first + 1), t = 0 }
    end
    return { id = string.sub(entry, 1, first - 1), kind = string.sub(entry, first + 1, last - 1),
             t = tonumber(string.sub(entry, last + 1)) or 0 }
  end
  -- the fair day's state, read once per run and only when a start is at the head of a queue
  local fair = nil
  -- Under pressure, an account that has used its fair share waits with its starts. Work-conserving:
  -- below its share a campaign runs at full speed (pacing everyone to the day's average rate
  -- would cap the whole app at 150,000 / 1,440 calls a minute).
  local function startHeldBack(acc)
    if fair == nil then fair = fairState(dayIdx, dayMs, ld, fairBucketMs, fairRefreshMs) end
    if fair.level < 0 then return false end
    return num(redis.call('HGET', P .. ':dayacc:' .. dayIdx, acc), 0) >= fair.level
  end
  -- a held-back start is looked at again when the rate moves (a bucket ages out) or the share is recomputed
  local function heldWait()
    local toBucket = (rateBucket(fairBucketMs) + 1) * fairBucketMs - now
    return math.max(1, math.min(toBucket, fairRefreshMs))
  end
  local guard = 0
  while #granted < maxGrants and guard < 10000 do
    local w = appWait()
    if w > 0 then nextWait = w break end
    local found = false
    local minTenantWait = -1
    for _, lane in ipairs({ 'i', 'b' }) do
      local ring = P .. ':ring:' .. lane
      local tries = redis.call('LLEN', ring)
      while tries > 0 and not found do
        guard = guard + 1
        if guard >= 10000 then break end
        local acc = redis.call('LPOP', ring)
        if not acc then break end
        local st = tenantState(acc)
        local tw = tenantWait(st)
        if tw > 0 then
          -- this account's own Keap tenant is out of budget: skip it, others go on
          redis.call('RPUSH', ring, acc)
          tries = tries - 1
          if minTenantWait < 0 or tw < minTenantWait then minTenantWait = tw end
        else
          local q = P .. ':q:' .. lane .. ':' .. acc
          local entry = nil
          local paced = false
          if lane == 'i' then
            -- The account's turn: its older call of conversation work and campaign starts (FIFO
            -- between them), except that a held start lets its conversation work go past it.
            local qs = P .. ':q:s:' .. acc
            local hi, hs = redis.call('LINDEX', q, 0), redis.call('LINDEX', qs, 0)
            local takeStart = hs and (not hi or parseEntry(hs).t < parseEntry(hi).t)
            if takeStart and startHeldBack(acc) then
              takeStart = false
              paced = not hi
            end
            if takeStart then entry = redis.call('LPOP', qs) elseif hi then entry = redis.call('LPOP', q) end
          else
            entry = redis.call('LPOP', q)
          end
          if paced then
            -- above its fair share of the day: its starts wait (kept in the ring), others go on
            redis.call('RPUSH', ring, acc)
            tries = tries - 1
            local hw = heldWait()
            if minTenantWait < 0 or hw < minTenantWait then minTenantWait = hw end
          elseif entry then
            local left = redis.call('LLEN', q)
            if lane == 'i' then left = left + redis.call('LLEN', P .. ':q:s:' .. acc) end
            if left > 0 then redis.call('RPUSH', ring, acc) end
            local parsed = parseEntry(entry)
            local id, kind = parsed.id, parsed.kind
            local lease = redis.call('ZSCORE', P .. ':leases', id)
            redis.call('ZREM', P .. ':leases', id)
            if lease and tonumber(lease) >= now then
              -- In flight: we do not know when Keap receives the call (a busy event loop, a cold
              -- connection), only that it has by the time its answer is back. Until OBSERVE
              -- re-stamps it with that time, it counts as arriving as late as maxInFlight from now.
              local held = now + maxInFlight
              redis.call('ZADD', sKey, held, id)
              redis.call('ZADD', mKey, held, id)
              redis.call('INCR', dKey)
              redis.call('PEXPIRE', dKey, dayTtl)
              redis.call('ZADD', st.lk, held, id)
              redis.call('PEXPIRE', st.lk, math.ceil(minuteSpan + maxInFlight) + 1000)
              redis.call('INCR', st.dk)
              redis.call('PEXPIRE', st.dk, dayTtl)
              redis.call('HINCRBY', statsKey, acc .. '|' .. kind, 1)
              redis.call('PEXPIRE', statsKey, dayTtl)
              -- deployment-wide running totals for metrics (counters never reset by the day window)
              redis.call('HINCRBY', P .. ':totals:calls', kind, 1)
              redis.call('PEXPIRE', P .. ':totals:calls', TOTALS_TTL)
              countForFairDay(acc, dayIdx, dayTtl, fairBucketMs)
              redis.call('ZADD', P .. ':granted', now, id)
              cs, cm, cd = cs + 1, cm + 1, cd + 1
              st.cm, st.cd = st.cm + 1, st.cd + 1
              granted[#granted + 1] = id
              found = true
            end
            -- a waiter whose lease ran out belongs to a process that died: dropped, no budget spent
          else
            tries = tries - 1
          end
        end
      end
      if found then break end
    end
    if not found then
      nextWait = minTenantWait
      break
    end
  end
  if #granted >= maxGrants then nextWait = 0 end
end

redis.call('ZREMRANGEBYSCORE', P .. ':granted', '-inf', now - leaseMs * 4)
local grantedJson = cjson.encode(granted)
if #granted > 0 then
  redis.call('PUBLISH', P .. ':grants', cjson.encode({ ids = granted, wait = nextWait }))
end
return { grantedJson, tostring(nextWait) }
`;

/**
 * Keep this process's waiters alive and find grants it missed. ARGV: 1 prefix, 2 leaseMs, 3.. ids.
 * Returns, per id: 'g' granted, 'w' still waiting (lease extended), 'x' lost (no lease, no grant).
 */
export const HEARTBEAT_SCRIPT = `${COMMON}
local leaseMs = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('ZSCORE', P .. ':granted', id) then
    out[#out + 1] = 'g'
    redis.call('ZREM', P .. ':granted', id)
  elseif redis.call('ZADD', P .. ':leases', 'XX', 'CH', now + leaseMs, id) == 1 then
    out[#out + 1] = 'w'
  else
    out[#out + 1] = 'x'
  end
end
return out
`;

/**
 * Fold one Keap response into the shared state. ARGV: 1 prefix, 2 accountId, 3 observation JSON
 * (see KeapBudgetObservation), 4 secondSpan, 5 minuteSpan, 6 dayMs, 7 first extra guard after a
 * 429, 8 its cap, 9 how long it lasts, 10 the call's grant id ('' if unknown).
 * Returns the number of accounts with calls waiting (the caller then dispatches: a slot may be free).
 */
export const OBSERVE_SCRIPT = `${COMMON}
local acc = ARGV[2]
local o = cjson.decode(ARGV[3])
local minuteSpan, dayMs = tonumber(ARGV[5]) + num(redis.call('GET', P .. ':xguard'), 0), tonumber(ARGV[6])
local dayIdx = math.floor(now / dayMs)

-- The call has reached Keap by now: it counts in each window from now (it was held as in flight).
local grantId = ARGV[10]
if grantId and grantId ~= '' then
  for _, key in ipairs({ P .. ':log:s', P .. ':log:m', P .. ':tlog:m:' .. acc }) do
    if redis.call('ZSCORE', key, grantId) then redis.call('ZADD', key, 'XX', now, grantId) end
  end
end

if o.pauseMs and o.pauseMs > 0 then
  local cur = redis.call('PTTL', P .. ':pause')
  if cur <= 0 then
    -- A 429 we did not see coming: calls reach Keap with more jitter than our guard (or Keap
    -- counts more strictly than we model). Widen every window's guard, doubling per surprise up
    -- to a cap; it lapses after a calm period. One bump per pause: a burst of 429s is one surprise.
    local xg = num(redis.call('GET', P .. ':xguard'), 0)
    local nxt = math.min(tonumber(ARGV[8]), math.max(xg * 2, tonumber(ARGV[7])))
    redis.call('SET', P .. ':xguard', nxt, 'PX', math.ceil(tonumber(ARGV[9])))
  end
  if cur < o.pauseMs then redis.call('SET', P .. ':pause', '1', 'PX', math.ceil(o.pauseMs)) end
  redis.call('HINCRBY', P .. ':stats:429:' .. dayIdx, acc, 1)
  redis.call('PEXPIRE', P .. ':stats:429:' .. dayIdx, math.ceil(dayMs * 2))
  redis.call('INCR', P .. ':totals:429')
  redis.call('PEXPIRE', P .. ':totals:429', TOTALS_TTL)
end

-- Keap counted 'used' calls in a window where we counted 'local': the difference is drift we
-- could not see; add it as phantom entries so our budget shrinks to what Keap says is left.
local function syncLog(key, used)
  local localCount = trimLog(key, minuteSpan)
  local drift = math.min(used - localCount, 100000)
  for i = 1, drift do redis.call('ZADD', key, now, 'x:' .. now .. ':' .. i) end
  if drift > 0 then redis.call('PEXPIRE', key, math.ceil(minuteSpan) + 1000) end
end
local function syncDay(key, used)
  local localCount = num(redis.call('GET', key), 0)
  if used > localCount then
    redis.call('SET', key, used, 'PX', math.ceil(dayMs * 2))
  end
end
local function cap(key, limit, ttl)
  redis.call('SET', key, limit, 'PX', math.ceil(ttl))
end

for _, w in ipairs(o.windows or {}) do
  local tenant = w.scope == 'tenant'
  if w.unit == 'minute' then
    local key = tenant and (P .. ':tlog:m:' .. acc) or (P .. ':log:m')
    if w.used then syncLog(key, w.used) end
    if w.limit then cap(tenant and (P .. ':tcap:m:' .. acc) or (P .. ':cap:m'), w.limit, dayMs) end
  elseif w.unit == 'day' then
    local key = tenant and (P .. ':tday:' .. acc .. ':' .. dayIdx) or (P .. ':day:' .. dayIdx)
    if w.used then syncDay(key, w.used) end
    if w.limit then cap(tenant and (P .. ':tcap:d:' .. acc) or (P .. ':cap:d'), w.limit, dayMs) end
  end
end
return redis.call('LLEN', P .. ':ring:i') + redis.call('LLEN', P .. ':ring:b')
`;

/**
 * A consistent snapshot for the report. ARGV: 1 prefix, 2 secondSpan, 3 minuteSpan, 4 dayMs,
 * 5 (optional) one account id: only that account's numbers (the console sees its own only),
 * 6 fairDayWindowMs, 7 fairDayRefreshMs, 8 perDay.
 */
export const REPORT_SCRIPT = `${COMMON}${FAIR_DAY}
local xguard = num(redis.call('GET', P .. ':xguard'), 0)
local secondSpan, minuteSpan, dayMs = tonumber(ARGV[2]) + xguard, tonumber(ARGV[3]) + xguard, tonumber(ARGV[4])
local only = ARGV[5]
if only == '' then only = nil end
local dayIdx = math.floor(now / dayMs)
local r = {
  now = now,
  xguard = xguard,
  pauseMs = math.max(0, redis.call('PTTL', P .. ':pause')),
  second = trimLog(P .. ':log:s', secondSpan),
  minute = trimLog(P .. ':log:m', minuteSpan),
  day = num(redis.call('GET', P .. ':day:' .. dayIdx), 0),
  capMinute = num(redis.call('GET', P .. ':cap:m'), -1),
  capDay = num(redis.call('GET', P .. ':cap:d'), -1),
  calls = redis.call('HGETALL', P .. ':stats:calls:' .. dayIdx),
  throttled = redis.call('HGETALL', P .. ':stats:429:' .. dayIdx),
  waiting = {},
  tenants = {},
  totalCalls = redis.call('HGETALL', P .. ':totals:calls'),
  total429 = num(redis.call('GET', P .. ':totals:429'), 0),
}
local fairBucketMs = tonumber(ARGV[6]) / 3
local dayLimit = effLimit(tonumber(ARGV[8]), P .. ':cap:d')
local fair = fairState(dayIdx, dayMs, dayLimit, fairBucketMs, tonumber(ARGV[7]))
r.fair = { projection = fair.projection, level = fair.level, limit = dayLimit,
  msLeft = (dayIdx + 1) * dayMs - now }
for _, lane in ipairs({ 'i', 'b' }) do
  local accs = redis.call('LRANGE', P .. ':ring:' .. lane, 0, -1)
  local lw = {}
  for _, acc in ipairs(accs) do
    local n = redis.call('LLEN', P .. ':q:' .. lane .. ':' .. acc)
    -- campaign starts wait in the interactive ring too
    if lane == 'i' then n = n + redis.call('LLEN', P .. ':q:s:' .. acc) end
    lw[#lw + 1] = { acc, n }
  end
  r.waiting[lane] = lw
end
if only then
  local calls, throttled = {}, {}
  for i = 1, #r.calls, 2 do
    if string.sub(r.calls[i], 1, #only + 1) == only .. '|' then
      calls[#calls + 1] = r.calls[i]
      calls[#calls + 1] = r.calls[i + 1]
    end
  end
  local t429 = redis.call('HGET', P .. ':stats:429:' .. dayIdx, only)
  if t429 then throttled = { only, t429 } end
  r.calls, r.throttled = calls, throttled
  r.tenants[1] = { only, trimLog(P .. ':tlog:m:' .. only, minuteSpan),
    num(redis.call('GET', P .. ':tday:' .. only .. ':' .. dayIdx), 0) }
  local demand, used = accountDemand(only, dayIdx, dayMs, fairBucketMs)
  r.own = { demand = demand, used = used, startsWaiting = redis.call('LLEN', P .. ':q:s:' .. only) }
end
local seen = { [only or ''] = only ~= nil }
for i = 1, #r.calls, 2 do
  local f = r.calls[i]
  local acc = string.sub(f, 1, string.find(f, '|', 1, true) - 1)
  if not seen[acc] then
    seen[acc] = true
    r.tenants[#r.tenants + 1] = { acc, trimLog(P .. ':tlog:m:' .. acc, minuteSpan),
      num(redis.call('GET', P .. ':tday:' .. acc .. ':' .. dayIdx), 0) }
  end
end
return cjson.encode(r)
`;

/** Take waiters out of the running (closed process, gave up): without a lease they are dropped. ARGV: 1 prefix, 2.. ids. */
export const RELEASE_SCRIPT = `${COMMON}
for i = 2, #ARGV do redis.call('ZREM', P .. ':leases', ARGV[i]) end
return 1
`;
