/* SPDX-License-Identifier: ISC */
/*
 * The portal's pages: plain JavaScript, no library, no other site.  It
 * speaks JSON to the portal's routes of adminutil, on this same origin
 * (the browser signs in with the web server).  What people typed is
 * only ever put in the page as text (textContent), never as markup.
 */
"use strict";

var state = { approver: false, approved: [] };

function $(id) {
	return document.getElementById(id);
}

/* An element with text (and a class). */
function el(tag, text, cls) {
	var e = document.createElement(tag);

	if (text !== undefined && text !== null)
		e.textContent = String(text);
	if (cls)
		e.className = cls;
	return e;
}

function say(text, bad) {
	var s = $("status");

	s.textContent = text;
	s.className = bad ? "status bad" : "status";
}

/*
 * POSTs the envelope of request to route; resolves with the result,
 * rejects with the envelope's errmsg (or the HTTP status).
 */
function call(route, request) {
	var body = { id: "portal", ver: "1.0", ets: Date.now(),
	    params: { msgid: "" } };

	if (request !== undefined)
		body.request = request;
	return fetch(route, {
		method: "POST",
		credentials: "same-origin",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify(body)
	}).then(function (res) {
		return res.json().catch(function () {
			return { params: { status: "failed",
			    errmsg: "HTTP " + res.status } };
		});
	}).then(function (env) {
		if (env.params && env.params.status === "successful")
			return env.result;
		throw new Error(env.params && env.params.errmsg ?
		    env.params.errmsg : "the request failed");
	});
}

function clear(node) {
	while (node.firstChild)
		node.removeChild(node.firstChild);
}

function cell(row, text, cls) {
	var td = el("td", text, cls);

	row.appendChild(td);
	return td;
}

/* Manage Credentials: my requests, and the groups they opened. */
function loadRequests() {
	return call("/v1/portal/access/list").then(function (res) {
		var body = $("requests").tBodies[0], approved = {};

		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr"), td;

			tr.dataset.id = r.id;
			tr.dataset.state = r.state;
			cell(tr, r.id);
			cell(tr, r.groups.join(", "));
			cell(tr, r.notes);
			cell(tr, r.state, "state " + r.state);
			cell(tr, r.reason || "");
			td = cell(tr, "");
			if (r.state === "pending") {
				var b = el("button", "Withdraw");
				b.type = "button";
				b.setAttribute("aria-label", "Withdraw request " +
				    r.id);
				b.addEventListener("click", function () {
					withdraw(r.id);
				});
				td.appendChild(b);
			}
			if (r.state === "approved")
				r.groups.forEach(function (g) {
					approved[g] = true;
				});
			body.appendChild(tr);
		});
		state.approved = Object.keys(approved).sort();
		var ul = $("approved-groups");
		clear(ul);
		state.approved.forEach(function (g) {
			ul.appendChild(el("li", g));
		});
		if (state.approved.length === 0)
			ul.appendChild(el("li", "none approved yet", "muted"));
		$("generate").disabled = state.approved.length === 0;
	});
}

function withdraw(id) {
	call("/v1/portal/access/" + id + "/withdraw").then(function () {
		say("Request " + id + " withdrawn.");
		return loadRequests();
	}).catch(function (e) {
		say(e.message, true);
	});
}

function loadGroups() {
	return call("/v1/portal/groups").then(function (res) {
		var box = $("group-choices");

		clear(box);
		res.groups.forEach(function (g, i) {
			var row = el("div", null, "choice"), id = "group-" + i;
			var cb = el("input"), label = el("label", g.name);
			var d = el("details"), apis = el("ul");

			cb.type = "checkbox";
			cb.id = id;
			cb.value = g.name;
			label.htmlFor = id;
			d.appendChild(el("summary", g.apis.length + " API" +
			    (g.apis.length === 1 ? "" : "s")));
			g.apis.forEach(function (a) {
				apis.appendChild(el("li", a.method + " " + a.path));
			});
			d.appendChild(apis);
			row.appendChild(cb);
			row.appendChild(label);
			row.appendChild(d);
			box.appendChild(row);
		});
	});
}

