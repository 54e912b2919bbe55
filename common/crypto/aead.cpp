#include "crypto/aead.h"

#include <openssl/evp.h>

#include <memory>

namespace tap::crypto {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char *u8(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}

Error cryptoError()
{
    return Error(ErrorCode::Internal, QStringLiteral("Decryption failed."));
}

// Shared set-up for both directions: cipher, IV length, key and IV, then the AAD.
bool init(EVP_CIPHER_CTX *ctx, bool encrypting, QByteArrayView key, QByteArrayView iv,
          QByteArrayView aad)
{
    if (key.size() != Aead::KeySize || iv.isEmpty())
        return false;
    const int enc = encrypting ? 1 : 0;
    if (EVP_CipherInit_ex2(ctx, EVP_aes_256_gcm(), nullptr, nullptr, enc, nullptr) != 1)
        return false;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, int(iv.size()), nullptr) != 1)
        return false;
    if (EVP_CipherInit_ex2(ctx, nullptr, u8(key), u8(iv), enc, nullptr) != 1)
        return false;
    int len = 0;
    return aad.isEmpty() || EVP_CipherUpdate(ctx, nullptr, &len, u8(aad), int(aad.size())) == 1;
}

} // namespace

Result<QByteArray> Aead::encrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext,
                                 QByteArrayView aad, QByteArray *tag)
{
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx || !init(ctx.get(), true, key, iv, aad))
        return Error(ErrorCode::Internal, QStringLiteral("Encryption failed."));
    QByteArray out(plaintext.size() + 16, Qt::Uninitialized);
    int len = 0;
    int total = 0;
    if (!plaintext.isEmpty()) {
        if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                             u8(plaintext), int(plaintext.size()))
            != 1)
            return Error(ErrorCode::Internal, QStringLiteral("Encryption failed."));
        total = len;
    }
    if (EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total, &len)
        != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Encryption failed."));
    total += len;
    out.truncate(total);
    QByteArray t(TagSize, Qt::Uninitialized);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, TagSize, t.data()) != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Encryption failed."));
    *tag = t;
    return out;
}

Result<QByteArray> Aead::decrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView ciphertext,
                                 QByteArrayView aad, QByteArrayView tag)
{
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx || tag.size() != TagSize || !init(ctx.get(), false, key, iv, aad))
        return cryptoError();
    QByteArray out(ciphertext.size() + 16, Qt::Uninitialized);
    int len = 0;
    int total = 0;
    if (!ciphertext.isEmpty()) {
        if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                             u8(ciphertext), int(ciphertext.size()))
            != 1) {
            core::wipe(out);
            return cryptoError();
        }
        total = len;
    }
    QByteArray tagCopy(tag.data(), tag.size());
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tagCopy.data()) != 1
        || EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total,
                              &len)
                != 1) {
        core::wipe(out); // the tag did not verify: release nothing
        return cryptoError();
    }
    out.truncate(total + len);
    return out;
}

Result<QByteArray> Aead::seal(const core::SecretBytes &key, QByteArrayView plaintext,
                              QByteArrayView aad, core::Random &random)
{
    const QByteArray nonce = random.bytes(NonceSize);
    QByteArray tag;
    auto ct = encrypt(key.view(), nonce, plaintext, aad, &tag);
    if (!ct)
        return ct.error();
    QByteArray out;
    out.reserve(1 + NonceSize + ct->size() + TagSize);
    out.append(FormatVersion).append(nonce).append(*ct).append(tag);
    return out;
}

Result<core::SecretBytes> Aead::open(const core::SecretBytes &key, QByteArrayView sealed,
                                     QByteArrayView aad)
{
    if (sealed.size() < 1 + NonceSize + TagSize || sealed.at(0) != FormatVersion)
        return cryptoError();
    const QByteArrayView nonce = sealed.sliced(1, NonceSize);
    const QByteArrayView ct = sealed.sliced(1 + NonceSize, sealed.size() - 1 - NonceSize - TagSize);
    const QByteArrayView tag = sealed.last(TagSize);
    auto pt = decrypt(key.view(), nonce, ct, aad, tag);
    if (!pt)
        return pt.error();
    return core::SecretBytes::adopt(std::move(pt.value()));
}

} // namespace tap::crypto
