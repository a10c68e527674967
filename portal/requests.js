/* SPDX-License-Identifier: ISC */
/*
 * Request access: the groups one may ask for, found by name,
 * description or API, and the developer's own requests.
 */
"use strict";

/*
 * The family of a group: the first word of its camelCase name
 * ("contentAdmin" is of "content"), what the list is grouped by.
 */
function family(name) {
	var m = /^[a-z0-9]+/.exec(name);

	return m ? m[0] : name;
}

function groupChoice(g, i) {
	var row = el("div", null, "choice"), id = "group-" + i,
	    cb = el("input"), label = el("label", g.name), d = el("details"),
	    desc = el("p", g.description || "No description.",
	    g.description ? "desc" : "desc muted");

	cb.type = "checkbox";
	cb.id = id;
	cb.value = g.name;
	label.htmlFor = id;
	desc.id = id + "-desc";
	cb.setAttribute("aria-describedby", desc.id);
	d.appendChild(el("summary", g.apis.length + " API" +
	    (g.apis.length === 1 ? "" : "s")));
	d.appendChild(apiList(g.apis));
	row.appendChild(cb);
	row.appendChild(label);
	row.appendChild(desc);
	row.appendChild(d);
	/* What the filter searches: name, description, the APIs' paths. */
	row.dataset.search = [g.name, g.description || ""].concat(
	    g.apis.map(function (a) {
		return a.path;
	})).join(" ").toLowerCase();
	return row;
}

function loadGroups() {
	return call("/v1/portal/groups").then(function (res) {
		var box = $("group-choices"), fams = {}, order = [];

		portal.groups = {};
		portal.groupList = res.groups;
		clear(box);
		res.groups.forEach(function (g) {
			var f = family(g.name);

			portal.groups[g.name] = g;
			if (!fams[f]) {
				fams[f] = [];
				order.push(f);
			}
			fams[f].push(g);
		});
		order.sort().forEach(function (f, i) {
			var fs = el("fieldset", null, "family"),
			    lg = el("legend", f);

			fs.appendChild(lg);
			fams[f].forEach(function (g, j) {
				fs.appendChild(groupChoice(g, i + "-" + j));
			});
			box.appendChild(fs);
		});
		if (res.groups.length === 0)
			box.appendChild(el("p", "No API group is offered.",
			    "muted"));
		filterGroups();
	});
}

/* Shows the groups whose name, description or APIs hold every word typed. */
function filterGroups() {
	var words = $("group-filter").value.toLowerCase().split(/\s+/)
	    .filter(Boolean), shown = 0;

	Array.prototype.forEach.call(document.querySelectorAll(
	    "#group-choices fieldset"), function (fs) {
		var any = false;

		Array.prototype.forEach.call(fs.querySelectorAll(".choice"),
		    function (row) {
			var ok = words.every(function (w) {
				return row.dataset.search.indexOf(w) !== -1;
			});

			/* A chosen group stays in sight. */
			ok = ok || row.querySelector("input").checked;
			row.hidden = !ok;
			if (ok) {
				any = true;
				shown++;
			}
		});
		fs.hidden = !any;
	});
	$("group-found").textContent = words.length === 0 ?
	    portal.groupList.length + " groups" :
	    shown + " of " + portal.groupList.length + " groups match";
}

function chosenGroups() {
	return Array.prototype.map.call(
	    document.querySelectorAll("#group-choices input:checked"),
	    function (cb) {
		return cb.value;
	});
}

/* What will be asked for, before it is sent. */
function summarise() {
	var ul = $("summary-list"), chosen = chosenGroups();

	clear(ul);
	chosen.forEach(function (name) {
		var g = portal.groups[name], n = g ? g.apis.length : 0;

		ul.appendChild(el("li", name + ": " + n + " API" +
		    (n === 1 ? "" : "s")));
	});
	$("summary-none").hidden = chosen.length > 0;
	$("submit-request").textContent = chosen.length === 0 ?
	    "Send the request" : "Ask for " + chosen.length + " group" +
	    (chosen.length === 1 ? "" : "s");
}

function sendRequest(ev) {
	var groups = chosenGroups();

	ev.preventDefault();
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
		$("request-form").reset();
		return loadRequests();
	}).catch(failed);
}

/* My requests, and the groups they opened. */
function loadRequests() {
	return call("/v1/portal/access/list").then(function (res) {
		var body = $("requests").tBodies[0], approved = {};

		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr"), td;

			tr.dataset.id = r.id;
			tr.dataset.state = r.state;
			td = cell(tr, "Request", "#" + r.id + " ");
			td.appendChild(when(r.created_at));
			groupsCell(cell(tr, "Groups", ""), r.groups);
			cell(tr, "Notes", r.notes);
			cell(tr, "State", r.state, "state " + r.state);
			td = cell(tr, "Decision", r.reason || "");
			if (r.decided_by) {
				td.appendChild(el("span", (r.reason ? "; " :
				    "") + "by " + r.decided_by + " ", "muted"));
				td.appendChild(when(r.decided_at));
			}
			td = cell(tr, "Actions", "");
			if (r.state === "pending") {
				var b = button("Withdraw", "quiet", function () {
					withdraw(r.id);
				});
				b.setAttribute("aria-label", "Withdraw request " +
				    r.id);
				td.appendChild(b);
			}
			if (r.state === "approved")
				r.groups.forEach(function (g) {
					approved[groupName(g)] = true;
				});
			body.appendChild(tr);
		});
		if (res.requests.length === 0)
			emptyRow(body, "Nothing yet: choose groups above and " +
			    "send a request.");
		portal.approved = Object.keys(approved).sort();
		showApproved();
	});
}

function withdraw(id) {
	call("/v1/portal/access/" + id + "/withdraw").then(function () {
		say("Request " + id + " withdrawn.");
		return loadRequests();
	}).catch(failed);
}

document.addEventListener("DOMContentLoaded", function () {
	$("group-filter").addEventListener("input", filterGroups);
	$("group-choices").addEventListener("change", function () {
		summarise();
	});
	$("request-form").addEventListener("submit", sendRequest);
	$("request-form").addEventListener("reset", function () {
		setTimeout(function () {
			summarise();
			filterGroups();
		}, 0);
	});
	/* Enter in the filter finds, it does not send the request. */
	$("group-filter").addEventListener("keydown", function (ev) {
		if (ev.key === "Enter")
			ev.preventDefault();
	});
});
