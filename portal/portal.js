/* SPDX-License-Identifier: ISC */
/*
 * The portal's pages: plain JavaScript, no library, no other site.  It
 * speaks JSON to the portal's routes of adminutil, on this same origin
 * (the browser signs in with the web server).  What people typed is
 * only ever put in the page as text (textContent), never as markup.
 *
 * This file holds what every view shares: the calls, who is signed
 * in, the views and the notifications.  requests.js, credentials.js
 * and desk.js hold the views.
 */
"use strict";

/*
 * me: the answer of /v1/portal/me, asked once at load (the approvals'
 * count then follows the desk's list, the unread one the notifications).  groups: name -> group of
 * /v1/portal/groups, so that every list of groups can show their APIs.
 */
var portal = { me: null, groups: {}, groupList: [], approved: [],
    view: null };

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

function failed(e) {
	say(e.message, true);
}

/*
 * POSTs the envelope of request to route; resolves with the result,
 * rejects with the envelope's errmsg (or the HTTP status).  The URL is
 * built from location.origin: a page opened as http://user:pw@host/
 * has those credentials in its own URL, and fetch refuses a URL that
 * holds credentials, so a relative one would fail there.
 */
function call(route, request) {
	var body = { id: "portal", ver: "1.0", ets: Date.now(),
	    params: { msgid: "" } };

	if (request !== undefined)
		body.request = request;
	return fetch(location.origin + route, {
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

/* A cell; label names its column where narrow screens show rows as cards. */
function cell(row, label, text, cls) {
	var td = el("td", text, cls);

	td.dataset.label = label;
	row.appendChild(td);
	return td;
}

/* "Nothing yet" in an empty table, across its columns. */
function emptyRow(body, text) {
	var tr = el("tr", null, "empty"), td = el("td", text, "muted");

	td.colSpan = body.parentNode.tHead.rows[0].cells.length;
	tr.appendChild(td);
	body.appendChild(tr);
}

function button(text, cls, act) {
	var b = el("button", text, cls);

	b.type = "button";
	b.addEventListener("click", act);
	return b;
}

function isApprover() {
	return portal.me !== null && portal.me.roles.indexOf("approver") !== -1;
}

/* A date of epoch milliseconds, as a <time>. */
function when(ms) {
	var t = el("time");

	if (ms === null || ms === undefined || ms === 0)
		return el("span", "", "muted");
	t.dateTime = new Date(ms).toISOString();
	t.textContent = new Date(ms).toLocaleString(undefined, {
	    dateStyle: "medium", timeStyle: "short" });
	return t;
}

/* A request's groups are names or {name, apis}: the name. */
function groupName(g) {
	return typeof g === "string" ? g : g.name;
}

/*
 * The APIs of a group: from the request's own map (an approver's list
 * has {group: [{method, path}]}), else the group's, else the offered
 * list's.
 */
function groupApis(g, map) {
	var name = groupName(g);

	if (map && Array.isArray(map[name]))
		return map[name];
	if (typeof g !== "string" && Array.isArray(g.apis))
		return g.apis;
	return portal.groups[name] ? portal.groups[name].apis : [];
}

function groupDescription(g) {
	var o = portal.groups[groupName(g)];

	if (typeof g !== "string" && g.description)
		return g.description;
	return o && o.description ? o.description : null;
}

/* A list of APIs: "METHOD /path", a method of * reading "any". */
function apiList(apis) {
	var ul = el("ul", null, "apis");

	apis.forEach(function (a) {
		var li = el("li"), m = el("span",
		    a.method === "*" ? "any" : a.method, "method");

		li.appendChild(m);
		li.appendChild(document.createTextNode(" "));
		li.appendChild(el("code", a.path));
		ul.appendChild(li);
	});
	return ul;
}

/* A group, its description, and its APIs behind an expander. */
function groupBlock(g, map) {
	var div = el("div", null, "group"), d = el("details"),
	    apis = groupApis(g, map), desc = groupDescription(g);

	d.appendChild(el("summary", groupName(g) + " (" + apis.length +
	    " API" + (apis.length === 1 ? "" : "s") + ")"));
	if (desc !== null)
		d.appendChild(el("p", desc, "desc"));
	d.appendChild(apiList(apis));
	div.appendChild(d);
	return div;
}

function groupsCell(td, groups, map) {
	groups.forEach(function (g) {
		td.appendChild(groupBlock(g, map));
	});
}

/* Who is signed in, and what they may use. */
function showMe(me) {
	var logo = $("logo");

	portal.me = me;
	$("who-user").textContent = me.user +
	    (isApprover() ? " (approver)" : "");
	if (me.product && me.product.name) {
		$("product").textContent = me.product.name;
		document.title = me.product.name;
	}
	if (me.product && me.product.logo_url) {
		logo.src = me.product.logo_url;
		logo.hidden = false;
	}
	$("tab-approvals").hidden = !isApprover();
	showCounts(me.unread, me.pending);
}

/* The unread count, quiet at 0. */
function showUnread(n) {
	$("unread").textContent = String(n);
	$("unread").className = n > 0 ? "count" : "count zero";
}

function showCounts(unread, pending) {
	var pc = $("pending-count");

	showUnread(unread);
	pc.textContent = String(pending || 0);
	pc.hidden = !pending;
	$("tab-approvals").setAttribute("aria-label", "Approvals" +
	    (pending ? ", " + pending + " waiting" : ""));
}

var views = {
	requests: function () {
		return loadRequests();
	},
	credentials: function () {
		return Promise.all([loadRequests(), loadCredentials()]);
	},
	approvals: function () {
		return loadDesk();
	}
};

/*
 * The view the URL's anchor names (mails link #approvals, #credentials,
 * #requests), else the approvals when some wait, else the credentials
 * once a group is approved, else requesting access.
 */
function landing() {
	var h = location.hash.replace(/^#/, "");

	if (h === "approvals" && isApprover())
		return h;
	if (h === "requests" || h === "credentials")
		return h;
	if (isApprover() && portal.me.pending > 0)
		return "approvals";
	return portal.approved.length > 0 ? "credentials" : "requests";
}

function show(view) {
	portal.view = view;
	Object.keys(views).forEach(function (v) {
		$("view-" + v).hidden = v !== view;
		if (v === view)
			$("tab-" + v).setAttribute("aria-current", "page");
		else
			$("tab-" + v).removeAttribute("aria-current");
	});
	return views[view]().catch(failed);
}

function go() {
	var v = landing();

	if (location.hash !== "#" + v)
		history.replaceState(null, "", "#" + v);
	return show(v);
}

/* The notifications and their count. */
function loadNotifications() {
	return call("/v1/portal/notification/list").then(function (res) {
		var ul = $("notification-list");

		showUnread(res.unread);
		clear(ul);
		res.notifications.forEach(function (n) {
			var li = el("li", n.text, n.read ? "read" : "unread");

			li.dataset.id = n.id;
			ul.appendChild(li);
		});
		if (res.notifications.length === 0)
			ul.appendChild(el("li", "Nothing yet.", "muted"));
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
	    .then(loadNotifications).catch(failed);
}

/*
 * Signing out.  Behind the web server's Basic sign-in the browser keeps
 * the password until all of its windows close, and no page can make it
 * forget it for sure; what a page can do is forget all it holds and
 * leave.  So: the page's state is dropped and the browser goes to
 * signed-out.html, which the web server serves without a sign-in and
 * which says the rest.  Behind single sign-on, that page is where the
 * proxy's own sign-out is linked.
 */
function signOut() {
	portal.me = null;
	portal.groups = {};
	document.body.hidden = true;
	location.replace(location.origin + "/signed-out.html");
}

document.addEventListener("DOMContentLoaded", function () {
	$("bell").addEventListener("click", function () {
		var p = $("notifications");

		p.hidden = !p.hidden;
		$("bell").setAttribute("aria-expanded", String(!p.hidden));
		if (!p.hidden)
			loadNotifications().catch(failed);
	});
	$("mark-read").addEventListener("click", markRead);
	$("sign-out").addEventListener("click", signOut);
	window.addEventListener("hashchange", function () {
		var v = location.hash.replace(/^#/, "");

		if (views[v] && (v !== "approvals" || isApprover()))
			show(v);
	});
	call("/v1/portal/me").then(function (me) {
		showMe(me);
		return Promise.all([loadGroups(), loadRequests()]);
	}).then(function () {
		$("loading").hidden = true;
		return go();
	}).catch(failed);
	/* New notifications show up without a reload. */
	setInterval(function () {
		if (portal.me !== null)
			loadNotifications().catch(function () {});
	}, 15000);
});
