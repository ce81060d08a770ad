-- wrk script: count the responses whose status is not 200, across all threads.
-- wrk's own summary counts only statuses of 400 and above, so a redirect to the
-- login page would pass unnoticed without this.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
end

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
  end
  io.write(string.format("Responses other than 200: %d\n", total))
end
