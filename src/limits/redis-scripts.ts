/**
 * Lua for the Redis backend. Each script runs atomically in Redis, so an admission checks and
 * takes every counter of a call as one step, whatever the number of Keel instances. The arithmetic
 * is gcra.ts and memory-backend.ts line for line; the shared contract suite holds them together.
 *
 * Numbers cross into Redis commands as strings formatted here: Lua's default conversion keeps only
 * 14 significant digits, too few for epoch-ms floats and nano-USD sums.
 *
 * Key layout (after the configured prefix): `r:<id>` GCRA `tat|T` (string, PX = time to drain),
 * `c:<id>` concurrency leases (zset lease → expiry), `b:<id>` budget hash (s spent, r reserved,
 * l:<lease> reservation, w soft event raised, x exhausted event raised), `b:<id>:l` budget
 * reservations (zset lease → expiry). All keys expire on their own.
 */

const HELPERS = `
local EPS = 1e-6
local function f(x) return string.format('%.17g', x) end
local function int(x) return string.format('%.0f', x) end
-- A GCRA counter is "tat|T"; read under interval t, rescaled when the limit changed (gcra.ts rescaleTat).
local function tatOf(k, now, t)
  local v = redis.call('GET', k)
  if not v then return 0 end
  local sep = string.find(v, '|', 1, true)
  local tat = tonumber(string.sub(v, 1, sep - 1))
  local st = tonumber(string.sub(v, sep + 1))
  if tat <= now or st == t then return tat end
  return now + ((tat - now) / st) * t
end
`;

/** KEYS: rate tats (nr), concurrency zsets (nc), budget hashes (nb), budget lease zsets (nb). */
export const ADMIT_LUA = `${HELPERS}
local now = tonumber(ARGV[1])
local lease = ARGV[2]
local leaseExp = tonumber(ARGV[3])
local nr = tonumber(ARGV[4])
local nc = tonumber(ARGV[5])
local nb = tonumber(ARGV[6])
local a = 7
local refusals = {}
local tats = {}
local levels = {}
local states = {}
for i = 1, nr do
  local limit = tonumber(ARGV[a]); local period = tonumber(ARGV[a + 1]); local cost = tonumber(ARGV[a + 2]); a = a + 3
  local t = period / limit
  local tat = tatOf(KEYS[i], now, t)
  local base = tat
  if now > base then base = now end
  local nxt = base + cost * t
  local level = nxt - now
  if level - period > t * EPS then
    local retry = '-1'
    if cost <= limit then retry = f(level - period) end
    table.insert(refusals, {'rate', i - 1, retry, math.floor((period - (base - now)) / t + EPS), f(base - now)})
  else
    tats[i] = nxt
    levels[i] = level
    table.insert(states, math.floor((period - level) / t + EPS))
    table.insert(states, f(level))
  end
end
for j = 1, nc do
  local k = KEYS[nr + j]
  local max = tonumber(ARGV[a]); a = a + 1
  local n = redis.call('ZCARD', k)
  if n >= max then
    redis.call('ZREMRANGEBYSCORE', k, '-inf', int(now))
    n = redis.call('ZCARD', k)
    if n >= max then table.insert(refusals, {'concurrency', j - 1, n, 0, 0}) end
  end
end
local costs = {}
local exps = {}
for b = 1, nb do
  local h = KEYS[nr + nc + b]
  local z = KEYS[nr + nc + nb + b]
  local limit = tonumber(ARGV[a]); costs[b] = ARGV[a + 1]; exps[b] = ARGV[a + 2]; a = a + 3
  local cost = tonumber(costs[b])
  local spent = tonumber(redis.call('HGET', h, 's') or '0')
  local reserved = tonumber(redis.call('HGET', h, 'r') or '0')
  if spent + reserved + cost > limit then
    local expired = redis.call('ZRANGEBYSCORE', z, '-inf', int(now))
    for _, l in ipairs(expired) do
      reserved = reserved - tonumber(redis.call('HGET', h, 'l:' .. l) or '0')
      redis.call('HDEL', h, 'l:' .. l)
    end
    if #expired > 0 then
      redis.call('ZREMRANGEBYSCORE', z, '-inf', int(now))
      redis.call('HSET', h, 'r', int(reserved))
    end
    if spent + reserved + cost > limit then
      local first = redis.call('HSETNX', h, 'x', '1')
      redis.call('PEXPIREAT', h, exps[b])
      table.insert(refusals, {'budget', b - 1, spent, reserved, first})
    end
  end
end
if #refusals > 0 then return {0, refusals} end
for i = 1, nr do
  local limit = tonumber(ARGV[4 + 3 * i]); local period = tonumber(ARGV[5 + 3 * i])
  redis.call('SET', KEYS[i], f(tats[i]) .. '|' .. f(period / limit), 'PX', int(math.ceil(levels[i]) + 1000))
end
for j = 1, nc do
  local k = KEYS[nr + j]
  redis.call('ZADD', k, int(leaseExp), lease)
  redis.call('PEXPIREAT', k, int(leaseExp + 1000))
end
for b = 1, nb do
  local h = KEYS[nr + nc + b]
  local z = KEYS[nr + nc + nb + b]
  redis.call('HINCRBY', h, 'r', costs[b])
  redis.call('HSET', h, 'l:' .. lease, costs[b])
  redis.call('ZADD', z, int(leaseExp), lease)
  redis.call('PEXPIREAT', h, exps[b])
  redis.call('PEXPIREAT', z, exps[b])
end
return {1, states}
`;

