#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <cstring>
#include <utility>

namespace tap::crypto {

namespace {

QByteArray oneShotHmac(const EVP_MD *md, int size, QByteArrayView key, QByteArrayView data)
{
    QByteArray out(size, Qt::Uninitialized);
    unsigned int len = 0;
    // One-shot HMAC() is the non-deprecated OpenSSL 3 convenience wrapper over EVP_MAC.
    static const unsigned char empty = 0;
    const auto *k = key.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(key.data());
    const auto *d = data.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(data.data());
    if (!HMAC(md, k, int(key.size()), d, size_t(data.size()),
              reinterpret_cast<unsigned char *>(out.data()), &len)
        || len != unsigned(size))
        return {};
    return out;
}

} // namespace

QByteArray hmacSha256(QByteArrayView key, QByteArrayView data)
{
    return oneShotHmac(EVP_sha256(), 32, key, data);
}

QByteArray hmacSha1(QByteArrayView key, QByteArrayView data)
{
    return oneShotHmac(EVP_sha1(), 20, key, data);
}

struct HmacSha256Key::State
{
    EVP_MD *md = nullptr;
    EVP_MD_CTX *inner = nullptr; // after absorbing key ^ ipad
    EVP_MD_CTX *outer = nullptr; // after absorbing key ^ opad
    ~State()
    {
        EVP_MD_CTX_free(inner);
        EVP_MD_CTX_free(outer);
        EVP_MD_free(md);
    }
};

HmacSha256Key::HmacSha256Key(QByteArrayView key) : d(std::make_unique<State>())
{
    constexpr int kBlock = 64;
    unsigned char block[kBlock] = {};
    if (key.size() > kBlock) {
        const QByteArray digest = sha256(key);
        std::memcpy(block, digest.constData(), size_t(digest.size()));
    } else if (!key.isEmpty()) {
        std::memcpy(block, key.data(), size_t(key.size()));
    }
    unsigned char ipad[kBlock];
    unsigned char opad[kBlock];
    for (int i = 0; i < kBlock; ++i) {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    d->md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    d->inner = EVP_MD_CTX_new();
    d->outer = EVP_MD_CTX_new();
    const bool ok = d->md && d->inner && d->outer && EVP_DigestInit_ex2(d->inner, d->md, nullptr)
            && EVP_DigestUpdate(d->inner, ipad, kBlock)
            && EVP_DigestInit_ex2(d->outer, d->md, nullptr)
            && EVP_DigestUpdate(d->outer, opad, kBlock);
    OPENSSL_cleanse(block, kBlock);
    OPENSSL_cleanse(ipad, kBlock);
    OPENSSL_cleanse(opad, kBlock);
    if (!ok) {
        EVP_MD_CTX_free(std::exchange(d->inner, nullptr));
        EVP_MD_CTX_free(std::exchange(d->outer, nullptr));
    }
}

HmacSha256Key::~HmacSha256Key() = default;

QByteArray HmacSha256Key::mac(QByteArrayView data) const
{
    if (!d->inner)
        return {};
    struct Ctx
    {
        EVP_MD_CTX *c = EVP_MD_CTX_new();
        ~Ctx() { EVP_MD_CTX_free(c); }
    };
    thread_local Ctx ctx;
    unsigned char innerDigest[32];
    unsigned int len = 0;
    QByteArray out(32, Qt::Uninitialized);
    if (!ctx.c || !EVP_MD_CTX_copy_ex(ctx.c, d->inner)
        || !EVP_DigestUpdate(ctx.c, data.data(), size_t(data.size()))
        || !EVP_DigestFinal_ex(ctx.c, innerDigest, &len) || len != 32
        || !EVP_MD_CTX_copy_ex(ctx.c, d->outer) || !EVP_DigestUpdate(ctx.c, innerDigest, 32)
        || !EVP_DigestFinal_ex(ctx.c, reinterpret_cast<unsigned char *>(out.data()), &len)
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
