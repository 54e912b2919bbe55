#pragma once

#include "core/result.h"
#include "signing/requestparts.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>

namespace tap::signing {

// AWS Signature Version 4 (header form). Pure: the time comes from the caller.

struct SigV4Key
{
    QByteArray accessKeyId;
    QByteArray secretKey;
    QByteArray sessionToken; // temporary credentials only; sent and signed as X-Amz-Security-Token
    QByteArray region; // us-east-1
    QByteArray service; // s3, execute-api, ...
};

// How the canonical URI is written. AWS services other than S3 normalise the path (no empty
// segments) and URI-encode each segment twice; S3 encodes once and keeps the path as it is.
enum class SigV4Path { Double, Single };

inline SigV4Path pathRuleFor(const QByteArray &service)
{
    return service == "s3" ? SigV4Path::Single : SigV4Path::Double;
}

struct SigV4Request
{
    QByteArray method;
    QByteArray url; // absolute, exactly as sent
    // The headers to sign, as sent (Host is taken from the URL when absent). X-Amz-Date and,
    // with a session token, X-Amz-Security-Token are added by signSigV4.
    QList<Param> headers;
    // Lower-case hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" (a streamed upload whose
    // hash cannot be known before it is sent).
    QByteArray payloadHash;
    // Also send and sign X-Amz-Content-Sha256 (S3 requires it).
    bool contentSha256Header = false;
};

struct SigV4Signature
{
    QByteArray canonicalRequest;
    QByteArray stringToSign;
    QByteArray signature; // lower-case hex
    // What to add to the request: Authorization, X-Amz-Date, and X-Amz-Security-Token /
    // X-Amz-Content-Sha256 when they apply.
    QList<Param> addHeaders;
};

// The SHA-256 of an empty body, the payload hash of every request without one.
inline constexpr char kEmptyPayloadHash[] =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Errors: InvalidRequest for a URL or query that cannot be decoded, or a header value with
// control characters; Internal if hashing fails.
[[nodiscard]] core::Result<SigV4Signature>
signSigV4(const SigV4Key &key, const SigV4Request &request, const QDateTime &at, SigV4Path rule);

// The canonical URI of a path as sent (exposed for tests).
[[nodiscard]] core::Result<QByteArray> sigv4CanonicalUri(QByteArrayView path, SigV4Path rule);
// The canonical query string of a query as sent (exposed for tests).
[[nodiscard]] core::Result<QByteArray> sigv4CanonicalQuery(QByteArrayView query);

} // namespace tap::signing
