#pragma once

#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"
#include "crypto/hmac.h"

#include <QString>

#include <memory>

namespace tap::crypto {

// Envelope encryption around the master key (key-encryption key, KEK).
//
// Each team has its own random 256-bit data key (DEK). The DEK is stored wrapped by the KEK,
// with the team id as associated data, so a wrapped key copied to another team does not open.
// Secrets are sealed with the team's DEK and an AAD naming the team and the row (see the *Aad()
// helpers), so a ciphertext moved to another row or team fails to decrypt.
//
// Token hashes (agent API keys, session tokens) are HMAC-SHA256 under a key derived from the
// KEK: a stolen database alone does not allow an offline guess at a token.
//
// Thread-safe: all methods are const apart from the Random they are given.
class KeyRing
{
public:
    explicit KeyRing(core::SecretBytes masterKey);

    core::SecretBytes newDataKey(core::Random &random) const;
    core::Result<QByteArray> wrapTeamKey(const QString &teamId, const core::SecretBytes &dek,
                                         core::Random &random) const;
    core::Result<core::SecretBytes> unwrapTeamKey(const QString &teamId,
                                                  QByteArrayView wrapped) const;

    // A value stored in the database at first start: if a later start cannot open it, the
    // configured master key is not the one this database was created with.
    core::Result<QByteArray> makeKeyCheck(core::Random &random) const;
    bool verifyKeyCheck(QByteArrayView blob) const;

    // Names the master key without revealing it: "sha256:" and the first 16 hex digits of
    // SHA-256 over its 32 bytes (what `tap init` prints from the key file, and `tap status`
    // from GET /admin/server).
    QString fingerprint() const;

    // Keyed hash of a token, hex encoded (64 characters).
    QString tokenHash(QByteArrayView token) const;

    static QByteArray credentialAad(const QString &teamId, const QString &credentialId);
    static QByteArray rowAad(QByteArrayView purpose, const QString &teamId, const QString &rowId);

private:
    core::SecretBytes m_kek;
    core::SecretBytes m_tokenKey;
    std::unique_ptr<HmacSha256Key> m_tokenMac; // m_tokenKey, prepared
};

} // namespace tap::crypto
