#include "store/passkeystore.h"

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

PasskeyRow readPasskey(const QSqlQuery &q)
{
    PasskeyRow p;
    p.id = q.value(0).toString();
    p.userId = q.value(1).toString();
    p.name = q.value(2).toString();
    p.publicKeySpki = q.value(3).toByteArray();
    p.algorithm = q.value(4).toInt();
    p.signCount = q.value(5).toLongLong();
    p.createdAt = q.value(6).toLongLong();
    p.lastUsedAt = q.value(7).toLongLong();
    return p;
}

const QString kColumns = QStringLiteral(
        "id, user_id, name, public_key, algorithm, sign_count, created_at, last_used_at");

} // namespace

Result<void> PasskeyStore::add(const PasskeyRow &p)
{
    auto existing = get(p.id);
    if (!existing)
        return existing.error();
    if (existing.value())
        return Error(ErrorCode::Conflict, QStringLiteral("This passkey is registered already."));
    auto q = m_db.exec(
            QStringLiteral("INSERT INTO passkeys (id, user_id, name, public_key, "
                           "algorithm, sign_count, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)"),
            { p.id, p.userId, p.name, p.publicKeySpki, p.algorithm, p.signCount, p.createdAt });
    if (!q)
        return q.error();
    return {};
}

Result<QList<PasskeyRow>> PasskeyStore::forUser(const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns
                               + QStringLiteral(" FROM passkeys WHERE user_id = ? "
                                                "ORDER BY created_at, id"),
                       { userId });
    if (!q)
        return q.error();
    QList<PasskeyRow> rows;
    while (q->next())
        rows.append(readPasskey(q.value()));
    return rows;
}

Result<std::optional<PasskeyRow>> PasskeyStore::get(const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns
                               + QStringLiteral(" FROM passkeys WHERE id = ?"),
                       { id });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<PasskeyRow>();
    return std::optional<PasskeyRow>(readPasskey(q.value()));
}

Result<bool> PasskeyStore::remove(const QString &userId, const QString &id)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM passkeys WHERE user_id = ? AND id = ?"),
                       { userId, id });
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<bool> PasskeyStore::updateCounter(const QString &id, qint64 expected, qint64 next,
                                         qint64 now)
{
    auto q = m_db.exec(QStringLiteral("UPDATE passkeys SET sign_count = ?, last_used_at = ? "
                                      "WHERE id = ? AND sign_count = ?"),
                       { next, now, id, expected });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<void> PasskeyStore::addChallenge(const ChallengeRow &c, qint64 now)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO webauthn_challenges (id, user_id, purpose, "
                                      "challenge, approval_id, used, expires_at, created_at) "
                                      "VALUES (?, ?, ?, ?, ?, 0, ?, ?)"),
                       { c.id, c.userId, c.purpose, QString::fromLatin1(c.challenge.toBase64()),
                         c.approvalId.isEmpty() ? QVariant() : QVariant(c.approvalId), c.expiresAt,
                         now });
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<ChallengeRow>> PasskeyStore::takeChallenge(const QString &id,
                                                                const QString &userId,
                                                                const QString &purpose, qint64 now)
{
    // The conditional update is the single use: of two racing finishes only one changes the row.
    auto used = m_db.exec(QStringLiteral("UPDATE webauthn_challenges SET used = 1 WHERE id = ? "
                                         "AND user_id = ? AND purpose = ? AND used = 0 "
                                         "AND expires_at > ?"),
                          { id, userId, purpose, now });
    if (!used)
        return used.error();
    if (used->numRowsAffected() != 1)
        return std::optional<ChallengeRow>();
    auto q = m_db.exec(QStringLiteral("SELECT id, user_id, purpose, challenge, approval_id, "
                                      "expires_at FROM webauthn_challenges WHERE id = ?"),
                       { id });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ChallengeRow>();
    ChallengeRow c;
    c.id = q->value(0).toString();
    c.userId = q->value(1).toString();
    c.purpose = q->value(2).toString();
    c.challenge = QByteArray::fromBase64(q->value(3).toString().toLatin1());
    c.approvalId = q->value(4).toString();
    c.expiresAt = q->value(5).toLongLong();
    return std::optional<ChallengeRow>(c);
}

Result<int> PasskeyStore::purgeChallenges(qint64 now)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM webauthn_challenges WHERE expires_at <= ? "
                                      "OR used = 1"),
                       { now });
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

Result<std::optional<PasskeyStore::SessionProof>>
PasskeyStore::sessionProof(const QString &sessionKey)
{
    auto q = m_db.exec(QStringLiteral("SELECT reauth_at, reauth_method FROM sessions "
                                      "WHERE token_hash = ?"),
                       { sessionKey });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<SessionProof>();
    return std::optional<SessionProof>(
            SessionProof{ q->value(0).toLongLong(), q->value(1).toString() });
}

Result<bool> PasskeyStore::markSessionProof(const QString &sessionKey, const QString &method,
                                            qint64 at)
{
    auto q = m_db.exec(QStringLiteral("UPDATE sessions SET reauth_at = ?, reauth_method = ? "
                                      "WHERE token_hash = ?"),
                       { at, method, sessionKey });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

} // namespace tap::store
