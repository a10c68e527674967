-- SPDX-License-Identifier: ISC
-- bench/tokens.lua: a wrk script sending each request with the next
-- token of a file (one a line), so that every request names another
-- consumer.  Each thread of each run reads a file of its own, so that
-- no token comes twice in a run nor in two runs (wrk starts a thread
-- before it initialises the next: the files are kept small to load):
--
--	BENCH_RUN=R wrk -tTHREADS ... -s bench/tokens.lua URL -- PREFIX THREADS
--
-- reads PREFIX.NNN, NNN = R * THREADS + the thread's number.  A thread
-- that runs out of tokens starts its file again; done() then says so.

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	threads[#threads + 1] = thread
end

function init(args)
	local n = (tonumber(os.getenv("BENCH_RUN")) or 0) * tonumber(args[2]) + id
	local file = string.format("%s.%03d", args[1], n)
	headers = {}
	for line in io.lines(file) do
		headers[#headers + 1] = "Bearer " .. line
	end
	assert(#headers > 0, file .. ": no tokens")
	i = 0
	wrapped = 0
end

function request()
	if i == #headers then
		i = 0
		wrapped = wrapped + 1
	end
	i = i + 1
	return wrk.format(nil, nil, { Authorization = headers[i] })
end

function done(summary, latency, requests)
	for _, t in ipairs(threads) do
		if t:get("wrapped") > 0 then
			io.write("tokens wrapped: some consumers came twice\n")
			return
		end
	end
end
