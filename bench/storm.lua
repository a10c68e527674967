-- SPDX-License-Identifier: ISC
-- bench/storm.lua: the admin storm of bench/run's scenarios 9 and 10,
-- grants for one consumer as fast as they are answered (most wait for
-- the row lock bench/run holds, then answer 503).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"request":{"groups":["contentUser","stormGroup"]}}'
