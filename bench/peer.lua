-- SPDX-License-Identifier: ISC
-- bench/peer.lua: the Kong-style peer of adminutil's gateway check, in
-- nginx itself: what Kong's jwt and acl plugins do for every request.
-- LuaJIT FFI to OpenSSL's HMAC(), lua-cjson for the two JSON parts,
-- ngx.base64 (lua-resty-core) for base64url.  The ACL table is read
-- once, by init_by_lua in the master, from the ACL file adminutil uses;
-- the credentials by each worker at its first request (as Kong fills
-- its cache from its database), from a file the benchmark writes from
-- the same consumers.  Then, per request (access_by_lua):
--   ACL rule of the path (longest prefix, method or *) -- @public: pass;
--   one Bearer token, three parts, header and claims JSON objects;
--   alg HS256; credential by iss; signature; exp and nbf if present;
--   the consumer in one of the rule's groups; consumer headers set.
-- Failures answer 401 (or 403) with {"message": ...} as Kong does.

local ffi = require "ffi"
local cjson = require "cjson.safe"
local b64 = require "ngx.base64"

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
    const char *d, size_t n, unsigned char *md, unsigned int *md_len);
]]

local crypto = ffi.load("libcrypto.so.3")
local sha256 = crypto.EVP_sha256()
local mac = ffi.new("unsigned char[64]")
local maclen = ffi.new("unsigned int[1]")

local CLOCK_SKEW = 60

local M = {}
local keys_file
local creds		-- key -> { secret, username, joined, groups = set }
local acl = {}		-- prefix -> method or "*" -> rule
			-- rule: { kind = "groups"|"public"|"authenticated",
			--   groups = list }

-- The hot path below keeps to what LuaJIT compiles (no closures, no
-- pairs, no pattern matching), as Kong's own plugins try to.

local function set_of(list)
	local s = {}
	for g in list:gmatch("[^,]+") do
		s[g] = true
	end
	return s
end

-- keys: "key<TAB>secret<TAB>username<TAB>group,group" lines.
local function load_keys()
	creds = {}
	for line in io.lines(keys_file) do
		local key, secret, user, groups =
		    line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?([^\t]*)$")
		assert(key, keys_file .. ": bad line: " .. line)
		creds[key] = { secret = secret, username = user,
		    joined = groups, groups = set_of(groups) }
	end
end

-- keys: the credentials' file, read later; acl_file: adminutil's
-- format, "METHOD PREFIX GROUPS [RATES] [by=KEY]" (adminutil.acl(5)).
-- The peer checks the groups only: its rates are not counted, as
-- Kong's jwt and acl plugins do not count (scenario (3) is no
-- rate-limiting peer).
function M.load(keys, acl_file)
	keys_file = keys
	for line in io.lines(acl_file) do
		line = line:gsub("#.*$", "")
		local m, p, g = line:match("^%s*(%S+)%s+(%S+)%s+(%S+)")
		if m then
			if #p > 1 and p:sub(-1) == "/" then
				p = p:sub(1, -2)
			end
			local e = acl[p] or {}
			acl[p] = e
			if g == "@public" then
				e[m] = { kind = "public" }
			elseif g == "@authenticated" then
				e[m] = { kind = "authenticated" }
			else
				local r = e[m] or { kind = "groups", groups = {} }
				for name in g:gmatch("[^,]+") do
					r.groups[#r.groups + 1] = name
				end
				e[m] = r
			end
		end
	end
end

-- The rule of the longest prefix that equals path or is followed in it
-- by "/"; at equal prefixes the method's rule wins over "*".
local function lookup(method, path)
	while true do
		local e = acl[path]
		if e then
			local r = e[method] or e["*"]
			if r then
				return r
			end
		end
		if path == "/" then
			return nil
		end
		local i = #path
		while i > 1 and path:byte(i) ~= 47 do	-- "/"
			i = i - 1
		end
		path = i > 1 and path:sub(1, i - 1) or "/"
	end
end

local function deny(status, message)
	ngx.status = status
	if status == 401 then
		ngx.header["WWW-Authenticate"] = 'Bearer error="invalid_token"'
	end
	ngx.header["Content-Type"] = "application/json; charset=utf-8"
	ngx.say(cjson.encode({ message = message }))
	return ngx.exit(status)
end

function M.access()
	local rule = lookup(ngx.req.get_method(), ngx.var.uri)
	if rule and rule.kind == "public" then
		return
	end
	local h = ngx.var.http_authorization
	if not h or h:sub(1, 7):lower() ~= "bearer " then
		return deny(401, "Unauthorized")
	end
	local tok = h:sub(8)
	if tok == "" or tok:find(" ", 1, true) or tok:find(",", 1, true) then
		return deny(401, "Unauthorized")
	end
	local d1 = tok:find(".", 1, true)
	local d2 = d1 and tok:find(".", d1 + 1, true)
	if not d2 or tok:find(".", d2 + 1, true) then
		return deny(401, "Bad token; invalid JWT")
	end
	local header = cjson.decode(b64.decode_base64url(tok:sub(1, d1 - 1))
	    or "")
	local claims = cjson.decode(b64.decode_base64url(tok:sub(d1 + 1,
	    d2 - 1)) or "")
	local sig = b64.decode_base64url(tok:sub(d2 + 1))
	if type(header) ~= "table" or type(claims) ~= "table" or not sig then
		return deny(401, "Bad token; invalid JWT")
	end
	if header.alg ~= "HS256" then
		return deny(401, "Invalid algorithm")
	end
	if not creds then
		load_keys()
	end
	local iss = claims.iss
	local cred = type(iss) == "string" and creds[iss]
	if not cred then
		return deny(401, "No credentials found for given 'iss'")
	end
	if crypto.HMAC(sha256, cred.secret, #cred.secret, tok, d2 - 1, mac,
	    maclen) == nil or ffi.string(mac, maclen[0]) ~= sig then
		return deny(401, "Invalid signature")
	end
	local now, exp, nbf = ngx.time(), claims.exp, claims.nbf
	if (exp ~= nil and (type(exp) ~= "number" or now > exp + CLOCK_SKEW))
	    or (nbf ~= nil and (type(nbf) ~= "number" or
	    now + CLOCK_SKEW < nbf)) then
		return deny(401, "Token expired or not yet valid")
	end
	if rule == nil then
		return deny(403, "You cannot consume this service")
	end
	if rule.kind == "groups" then
		local ok = false
		for i = 1, #rule.groups do
			if cred.groups[rule.groups[i]] then
				ok = true
				break
			end
		end
		if not ok then
			return deny(403, "You cannot consume this service")
		end
	end
	ngx.req.set_header("X-Consumer-Username", cred.username)
	ngx.req.set_header("X-Consumer-Groups", cred.joined)
	ngx.req.set_header("X-Credential-Key", iss)
end

return M
