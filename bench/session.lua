-- wrk script of bench/sessions.sh: each request carries the cookie of one of the sessions made beforehand
-- (one per line of the file given after --), picked at random, so the load reads and writes existing sessions
-- spread over many rows or keys rather than all on one.
local cookies = {}

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then cookies[#cookies + 1] = line end
    end
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
    return wrk.format("GET", nil, { ["Cookie"] = cookies[math.random(#cookies)] })
end
