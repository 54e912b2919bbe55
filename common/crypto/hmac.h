#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tap::crypto {

// HMAC-SHA256 (RFC 2104 / RFC 4231). Returns 32 bytes; an empty array only if OpenSSL fails.
QByteArray hmacSha256(QByteArrayView key, QByteArrayView data);

// SHA-256 digest (FIPS 180-4).
QByteArray sha256(QByteArrayView data);

} // namespace tap::crypto
