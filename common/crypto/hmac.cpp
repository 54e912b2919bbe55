#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace tap::crypto {

QByteArray hmacSha256(QByteArrayView key, QByteArrayView data)
{
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    // One-shot HMAC() is the non-deprecated OpenSSL 3 convenience wrapper over EVP_MAC.
    static const unsigned char empty = 0;
    const auto *k = key.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(key.data());
    const auto *d = data.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(data.data());
    if (!HMAC(EVP_sha256(), k, int(key.size()), d, size_t(data.size()),
              reinterpret_cast<unsigned char *>(out.data()), &len)
        || len != 32)
        return {};
    return out;
}

QByteArray sha256(QByteArrayView data)
{
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), size_t(data.size()), reinterpret_cast<unsigned char *>(out.data()),
                   &len, EVP_sha256(), nullptr)
                != 1
        || len != 32)
        return {};
    return out;
}

} // namespace tap::crypto
