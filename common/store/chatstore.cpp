#include "store/chatstore.h"

#include <QSqlQuery>

namespace tap::store {

using core::Result;

namespace {

// Column names come from this switch only, never from input.
QString column(ChatStore::Network network)
{
    switch (network) {
    case ChatStore::Network::Telegram:
        return QStringLiteral("telegram_user_id");
    case ChatStore::Network::Matrix:
        return QStringLiteral("matrix_user_id");
    }
    Q_UNREACHABLE();
    return {};
}

Result<void> done(const Result<QSqlQuery> &r)
{
    return r ? Result<void>() : Result<void>(r.error());
}

} // namespace

Result<void> ChatStore::putLinkCode(const QString &codeHash, const QString &teamId,
                                    const QString &userId, qint64 expiresAt, qint64 now)
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto r = m_db.exec(QStringLiteral("DELETE FROM chat_link_codes WHERE expires_at <= ? "
                                              "OR (team_id = ? AND user_id = ?)"),
                               { now, teamId, userId });
            !r)
            return r.error();
        return done(m_db.exec(QStringLiteral("INSERT INTO chat_link_codes (code_hash, team_id, "
                                             "user_id, expires_at, created_at) VALUES (?, ?, ?, "
                                             "?, ?)"),
                              { codeHash, teamId, userId, expiresAt, now }));
    });
}

Result<ChatStore::Redemption> ChatStore::redeemLinkCode(const QString &codeHash, Network network,
                                                        const QString &chatUserId, qint64 now)
{
    Redemption out;
    const QString col = column(network);
    auto txn = m_db.transaction([&]() -> Result<void> {
        out = {};
        auto q = m_db.exec(QStringLiteral("SELECT c.team_id, c.user_id, c.expires_at, u.email "
                                          "FROM chat_link_codes c JOIN users u ON u.id = "
                                          "c.user_id WHERE c.code_hash = ?"),
                           { codeHash });
        if (!q)
            return q.error();
        if (!q->next())
            return {};
        const QString teamId = q->value(0).toString();
        const QString userId = q->value(1).toString();
        const qint64 expiresAt = q->value(2).toLongLong();
        const QString email = q->value(3).toString();
        // Single use: of two concurrent redemptions only one deletes the row.
        auto del = m_db.exec(QStringLiteral("DELETE FROM chat_link_codes WHERE code_hash = ?"),
                             { codeHash });
        if (!del)
            return del.error();
        if (del->numRowsAffected() != 1)
            return {};
        if (expiresAt <= now) {
            out.outcome = Redeemed::Expired;
            return {}; // committed: the expired code is gone
        }
        auto member = m_db.exec(QStringLiteral("SELECT 1 FROM memberships WHERE team_id = ? AND "
                                               "user_id = ?"),
                                { teamId, userId });
        if (!member)
            return member.error();
        if (!member->next())
            return {}; // left the team since: nothing to link
        if (auto r = m_db.exec(
                    QStringLiteral("UPDATE users SET %1 = NULL WHERE %1 = ? AND id <> ?").arg(col),
                    { chatUserId, userId });
            !r)
            return r.error();
        if (auto r = m_db.exec(
                    QStringLiteral("UPDATE users SET %1 = ?, updated_at = ? WHERE id = ?").arg(col),
                    { chatUserId, now, userId });
            !r)
            return r.error();
        out = { Redeemed::Linked, teamId, userId, email };
        return {};
    });
    if (!txn)
        return txn.error();
    return out;
}

Result<std::optional<ChatStore::LinkedMember>>
ChatStore::memberByChatId(Network network, const QString &teamId, const QString &chatUserId)
{
    if (chatUserId.isEmpty())
        return std::optional<LinkedMember>();
    auto q = m_db.exec(QStringLiteral("SELECT u.id, u.email FROM users u JOIN memberships m ON "
                                      "m.user_id = u.id WHERE u.%1 = ? AND m.team_id = ?")
                               .arg(column(network)),
                       { chatUserId, teamId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<LinkedMember>();
    return std::optional<LinkedMember>(
            LinkedMember{ q->value(0).toString(), q->value(1).toString() });
}

Result<QString> ChatStore::teamName(const QString &teamId)
{
    auto q = m_db.exec(QStringLiteral("SELECT name FROM teams WHERE id = ?"), { teamId });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : teamId;
}

} // namespace tap::store