function sendRequest(ev) {
	var groups = [];

	ev.preventDefault();
	Array.prototype.forEach.call(
	    document.querySelectorAll("#group-choices input:checked"),
	    function (cb) {
		groups.push(cb.value);
	});
	if (groups.length === 0) {
		say("Choose at least one API group.", true);
		return;
	}
	call("/v1/portal/access/request", {
		groups: groups,
		notes: $("request-notes").value,
		email: $("request-email").value
	}).then(function (res) {
		say("Request " + res.request.id + " sent: the approvers are " +
		    "told.");
		$("request-form").hidden = true;
		$("request-form").reset();
		return loadRequests();
	}).catch(function (e) {
		say(e.message, true);
	});
}

/* The key and secret, shown once, until the user says they copied them. */
function showSecret(res) {
	$("shown-key").value = res.key;
	$("shown-secret").value = res.secret;
	$("copied").checked = false;
	$("close-secret").disabled = true;
	$("secret-dialog").hidden = false;
	$("copy-key").focus();
}

function closeSecret() {
	$("shown-key").value = "";
	$("shown-secret").value = "";
	$("secret-dialog").hidden = true;
	$("generate-username").focus();
}

function copy(id) {
	var input = $(id);

	input.select();
	if (navigator.clipboard)
		navigator.clipboard.writeText(input.value).catch(function () {
			document.execCommand("copy");
		});
	else
		document.execCommand("copy");
	say("Copied.");
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
	}).catch(function (e) {
		say(e.message, true);
	});
}

function loadCredentials() {
	return call("/v1/portal/credential/list").then(function (res) {
		var body = $("credentials").tBodies[0];

		clear(body);
		res.credentials.forEach(function (c) {
			var tr = el("tr"), td;

			cell(tr, c.username);
			cell(tr, c.key, "mono");
			cell(tr, c.notes);
			cell(tr, c.revoked ? "revoked" : "active");
			td = cell(tr, "");
			if (!c.revoked) {
				var b = el("button", "Revoke");
				b.type = "button";
				b.setAttribute("aria-label", "Revoke key " + c.key);
				b.addEventListener("click", function () {
					revoke(c.key);
				});
				td.appendChild(b);
			}
			body.appendChild(tr);
		});
	});
}

function revoke(key) {
	call("/v1/portal/credential/" + encodeURIComponent(key) + "/revoke")
	    .then(function () {
		say("Key " + key + " revoked.");
		return loadCredentials();
	}).catch(function (e) {
		say(e.message, true);
	});
}

/* A reason box and a button that acts with its text, in td. */
function reasonButton(td, id, what, label, act) {
	var why = el("input"), lab = el("label", "Reason to " + what, "sr"),
	    b = el("button", label);

	why.id = what + "-reason-" + id;
	why.placeholder = "reason";
	lab.htmlFor = why.id;
	b.type = "button";
	b.setAttribute("aria-label", label + " request " + id);
	b.addEventListener("click", function () {
		act(why.value);
	});
	td.appendChild(lab);
	td.appendChild(why);
	td.appendChild(b);
}

/* Approvals: the approved requests, each to be taken back. */
function loadApproved() {
	return call("/v1/access/list", { state: "approved" }).then(function (res) {
		var body = $("approved").tBodies[0];

		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr");

			tr.dataset.id = r.id;
			cell(tr, r.id);
			cell(tr, r.requester);
			cell(tr, r.groups.join(", "));
			cell(tr, r.decided_by);
			reasonButton(cell(tr, "", "decide"), r.id, "revoke",
			    "Revoke", function (why) {
				decide(r.id, "revoke", { reason: why });
			});
			body.appendChild(tr);
		});
	});
}

