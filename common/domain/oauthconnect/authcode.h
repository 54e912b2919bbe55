#pragma once

#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"

#include <QStringList>
#include <QUrl>

// The authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636) as tapd's per-agent
// connect uses it (README "Connecting an OAuth 2.0 credential"): pure functions over values,
// no sockets, no SQL. The caller stores the state (hashed) and the verifier (sealed).
namespace tap::oauthconnect {

// How long a connect state may be used (issue #16: 10 minutes).
inline constexpr qint64 kStateLifetimeMs = 10 * 60 * 1000;

// 32 random bytes, base64url without padding: 43 characters (RFC 7636 §4.1 allows 43..128 of
// the unreserved set; the same shape serves as `state`).
QByteArray newCodeVerifier(core::Random &random);
QByteArray newState(core::Random &random);
// Whether `text` has the shape newState() produces (so nothing else reaches the database).
bool isStateShape(QStringView text);
// RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
QByteArray codeChallengeS256(QByteArrayView verifier);

struct AuthorizationRequest
{
    QUrl authorizeUrl;
    QString clientId;
    QString redirectUri;
    QStringList scopes; // joined with spaces (RFC 6749 §3.3); absent when empty
    QString state;
    QString codeChallenge;
};
// authorize_url (its own query kept) + response_type=code, client_id, redirect_uri, scope,
// state, code_challenge, code_challenge_method=S256, each percent-encoded.
QUrl authorizationUrl(const AuthorizationRequest &request);

// <public base URL>/oauth/callback (a path prefix of the base is kept; query and fragment
// dropped).
QString callbackUrl(const QUrl &publicBase);

// RFC 6749 §4.1.3 with RFC 7636 §4.5: the form body of the code exchange. The client
// authenticates with client_id and client_secret in the body (RFC 6749 §2.3.1), the method
// every provider we target accepts.
core::SecretBytes tokenRequestBody(const QString &code, const QString &redirectUri,
                                   QByteArrayView codeVerifier, const QString &clientId,
                                   const core::SecretBytes &clientSecret);

// What the token endpoint answered (RFC 6749 §5.1 / §5.2).
struct TokenAnswer
{
    core::SecretBytes accessToken;
    core::SecretBytes refreshToken; // empty when the provider sent none
    qint64 expiresInS = -1; // -1: not stated
};
// 200 with a JSON object carrying access_token → the answer. A §5.2 error object → an error
// (UpstreamError) whose message names the provider's error code (e.g. "invalid_grant") if it
// is a registered one, never its description. Anything else → UpstreamError.
core::Result<TokenAnswer> parseTokenResponse(int status, const QByteArray &body);

// The provider's `error` parameter on the redirect or the token endpoint: the
// registered codes (RFC 6749 §4.1.2.1, §5.2) are kept, anything else becomes "error" (a
// provider's free text is never reflected onto a page).
QString providerErrorCode(const QString &error);

} // namespace tap::oauthconnect
