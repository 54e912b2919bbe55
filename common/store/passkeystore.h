#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

struct PasskeyRow
{
    QString id; // the WebAuthn credential id, base64url
    QString userId;
    QString name;
    QByteArray publicKeySpki;
    int algorithm = 0;
    qint64 signCount = 0;
    qint64 createdAt = 0;
    qint64 lastUsedAt = 0;
};

struct ChallengeRow
{
    QString id;
    QString userId;
    QString purpose; // register | approve | reauth
    QByteArray challenge; // raw bytes
    QString approvalId;
    qint64 expiresAt = 0;
};

// Passkeys of team members and the single-use WebAuthn challenges that register and use them.
class PasskeyStore
{
public:
    explicit PasskeyStore(Database &db) : m_db(db) { }

    // Conflict when the credential id is registered already.
    core::Result<void> add(const PasskeyRow &row);
    core::Result<QList<PasskeyRow>> forUser(const QString &userId);
    core::Result<std::optional<PasskeyRow>> get(const QString &id);
    core::Result<bool> remove(const QString &userId, const QString &id);
    // Stores the new counter only if nobody used the passkey meanwhile (compare-and-set).
    core::Result<bool> updateCounter(const QString &id, qint64 expected, qint64 next, qint64 now);

    core::Result<void> addChallenge(const ChallengeRow &row, qint64 now);
    // Marks the challenge used and returns it, once: a second call (a replay) gets nothing, as
    // does an expired challenge or one of another user.
    core::Result<std::optional<ChallengeRow>>
    takeChallenge(const QString &id, const QString &userId, const QString &purpose, qint64 now);
    core::Result<int> purgeChallenges(qint64 now);

    // The fresh proof a session carries (sessions.reauth_at / reauth_method): when its member
    // last confirmed the password or a passkey on it. Nothing for an unknown session.
    struct SessionProof
    {
        qint64 at = 0; // 0: never
        QString method; // password | passkey
    };
    core::Result<std::optional<SessionProof>> sessionProof(const QString &sessionKey);
    // false: no such session (any more).
    core::Result<bool> markSessionProof(const QString &sessionKey, const QString &method,
                                        qint64 at);

private:
    Database &m_db;
};

} // namespace tap::store
