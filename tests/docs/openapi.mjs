// SPDX-License-Identifier: ISC
// docs/openapi.yaml against the code and against real answers.
//
//   node openapi.mjs MODULES SRCDIR            the description
//   node openapi.mjs MODULES SRCDIR ANSWERS    ... and the answers
//
// MODULES is the node_modules tests/docs/openapi.sh installed.  The
// description: every route of src/app.c's table is described, with its
// method and envelope id, and nothing else is; its version is
// configure.ac's; it is valid OpenAPI 3.1 (@seriousme's validator, the
// OpenAPI Initiative's schemas); every schema in it compiles.  The
// answers: the lines tests/e2e/e2e.c appends to E2E_ANSWERS, each
// checked against the schema of its route, method and status (Ajv,
// JSON Schema 2020-12, the dialect of OpenAPI 3.1).  Nothing of a body
// is printed: it may hold a secret.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modArg, srcdir, answers] = process.argv.slice(2);
const modules = modArg === undefined ? undefined : resolve(modArg);
if (modules === undefined || srcdir === undefined) {
	console.error("usage: openapi.mjs MODULES SRCDIR [ANSWERS]");
	process.exit(99);
}
const require = createRequire(join(modules, "package.json"));
const YAML = require("yaml");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;
const { Validator } = await import(pathToFileURL(join(modules,
    "@seriousme/openapi-schema-validator/index.js")).href);

let failures = 0;
function fail(msg) {
	failures++;
	console.log("FAIL: " + msg);
}

const specPath = process.env.OPENAPI_SPEC ??
    join(srcdir, "docs/openapi.yaml");
const spec = YAML.parse(readFileSync(specPath, "utf8"));
const METHODS = ["get", "put", "post", "delete", "options", "head",
    "patch", "trace"];

// ---- The route table, read from its source.

// The text between the braces of `static const struct route NAME[] = {`.
function table(text, name) {
	const m = new RegExp("static\\s+const\\s+struct\\s+route\\s+" + name +
	    "\\s*\\[\\s*\\]\\s*=\\s*\\{").exec(text);
	if (m === null)
		return null;
	let depth = 1, i = m.index + m[0].length;
	const start = i;
	for (; i < text.length && depth > 0; i++) {
		if (text[i] === '"') {
			for (i++; text[i] !== '"'; i++)
				if (text[i] === "\\")
					i++;
		} else if (text[i] === "{" || text[i] === "(")
			depth++;
		else if (text[i] === "}" || text[i] === ")")
			depth--;
	}
	return text.slice(start, i - 1);
}

// The top-level entries of a table: split at commas outside brackets.
function entries(body) {
	const out = [];
	let depth = 0, cur = "";
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (c === '"') {
			let j = i + 1;
			for (; body[j] !== '"'; j++)
				if (body[j] === "\\")
					j++;
			cur += body.slice(i, j + 1);
			i = j;
			continue;
		}
		if (c === "{" || c === "(")
			depth++;
		if (c === "}" || c === ")")
			depth--;
		if (c === "," && depth === 0) {
			if (cur.trim() !== "")
				out.push(cur.trim());
			cur = "";
		} else
			cur += c;
	}
	if (cur.trim() !== "")
		out.push(cur.trim());
	return out;
}

