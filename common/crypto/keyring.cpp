#include "crypto/keyring.h"

#include "crypto/aead.h"
#include "crypto/hmac.h"

namespace tap::crypto {

using core::Result;
using core::SecretBytes;

namespace {

constexpr QByteArrayView kKeyCheckPlaintext("tap key check v1");

// Purpose ‖ 0 ‖ team ‖ 0 ‖ row: ids never contain NUL, so distinct tuples give distinct AADs.
QByteArray joinAad(QByteArrayView purpose, const QString &teamId, const QString &rowId)
{
    QByteArray aad(purpose.data(), purpose.size());
    aad.append('\0').append(teamId.toUtf8()).append('\0').append(rowId.toUtf8());
    return aad;
}

} // namespace

KeyRing::KeyRing(SecretBytes masterKey)
    : m_kek(std::move(masterKey)),
      m_tokenKey(SecretBytes::adopt(hmacSha256(m_kek.view(), "tap token hash key v1"))),
      m_tokenMac(std::make_unique<HmacSha256Key>(m_tokenKey.view()))
{
}

QString KeyRing::fingerprint() const
{
    return QStringLiteral("sha256:") + QString::fromLatin1(sha256(m_kek.view()).toHex().left(16));
}

SecretBytes KeyRing::newDataKey(core::Random &random) const
{
    return SecretBytes::adopt(random.bytes(Aead::KeySize));
}

Result<QByteArray> KeyRing::wrapTeamKey(const QString &teamId, const SecretBytes &dek,
                                        core::Random &random) const
{
    return Aead::seal(m_kek, dek.view(), joinAad("tap:team-dek:v1", teamId, QString()), random);
}

Result<SecretBytes> KeyRing::unwrapTeamKey(const QString &teamId, QByteArrayView wrapped) const
{
    return Aead::open(m_kek, wrapped, joinAad("tap:team-dek:v1", teamId, QString()));
}

Result<QByteArray> KeyRing::makeKeyCheck(core::Random &random) const
{
    return Aead::seal(m_kek, kKeyCheckPlaintext, "tap:key-check:v1", random);
}

bool KeyRing::verifyKeyCheck(QByteArrayView blob) const
{
    auto opened = Aead::open(m_kek, blob, "tap:key-check:v1");
    return opened && opened->view() == kKeyCheckPlaintext;
}

QString KeyRing::tokenHash(QByteArrayView token) const
{
    return QString::fromLatin1(m_tokenMac->mac(token).toHex());
}

QByteArray KeyRing::credentialAad(const QString &teamId, const QString &credentialId)
{
    return joinAad("tap:credential:v1", teamId, credentialId);
}

QByteArray KeyRing::rowAad(QByteArrayView purpose, const QString &teamId, const QString &rowId)
{
    return joinAad(purpose, teamId, rowId);
}

} // namespace tap::crypto
