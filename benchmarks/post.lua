-- wrk script: each request is a form answer from the next joined phone in turn.
-- BENCH_PHONES: a file of "TOKEN FORMTOKEN" lines; BENCH_PATH: where to post;
-- BENCH_FIELD: the answer's field; BENCH_DISTINCT=1: a different text every time.
local phones = {}
for line in io.lines(os.getenv("BENCH_PHONES")) do
  local token, form = line:match("(%S+) (%S+)")
  phones[#phones + 1] = {"t=" .. token, "_ft=" .. form .. "&" .. os.getenv("BENCH_FIELD") .. "="}
end
local path = os.getenv("BENCH_PATH")
local distinct = os.getenv("BENCH_DISTINCT") == "1"
local counter = 0
local offset = 0

function init(args)
  offset = math.random(1, #phones)
end

function request()
  counter = counter + 1
  local phone = phones[(counter + offset) % #phones + 1]
  local value
  if distinct then
    value = "words+" .. counter .. "+" .. offset
  else
    value = tostring(counter % 3)
  end
  return wrk.format("POST", path, {
    ["Cookie"] = phone[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, phone[2] .. value)
end