/* Approvals: the pending requests, for approvers. */
function loadPending() {
	return call("/v1/access/list", { state: "pending" }).then(function (res) {
		var body = $("pending").tBodies[0];

		state.approver = true;
		$("tab-approvals").hidden = false;
		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr"), td, ok;

			tr.dataset.id = r.id;
			cell(tr, r.id);
			cell(tr, r.requester);
			cell(tr, r.groups.join(", "));
			cell(tr, r.notes);
			td = cell(tr, "", "decide");
			ok = el("button", "Approve");
			ok.type = "button";
			ok.setAttribute("aria-label", "Approve request " + r.id);
			ok.addEventListener("click", function () {
				decide(r.id, "approve", {});
			});
			td.appendChild(ok);
			reasonButton(td, r.id, "reject", "Reject", function (why) {
				decide(r.id, "reject", { reason: why });
			});
			body.appendChild(tr);
		});
		return loadApproved();
	}).catch(function () {
		state.approver = false;	/* not an approver: no such page */
	});
}

function decide(id, how, request) {
	call("/v1/access/" + id + "/" + how, request).then(function (res) {
		say("Request " + id + " " + res.request.state + ".");
		return loadPending();
	}).catch(function (e) {
		say(e.message, true);
	});
}

/* The notifications and their count. */
function loadNotifications() {
	return call("/v1/portal/notification/list").then(function (res) {
		var ul = $("notification-list");

		$("unread").textContent = String(res.unread);
		clear(ul);
		res.notifications.forEach(function (n) {
			var li = el("li", n.text, n.read ? "read" : "unread");

			li.dataset.id = n.id;
			ul.appendChild(li);
		});
		if (res.notifications.length === 0)
			ul.appendChild(el("li", "nothing yet", "muted"));
	});
}

function markRead() {
	var ids = [];

	Array.prototype.forEach.call(
	    document.querySelectorAll("#notification-list li.unread"),
	    function (li) {
		ids.push(Number(li.dataset.id));
	});
	call("/v1/portal/notification/read", { ids: ids.slice(0, 100) })
	    .then(loadNotifications).catch(function (e) {
		say(e.message, true);
	});
}

function show(page) {
	var manage = page === "manage";

	$("manage").hidden = !manage;
	$("approvals").hidden = manage;
	$("tab-manage").setAttribute("aria-selected", String(manage));
	$("tab-approvals").setAttribute("aria-selected", String(!manage));
	if (!manage)
		loadPending();
}

function refresh() {
	return Promise.all([loadRequests(), loadCredentials(),
	    loadNotifications(), loadPending()]).catch(function (e) {
		say(e.message, true);
	});
}

document.addEventListener("DOMContentLoaded", function () {
	$("tab-manage").addEventListener("click", function () {
		show("manage");
	});
	$("tab-approvals").addEventListener("click", function () {
		show("approvals");
	});
	$("bell").addEventListener("click", function () {
		var p = $("notifications");

		p.hidden = !p.hidden;
		$("bell").setAttribute("aria-expanded", String(!p.hidden));
		if (!p.hidden)
			loadNotifications();
	});
	$("mark-read").addEventListener("click", markRead);
	$("open-request").addEventListener("click", function () {
		$("request-form").hidden = false;
		loadGroups().catch(function (e) {
			say(e.message, true);
		});
	});
	$("cancel-request").addEventListener("click", function () {
		$("request-form").hidden = true;
	});
	$("request-form").addEventListener("submit", sendRequest);
	$("generate-form").addEventListener("submit", generate);
	$("copy-key").addEventListener("click", function () {
		copy("shown-key");
	});
	$("copy-secret").addEventListener("click", function () {
		copy("shown-secret");
	});
	$("copied").addEventListener("change", function () {
		$("close-secret").disabled = !$("copied").checked;
	});
	$("close-secret").addEventListener("click", closeSecret);
	refresh();
	/* New notifications show up without a reload. */
	setInterval(loadNotifications, 15000);
});
