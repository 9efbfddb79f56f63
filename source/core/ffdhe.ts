// The RFC 7919 ffdhe2048 group, as `openssl genpkey -genparam -algorithm DH -pkeyopt
// group:ffdhe2048` writes it: a named group whose prime is safe ((p-1)/2 is prime), which TLS
// clients and scanners (nmap's ssl-dh-params) know by name. No imports: the settings registry
// reads it at load time.

/** The group's PEM file, as written beside the certificate (tlsDhParameters). */
export const FFDHE2048_PEM = [
	'-----BEGIN DH PARAMETERS-----',
	'MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz',
	'+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a',
	'87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7',
	'YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi',
	'7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD',
	'ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==',
	'-----END DH PARAMETERS-----',
	'',
].join('\n');
