// SPDX-License-Identifier: ISC
// Keys and tokens made by node's jose (Debian's node-jose), for
// tests/e2e/clients.py: for RS256, ES256 and EdDSA, a key pair's public
// JWK, its RFC 7638 thumbprint, a token signed with it and one signed
// with another key, both naming the thumbprint; as one JSON array.
'use strict';

const jose = require('jose');

async function one(alg) {
	const opts = alg === 'EdDSA' ? { crv: 'Ed25519' } : {};
	const pair = await jose.generateKeyPair(alg, opts);
	const other = await jose.generateKeyPair(alg, opts);
	const jwk = await jose.exportJWK(pair.publicKey);
	const thumb = await jose.calculateJwkThumbprint(jwk, 'sha256');
	const sign = (key) => new jose.SignJWT({})
	    .setProtectedHeader({ alg: alg, kid: thumb })
	    .setIssuer(thumb).setIssuedAt().setExpirationTime('5m')
	    .sign(key);
	return { alg: alg, jwk: jwk, thumb: thumb,
	    token: await sign(pair.privateKey),
	    other: await sign(other.privateKey) };
}

Promise.all(['RS256', 'ES256', 'EdDSA'].map(one)).then((out) => {
	process.stdout.write(JSON.stringify(out) + '\n');
}, (e) => {
	process.stderr.write('jose: ' + e + '\n');
	process.exit(1);
});
