/* SPDX-License-Identifier: ISC */
/*
 * Credentials: generating them (the secret shown once, with how to use
 * it and a file to keep), the developer's credentials, and how to sign
 * a token for the gateway.
 */
"use strict";

/* The groups an approval opened, which a generation gives. */
function showApproved() {
	var ul = $("approved-groups");

	clear(ul);
	portal.approved.forEach(function (g) {
		var li = el("li");

		li.appendChild(groupBlock(g));
		ul.appendChild(li);
	});
	if (portal.approved.length === 0) {
		var li = el("li", "None approved yet: ", "muted"),
		    a = el("a", "request API access");

		a.href = "#requests";
		li.appendChild(a);
		li.appendChild(document.createTextNode(" first."));
		ul.appendChild(li);
	}
	$("generate").disabled = portal.approved.length === 0;
}

/* A string in a shell's single quotes. */
function shq(s) {
	return "'" + String(s).replace(/'/g, "'\\''") + "'";
}

/*
 * The API the examples call: the first of the groups' APIs, with a
 * method to call it with ("*" allows any: GET).
 */
function exampleApi(groups) {
	var i, apis;

	for (i = 0; i < groups.length; i++) {
		apis = groupApis(groups[i]);
		if (apis.length > 0)
			return { method: apis[0].method === "*" ? "GET" :
			    apis[0].method, path: apis[0].path };
	}
	return { method: "GET", path: "/" };
}

function gatewayUrl() {
	return portal.me && portal.me.gateway_url ?
	    portal.me.gateway_url.replace(/\/+$/, "") :
	    "https://gateway.example";
}

/*
 * How to sign an HS256 token (iss = the key, the secret's bytes the
 * HMAC key, five minutes to live) and call the gateway with it.  With
 * secret null, the examples read it from the environment (API_SECRET):
 * a page shown later has no secret to put in.
 */
function snippets(key, secret, groups) {
	var gw = gatewayUrl(), api = exampleApi(groups), j = JSON.stringify;

	return [{
		name: "Shell: curl and openssl",
		id: "sh",
		text: [
			"GATEWAY=" + shq(gw),
			"KEY=" + shq(key),
			secret !== null ? "SECRET=" + shq(secret) :
			    "SECRET=${API_SECRET:?the secret you saved}",
			"b64url() { openssl base64 -A | tr '+/' '-_' | " +
			    "tr -d '='; }",
			"now=$(date +%s)",
			"header=$(printf '%s' '{\"alg\":\"HS256\"," +
			    "\"typ\":\"JWT\"}' | b64url)",
			"payload=$(printf '{\"iss\":\"%s\",\"iat\":%d," +
			    "\"exp\":%d}' \"$KEY\" \"$now\" " +
			    "\"$((now + 300))\" | b64url)",
			"signature=$(printf '%s.%s' \"$header\" \"$payload\" " +
			    "| openssl dgst -sha256 -hmac \"$SECRET\" " +
			    "-binary | b64url)",
			"TOKEN=\"$header.$payload.$signature\"",
			"curl -sS -X " + api.method + " -H \"Authorization: " +
			    "Bearer $TOKEN\" \"$GATEWAY\"" + shq(api.path)
		].join("\n")
	}, {
		name: "Python (PyJWT)",
		id: "python",
		text: [
			"import os",
			"import time",
			"import urllib.request",
			"",
			"import jwt  # PyJWT",
			"",
			"GATEWAY = " + j(gw),
			"KEY = " + j(key),
			secret !== null ? "SECRET = " + j(secret) :
			    "SECRET = os.environ[\"API_SECRET\"]",
			"",
			"now = int(time.time())",
			"token = jwt.encode({\"iss\": KEY, \"iat\": now, " +
			    "\"exp\": now + 300}, SECRET, algorithm=\"HS256\")",
			"req = urllib.request.Request(GATEWAY + " +
			    j(api.path) + ", method=" + j(api.method) + ",",
			"    headers={\"Authorization\": \"Bearer \" + token})",
			"with urllib.request.urlopen(req) as res:",
			"    print(res.status, res.read().decode())"
		].join("\n")
	}, {
		name: "JavaScript (Node.js 18 or later)",
		id: "node",
		text: [
			"const crypto = require(\"crypto\");",
			"",
			"const GATEWAY = " + j(gw) + ";",
			"const KEY = " + j(key) + ";",
			secret !== null ? "const SECRET = " + j(secret) + ";" :
			    "const SECRET = process.env.API_SECRET;",
			"const b64url = (s) => Buffer.from(s)" +
			    ".toString(\"base64url\");",
			"const now = Math.floor(Date.now() / 1000);",
			"const input = b64url(JSON.stringify({ alg: \"HS256\", " +
			    "typ: \"JWT\" })) + \".\" +",
			"    b64url(JSON.stringify({ iss: KEY, iat: now, " +
			    "exp: now + 300 }));",
			"const token = input + \".\" + crypto.createHmac(" +
			    "\"sha256\", SECRET)",
			"    .update(input).digest(\"base64url\");",
			"fetch(GATEWAY + " + j(api.path) + ", { method: " +
			    j(api.method) + ",",
			"    headers: { Authorization: \"Bearer \" + token } })",
			"    .then(async (res) => console.log(res.status, " +
			    "await res.text()));"
		].join("\n")
	}];
}

function copyText(text) {
	if (navigator.clipboard)
		navigator.clipboard.writeText(text).then(function () {
			say("Copied.");
		}, function () {
			say("The browser did not let the page copy: select " +
			    "the text and copy it.", true);
		});
}

/* The gateway, the groups and APIs, and the examples, into box. */
function usage(box, key, secret, groups) {
	var p = el("p", "The gateway: "), dl = el("div", null, "snippets");

	clear(box);
	p.appendChild(el("code", gatewayUrl(), "url"));
	if (!portal.me || !portal.me.gateway_url)
		p.appendChild(el("span", " (an example: ask your operator " +
		    "for the gateway's address)", "muted"));
	box.appendChild(p);
	p = el("p", "Your key: ");
	p.appendChild(el("code", key, "mono"));
	box.appendChild(p);
	box.appendChild(el("p", "Sign a token with HS256: its iss is your " +
	    "key, the secret is the signing key; send it as " +
	    "\"Authorization: Bearer\" to the gateway. These credentials " +
	    "open:"));
	var ul = el("ul", null, "groups");
	groups.forEach(function (g) {
		var li = el("li");

		li.appendChild(groupBlock(g));
		ul.appendChild(li);
	});
	box.appendChild(ul);
	if (secret === null)
		box.appendChild(el("p", "The examples read the secret from " +
		    "the environment variable API_SECRET.", "muted"));
	snippets(key, secret, groups).forEach(function (s) {
		var sec = el("section", null, "snippet"), h = el("h3", s.name),
		    pre = el("pre"), code = el("code", s.text);

		h.id = box.id + "-h-" + s.id;
		pre.tabIndex = 0;
		pre.setAttribute("aria-labelledby", h.id);
		pre.dataset.snippet = s.id;
		pre.appendChild(code);
		sec.appendChild(h);
		sec.appendChild(pre);
		sec.appendChild(button("Copy", "quiet", function () {
			copyText(s.text);
		}));
		dl.appendChild(sec);
	});
	box.appendChild(dl);
}

/* The key and secret as a file, to keep (and source from a shell). */
function download(name, key, secret) {
	var text = "# " + $("product").textContent + ": the credentials \"" +
	    name.replace(/[\r\n]/g, " ") + "\", made " +
	    new Date().toISOString() + "\n" +
	    "GATEWAY_URL=" + shq(gatewayUrl()) + "\n" +
	    "API_KEY=" + shq(key) + "\n" +
	    "API_SECRET=" + shq(secret) + "\n";
	var url = URL.createObjectURL(new Blob([text],
	    { type: "text/plain" })), a = el("a");

	a.href = url;
	a.download = name.replace(/[^A-Za-z0-9._-]+/g, "-") +
	    ".credentials.env";
	document.body.appendChild(a);
	a.click();
	document.body.removeChild(a);
	setTimeout(function () {
		URL.revokeObjectURL(url);
	}, 1000);
}

/*
 * The key and secret, shown once, until the user says they copied
 * them: the secret lives only in this dialog, and in the file if asked.
 */
var shown = null;

function showSecret(res) {
	var groups = res.groups || portal.approved;

	shown = res;
	$("shown-key").value = res.key;
	$("shown-secret").value = res.secret;
	usage($("dialog-usage"), res.key, res.secret, groups);
	$("copied").checked = false;
	$("close-secret").disabled = true;
	$("secret-dialog").hidden = false;
	$("copy-key").focus();
}

/* Closed, nothing of the secret stays in the page. */
function closeSecret() {
	var res = shown;

	shown = null;
	$("shown-key").value = "";
	$("shown-secret").value = "";
	clear($("dialog-usage"));
	$("secret-dialog").hidden = true;
	if (res !== null)
		showUsage(res.key, res.groups || portal.approved);
}

function showUsage(key, groups) {
	usage($("usage-body"), key, null, groups);
	$("usage").hidden = false;
	$("h-usage").tabIndex = -1;
	$("h-usage").focus();
}

function generate(ev) {
	ev.preventDefault();
	call("/v1/portal/credential/generate", {
		username: $("generate-username").value,
		notes: $("generate-notes").value
	}).then(function (res) {
		say("Credentials made for " + res.username + ".");
		showSecret(res);
		$("generate-form").reset();
		return loadCredentials();
	}).catch(failed);
}

function loadCredentials() {
	return call("/v1/portal/credential/list").then(function (res) {
		var body = $("credentials").tBodies[0];

		clear(body);
		res.credentials.forEach(function (c) {
			var tr = el("tr"), td, b;

			tr.dataset.key = c.key;
			cell(tr, "Name", c.username);
			cell(tr, "Key", c.key, "mono");
			cell(tr, "Notes", c.notes);
			cell(tr, "Made", "").appendChild(when(c.created_at));
			cell(tr, "State", c.revoked ? "revoked" : "active",
			    "state " + (c.revoked ? "revoked" : "active"));
			td = cell(tr, "Actions", "", "acts");
			if (!c.revoked) {
				b = button("How to use", "quiet", function () {
					showUsage(c.key, portal.approved);
				});
				b.setAttribute("aria-label", "How to use key " +
				    c.key);
				td.appendChild(b);
				b = button("Revoke", "danger", function () {
					revoke(c.key);
				});
				b.setAttribute("aria-label", "Revoke key " + c.key);
				td.appendChild(b);
			}
			body.appendChild(tr);
		});
		if (res.credentials.length === 0)
			emptyRow(body, "Nothing yet: generate credentials above.");
	});
}

function revoke(key) {
	call("/v1/portal/credential/" + encodeURIComponent(key) + "/revoke")
	    .then(function () {
		say("Key " + key + " revoked: tokens it signs no longer pass.");
		return loadCredentials();
	}).catch(failed);
}

document.addEventListener("DOMContentLoaded", function () {
	$("generate-form").addEventListener("submit", generate);
	$("copy-key").addEventListener("click", function () {
		copyText($("shown-key").value);
	});
	$("copy-secret").addEventListener("click", function () {
		copyText($("shown-secret").value);
	});
	$("download").addEventListener("click", function () {
		if (shown !== null)
			download(shown.username, shown.key, shown.secret);
	});
	$("copied").addEventListener("change", function () {
		$("close-secret").disabled = !$("copied").checked;
	});
	$("close-secret").addEventListener("click", closeSecret);
	$("usage-close").addEventListener("click", function () {
		$("usage").hidden = true;
		clear($("usage-body"));
	});
});
