#pragma once

#include "core/result.h"
#include "signing/requestparts.h"

#include <QByteArray>

namespace tap::signing {

// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1; what Twitter/X's v1.1 and v2 user-context
// APIs accept). Pure: the nonce and timestamp come from the caller.

struct OAuth1Keys
{
    QByteArray consumerKey;
    QByteArray consumerSecret;
    QByteArray token; // empty for a request signed with the client credentials only
    QByteArray tokenSecret;
};

struct OAuth1Request
{
    QByteArray method; // upper-cased for the signature
    QByteArray url; // absolute, exactly as sent
    // The body when its Content-Type is application/x-www-form-urlencoded (RFC 5849 §3.4.1.3.1:
    // its parameters are signed), else empty.
    QByteArray formBody;
};

struct OAuth1Stamp
{
    QByteArray nonce; // unique per request (freshNonce())
    QByteArray timestamp; // seconds since the epoch, decimal
    bool withVersion = true; // oauth_version="1.0" (optional in RFC 5849; Twitter/X sends it)
    QByteArray realm; // optional, never signed
};

struct OAuth1Signature
{
    QByteArray baseString; // RFC 5849 §3.4.1
    QByteArray signature; // base64 of the HMAC-SHA1
    QByteArray authorization; // the Authorization header's value: OAuth ...
};

// The signature base string: METHOD & encoded base URI & encoded normalised parameters (the
// query's, the form body's and the oauth_* protocol parameters, sorted by encoded name, then
// value). Errors: InvalidRequest for a URL or parameters that cannot be decoded.
[[nodiscard]] core::Result<OAuth1Signature>
signOAuth1(const OAuth1Keys &keys, const OAuth1Request &request, const OAuth1Stamp &stamp);

// RFC 5849 §3.4.1.2 base string URI: scheme and host in lower case, the default port dropped,
// the path as sent, no query.
QByteArray oauthBaseUri(const UrlParts &url);

} // namespace tap::signing