function routesOf(file) {
	let text = readFileSync(join(srcdir, file), "utf8");
	text = text.replace(/\/\*[\s\S]*?\*\//g, " ");
	const idm = /#define\s+ID\(x\)\s+"([^"]*)"\s*x/.exec(text);
	const prefix = idm !== null ? idm[1] : null;
	const body = table(text, "routes");
	if (body === null)
		return null;
	return entries(body).map((e) => {
		// ADMIN(POST, "/p", fn, "id", ...) or { METHOD_GET, "/p", fn, id, ... }
		const macro = /^ADMIN\s*\(([\s\S]*)\)$/.exec(e);
		const brace = /^\{([\s\S]*)\}$/.exec(e);
		if (macro === null && brace === null)
			return { bad: e };
		const f = entries(macro !== null ? macro[1] : brace[1]);
		const method = f[0].replace(/^METHOD_/, "").toLowerCase();
		const path = JSON.parse(f[1]);
		let id;
		const idf = f[3];
		const idcall = /^ID\s*\(\s*("[^"]*")\s*\)$/.exec(idf);
		if (macro !== null && /^"/.test(idf))
			id = prefix + JSON.parse(idf);	// ADMIN wraps it in ID()
		else if (idcall !== null)
			id = prefix + JSON.parse(idcall[1]);
		else if (/^"/.test(idf))
			id = JSON.parse(idf);
		else
			return { bad: e };
		return { method, path, id };
	});
}

// Every route table of src/ is src/app.c's `routes` (the others,
// lighttpd's authorizer and the no-route answer, are single routes):
// another table would go unread, so it fails the check.
function walk(dir) {
	return readdirSync(join(srcdir, dir), { withFileTypes: true })
	    .flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) :
	    e.name.endsWith(".c") ? [join(dir, e.name)] : []);
}
for (const f of walk("src")) {
	const text = readFileSync(join(srcdir, f), "utf8");
	for (const m of text.matchAll(/struct\s+route\s+(\w+)\s*\[\s*\]\s*=/g))
		if (f !== join("src", "app.c") || m[1] !== "routes")
			fail(`${f}: a route table (${m[1]}) this check does not read`);
}
const routes = routesOf("src/app.c");
if (routes === null || routes.length === 0) {
	console.error("no route table found in src/app.c");
	process.exit(99);
}
for (const r of routes.filter((r) => r.bad !== undefined))
	fail("src/app.c: an entry not read: " + r.bad.slice(0, 80));
const table_ = routes.filter((r) => r.bad === undefined);

// The router's pattern of an OpenAPI path: each {name} is a "{}".
const pattern = (p) => p.replace(/\{[^}/]*\}/g, "{}");
const described = new Map();
const opIds = new Set();
for (const [p, item] of Object.entries(spec.paths ?? {}))
	for (const m of METHODS) {
		if (item[m] === undefined)
			continue;
		const op = item[m];
		described.set(m + " " + pattern(p), { path: p, op });
		if (opIds.has(op.operationId))
			fail(`operationId ${op.operationId} twice`);
		opIds.add(op.operationId);
	}
const inTable = new Set();
for (const r of table_) {
	const k = r.method + " " + r.path;
	inTable.add(k);
	const d = described.get(k);
	if (d === undefined) {
		fail(`${r.method.toUpperCase()} ${r.path} (src/app.c) is not ` +
		    "described in docs/openapi.yaml");
		continue;
	}
	if (d.op["x-adminutil-id"] !== r.id)
		fail(`${r.method.toUpperCase()} ${d.path}: x-adminutil-id ` +
		    `${d.op["x-adminutil-id"]}, the route's id is ${r.id}`);
}
for (const [k, d] of described)
	if (!inTable.has(k))
		fail(`${k.split(" ")[0].toUpperCase()} ${d.path} is described ` +
		    "but no route of src/app.c");
console.log(`${table_.length} routes of src/app.c, ${described.size} ` +
    "operations described");

const ac = /AC_INIT\(\[adminutil\],\s*\[([^\]]*)\]/.exec(
    readFileSync(join(srcdir, "configure.ac"), "utf8"));
if (ac === null || spec.info?.version !== ac[1])
	fail(`info.version ${spec.info?.version}, configure.ac says ` +
	    `${ac?.[1]}`);

// ---- Valid OpenAPI 3.1.

const res = await new Validator().validate(spec);
if (!res.valid || spec.openapi?.startsWith("3.1.") !== true)
	fail("not valid OpenAPI 3.1: " + JSON.stringify(res.errors ??
	    spec.openapi).slice(0, 2000));

// ---- Every schema compiles, as JSON Schema 2020-12.

const SPEC_ID = "https://adminutil.invalid/openapi.json";
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addKeyword("example");
ajv.addSchema(spec, SPEC_ID);
const ptr = (parts) => "#/" + parts.map((s) =>
    String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const compiled = new Map();
function validatorAt(parts) {
	const ref = SPEC_ID + ptr(parts);
	if (!compiled.has(ref))
		compiled.set(ref, ajv.compile({ $ref: ref }));
	return compiled.get(ref);
}
for (const name of Object.keys(spec.components?.schemas ?? {})) {
	try {
		validatorAt(["components", "schemas", name]);
	} catch (e) {
		fail(`components.schemas.${name} does not compile: ${e.message}`);
	}
}

// ---- The answers.

// The location in the spec of the response for status, followed
// through one $ref: a list of keys from the root.
function responseAt(parts, status) {
	let node = parts.reduce((n, k) => n?.[k], spec);
	const key = node?.responses?.[String(status)] !== undefined ?
	    String(status) : node?.responses?.default !== undefined ?
	    "default" : null;
	if (key === null)
		return null;
	let at = [...parts, "responses", key];
	node = node.responses[key];
	if (node.$ref !== undefined) {
		at = node.$ref.replace(/^#\//, "").split("/").map((s) =>
		    s.replace(/~1/g, "/").replace(/~0/g, "~"));
		node = at.reduce((n, k) => n?.[k], spec);
	}
	return { at, node };
}

// The path item of a request path: literal segments equal, a {name}
// any one segment (the router's rule).
function pathItem(path) {
	const segs = path.split("/");
	for (const p of Object.keys(spec.paths)) {
		const ps = p.split("/");
		if (ps.length === segs.length && ps.every((s, i) =>
		    /^\{[^}]*\}$/.test(s) || s === segs[i]))
			return p;
	}
	return null;
}

const NO_ROUTE_ID = "ekstep.api.am.adminutil";
const JSON_TYPE = "application/json; charset=utf-8";
const count = { checked: 0, web: 0, api: 0, other: 0 };
const byRoute = new Map();

function check(a, where, opId, status, json, named) {
	const r = named !== undefined ? { at: ["components", "responses",
	    named], node: spec.components.responses[named] } :
	    responseAt(where, status);
	if (a.status !== status)
		return `status ${a.status}, not ${status}`;
	if (r === null)
		return `no response described for ${status}`;
	// The headers it must carry (required: true), their values
	// against their schemas.
	for (const [name, h0] of Object.entries(r.node.headers ?? {})) {
		const h = h0.$ref !== undefined ? h0.$ref.replace(/^#\//, "")
		    .split("/").reduce((n, k) => n?.[k], spec) : h0;
		if (h.required !== true)
			continue;
		const line = (a.head ?? "").split("\r\n").reverse().find((l) =>
		    l.toLowerCase().startsWith(name.toLowerCase() + ":"));
		if (line === undefined)
			return `no ${name} header`;
		let value = line.slice(name.length + 1).trim();
		if (h.schema?.type === "integer")
			value = Number(value);
		if (!ajv.validate(h.schema ?? {}, value))
			return `header ${name}: ${ajv.errorsText()}`;
	}
	const content = r.node.content;
	if (content === undefined) {
		if (a.body !== "")
			return `a body, none described for ${status}`;
		return null;
	}
	const type = (a.ctype ?? "").split(";")[0].trim();
	if (content[type] === undefined)
		return `Content-Type ${a.ctype}, described: ` +
		    Object.keys(content).join(", ");
	if (type === "application/json" && a.ctype !== JSON_TYPE)
		return `Content-Type ${a.ctype}, not ${JSON_TYPE}`;
	const v = validatorAt([...r.at, "content", type, "schema"]);
	const value = type === "application/json" ? json : a.body;
	if (!v(value))
		return v.errors.map((e) => `${e.instancePath || "/"} ` +
		    `${e.message}${e.params?.allowedValue !== undefined ?
		    " " + JSON.stringify(e.params.allowedValue) : ""}`)
		    .slice(0, 6).join("; ");
	if (opId !== undefined && json !== undefined && typeof json ===
	    "object" && json !== null && "params" in json && json.id !== opId)
		return `id ${json.id}, the route's is ${opId}`;
	return null;
}

if (answers !== undefined) {
	const lines = readFileSync(answers, "utf8").split("\n")
	    .filter((l) => l !== "");
	for (const line of lines) {
		const a = JSON.parse(line);
		const u = new URL(a.url);
		const path = u.pathname;
		const type = (a.ctype ?? "").split(";")[0].trim();
		let json;
		if (type === "application/json") {
			try {
				json = JSON.parse(a.body);
			} catch {
				json = undefined;
			}
		}
		// The web server's own pages (nginx's 413, 502, the
		// portal's files) are not adminutil's.
		if (type === "text/html" || (a.plane === "portal" &&
		    !/^\/v1\/(portal|access)\//.test(path))) {
			count.web++;
			continue;
		}
		let where, opId, label;
		if (a.plane === "gateway") {
			// The API behind the gateway answers its passes;
			// a refusal is adminutil's envelope, passed on.
			if (![401, 403, 429].includes(a.status) ||
			    json === undefined) {
				count.api++;
				continue;
			}
			where = ["paths", "/v1/auth", "get"];
			opId = spec.paths["/v1/auth"].get["x-adminutil-id"];
			label = "gateway refusal";
		} else if (a.plane === "admin" || a.plane === "portal") {
			const p = pathItem(path);
			const m = a.method.toLowerCase();
			if (p === null || spec.paths[p][m] === undefined &&
			    a.status !== 405 || a.status === 404 &&
			    json?.id === NO_ROUTE_ID) {
				// No route; or one switched off on this
				// instance (`routes`): both the same 404.
				label = "no route";
				const v = validatorAt(["components",
				    "responses", "NoRoute", "content",
				    "application/json", "schema"]);
				count.checked++;
				byRoute.set(label, (byRoute.get(label) ?? 0) + 1);
				if (a.status !== 404 || !v(json) ||
				    json.id !== NO_ROUTE_ID)
					fail(`${a.method} ${path} ${a.status}: ` +
					    "not the no-route answer");
				continue;
			}
			const op = spec.paths[p][m] ??
			    Object.values(spec.paths[p])[0];
			if (spec.paths[p][m] === undefined) {
				opId = op["x-adminutil-id"];
				label = `${a.method} ${p}`;
				count.checked++;
				byRoute.set(label, (byRoute.get(label) ?? 0) + 1);
				const why = check(a, ["components"], opId, 405,
				    json, "MethodNotAllowed");
				if (why !== null)
					fail(`${label} answered ${a.status}: ` +
					    "not the 405 of its route: " + why);
				continue;
			}
			where = ["paths", p, m];
			opId = op["x-adminutil-id"];
			label = `${a.method} ${p}`;
		} else {
			count.other++;
			continue;
		}
		count.checked++;
		byRoute.set(label, (byRoute.get(label) ?? 0) + 1);
		const why = check(a, where, opId, a.status, json);
		if (why !== null)
			fail(`${label} answered ${a.status}` +
			    `${json?.params?.err ? " " + json.params.err : ""}: ` +
			    why);
	}
	console.log(`${count.checked} answers checked against ` +
	    `docs/openapi.yaml (${byRoute.size} routes); not adminutil's: ` +
	    `${count.api} of the APIs behind the gateway, ${count.web} of ` +
	    `the web server, ${count.other} elsewhere`);
	for (const [k, n] of [...byRoute].sort())
		console.log(`  ${String(n).padStart(5)}  ${k}`);
	if (count.checked === 0)
		fail("no answer to check in " + answers);
}

console.log(failures === 0 ? "1 passed, 0 failed" : "0 passed, 1 failed");
process.exit(failures === 0 ? 0 : 1);
