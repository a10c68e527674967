/* SPDX-License-Identifier: ISC */
/*
 * The approvers' desk: the requests waiting for a decision, and the
 * decisions made, an approval there to be taken back.  Only an
 * approver's page ever calls these routes.
 */
"use strict";

function requesterCell(tr, r) {
	var td = cell(tr, "Requester", "");

	td.appendChild(el("span", r.requester, "user"));
	if (r.mail || r.email) {
		var a = el("a", r.mail || r.email, "mail");

		a.href = "mailto:" + encodeURIComponent(r.mail || r.email)
		    .replace(/%40/g, "@");
		td.appendChild(el("br"));
		td.appendChild(a);
	}
}

function requestCell(tr, r) {
	var td = cell(tr, "Request", "#" + r.id);

	td.appendChild(el("br"));
	td.appendChild(when(r.created_at));
}

/*
 * A reason box and the button that acts with it, in a box of their
 * own: the reason goes with that button only.
 */
function withReason(td, id, what, label, act) {
	var box = el("div", null, "withreason"), why = el("input"),
	    lab = el("label", "Reason to " + what.toLowerCase()),
	    b = el("button", label, "danger");

	why.id = what.toLowerCase() + "-reason-" + id;
	why.maxLength = 1024;
	lab.htmlFor = why.id;
	b.type = "button";
	b.setAttribute("aria-label", label + " request " + id);
	b.addEventListener("click", function () {
		/* Asked here, so that a missing reason costs no refused call. */
		if (why.value.trim() === "") {
			say("Say why: " + what.toLowerCase() + " needs a reason.",
			    true);
			why.focus();
			return;
		}
		act(why.value);
	});
	box.appendChild(lab);
	box.appendChild(why);
	box.appendChild(b);
	td.appendChild(box);
}

function loadPending() {
	return call("/v1/access/list", { state: "pending" }).then(function (res) {
		var body = $("pending").tBodies[0];

		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr"), td, ok;

			tr.dataset.id = r.id;
			requestCell(tr, r);
			requesterCell(tr, r);
			groupsCell(cell(tr, "Groups", ""), r.groups, r.apis);
			cell(tr, "Notes", r.notes);
			td = cell(tr, "Decision", "", "decide");
			ok = button("Approve", "approve", function () {
				decide(r.id, "approve", {});
			});
			ok.setAttribute("aria-label", "Approve request " + r.id);
			td.appendChild(ok);
			withReason(td, r.id, "Reject", "Reject", function (why) {
				decide(r.id, "reject", { reason: why });
			});
			body.appendChild(tr);
		});
		if (res.requests.length === 0)
			emptyRow(body, "Nothing waiting.");
		if (portal.me !== null)
			portal.me.pending = res.requests.length;
		showCounts(Number($("unread").textContent),
		    res.requests.length);
	});
}

function loadHistory() {
	return call("/v1/access/list", { state: "decided" }).then(function (res) {
		var body = $("history").tBodies[0];

		clear(body);
		res.requests.forEach(function (r) {
			var tr = el("tr"), td;

			tr.dataset.id = r.id;
			tr.dataset.state = r.state;
			requestCell(tr, r);
			requesterCell(tr, r);
			groupsCell(cell(tr, "Groups", ""), r.groups, r.apis);
			td = cell(tr, "Decision", r.state, "state " + r.state);
			td.appendChild(el("br"));
			td.appendChild(el("span", "by " + (r.state === "revoked" &&
			    r.revoked_by ? r.revoked_by : r.decided_by || "") +
			    " ", "muted"));
			td.appendChild(when(r.state === "revoked" &&
			    r.revoked_at ? r.revoked_at : r.decided_at));
			cell(tr, "Reason", r.reason || "");
			td = cell(tr, "Actions", "", "decide");
			if (r.state === "approved")
				withReason(td, r.id, "Take back", "Take back",
				    function (why) {
					decide(r.id, "revoke", { reason: why });
				});
			body.appendChild(tr);
		});
		if (res.requests.length === 0)
			emptyRow(body, "No decision yet.");
	});
}

function loadDesk() {
	return Promise.all([loadPending(), loadHistory()]);
}

/* A decision; the server clears the approver's notification of it. */
function decide(id, how, request) {
	call("/v1/access/" + id + "/" + how, request).then(function (res) {
		say("Request " + id + " " + res.request.state + ".");
		return Promise.all([loadDesk(), loadNotifications()]);
	}).catch(failed);
}
