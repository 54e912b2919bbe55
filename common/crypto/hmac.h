#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace tap::crypto {

// HMAC-SHA256 (RFC 2104 / RFC 4231). Returns 32 bytes; an empty array only if OpenSSL fails.
QByteArray hmacSha256(QByteArrayView key, QByteArrayView data);

// HMAC-SHA256 under one fixed key, for hot paths: the key's inner and outer pad states are
// computed once, so each MAC costs two SHA-256 continuations (one-shot HMAC() fetches the
// algorithm and allocates a MAC context on every call). Thread-safe; the key is wiped.
class HmacSha256Key
{
public:
    explicit HmacSha256Key(QByteArrayView key);
    ~HmacSha256Key();
    HmacSha256Key(const HmacSha256Key &) = delete;
    HmacSha256Key &operator=(const HmacSha256Key &) = delete;

    QByteArray mac(QByteArrayView data) const; // 32 bytes; empty only if OpenSSL fails

private:
    struct State;
    std::unique_ptr<State> d;
};

// HMAC-SHA1 (RFC 2104), for OAuth 1.0a signatures (RFC 5849 §3.4.2) only. Returns 20 bytes;
// an empty array only if OpenSSL fails.
QByteArray hmacSha1(QByteArrayView key, QByteArrayView data);

// SHA-256 digest (FIPS 180-4).
QByteArray sha256(QByteArrayView data);

} // namespace tap::crypto
