#pragma once

#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"

namespace tap::crypto {

// AES-256-GCM (NIST SP 800-38D) with associated data.
//
// seal() produces a self-describing blob: version byte 0x01 ‖ 96-bit random nonce ‖ ciphertext ‖
// 128-bit tag. The associated data is not stored: the caller must supply the same bytes to open(),
// which is how a ciphertext is bound to its row (see KeyRing::credentialAad()).
// open() fails with one generic error for a wrong key, wrong AAD, a flipped bit or a short blob;
// it never returns partial plaintext.
class Aead
{
public:
    static constexpr int KeySize = 32;
    static constexpr int NonceSize = 12;
    static constexpr int TagSize = 16;
    static constexpr char FormatVersion = 0x01;

    static core::Result<QByteArray> seal(const core::SecretBytes &key, QByteArrayView plaintext,
                                         QByteArrayView aad, core::Random &random);
    static core::Result<core::SecretBytes> open(const core::SecretBytes &key, QByteArrayView sealed,
                                                QByteArrayView aad);

    // Raw GCM for published test vectors: any IV length, tag returned separately.
    static core::Result<QByteArray> encrypt(QByteArrayView key, QByteArrayView iv,
                                            QByteArrayView plaintext, QByteArrayView aad,
                                            QByteArray *tag);
    static core::Result<QByteArray> decrypt(QByteArrayView key, QByteArrayView iv,
                                            QByteArrayView ciphertext, QByteArrayView aad,
                                            QByteArrayView tag);
};

} // namespace tap::crypto