/** KEYS: token tats (nt), concurrency zsets (nc), budget hashes (nb), budget lease zsets (nb). */
export const SETTLE_LUA = `${HELPERS}
local now = tonumber(ARGV[1])
local lease = ARGV[2]
local nt = tonumber(ARGV[3])
local nc = tonumber(ARGV[4])
local nb = tonumber(ARGV[5])
local a = 6
for i = 1, nt do
  local limit = tonumber(ARGV[a]); local period = tonumber(ARGV[a + 1]); local delta = tonumber(ARGV[a + 2]); a = a + 3
  local t = period / limit
  local tat = tatOf(KEYS[i], now, t)
  local nxt
  if delta >= 0 then
    local base = tat
    if now > base then base = now end
    nxt = base + delta * t
  else
    nxt = tat + delta * t
  end
  if nxt > now then
    redis.call('SET', KEYS[i], f(nxt) .. '|' .. f(t), 'PX', int(math.ceil(nxt - now) + 1000))
  else
    redis.call('DEL', KEYS[i])
  end
end
for j = 1, nc do redis.call('ZREM', KEYS[nt + j], lease) end
local out = {}
for b = 1, nb do
  local h = KEYS[nt + nc + b]
  local z = KEYS[nt + nc + nb + b]
  local actual = ARGV[a]; local soft = tonumber(ARGV[a + 1]); local exp = ARGV[a + 2]; a = a + 3
  local held = redis.call('HGET', h, 'l:' .. lease)
  if held then
    redis.call('HINCRBY', h, 'r', int(-tonumber(held)))
    redis.call('HDEL', h, 'l:' .. lease)
    redis.call('ZREM', z, lease)
  end
  local spent = redis.call('HINCRBY', h, 's', actual)
  local crossed = 0
  if spent >= soft then crossed = redis.call('HSETNX', h, 'w', '1') end
  redis.call('PEXPIREAT', h, exp)
  table.insert(out, spent)
  table.insert(out, crossed)
end
return out
`;

/** KEYS: budget hashes; ARGV: spent, soft, expiresAt per key. Only counters that do not exist yet are set. */
export const SEED_LUA = `
for i = 1, #KEYS do
  local h = KEYS[i]
  local spent = ARGV[3 * i - 2]
  if redis.call('EXISTS', h) == 0 then
    redis.call('HSET', h, 's', spent)
    if tonumber(spent) >= tonumber(ARGV[3 * i - 1]) then redis.call('HSET', h, 'w', '1') end
    redis.call('PEXPIREAT', h, ARGV[3 * i])
  end
end
return #KEYS
`;
