#include "store/signupstore.h"

#include <QSqlQuery>

namespace tap::store {

using core::Result;

Result<bool> SignupStore::removeUnverified(const QString &userId)
{
    auto teams = m_db.exec(QStringLiteral("SELECT team_id FROM memberships WHERE user_id = ?"),
                           { userId });
    if (!teams)
        return teams.error();
    QStringList teamIds;
    while (teams->next())
        teamIds << teams->value(0).toString();
    // The check and the delete are one statement: an address verified meanwhile stays.
    auto user = m_db.exec(QStringLiteral("DELETE FROM users WHERE id = ? AND email_verified = 0"),
                          { userId });
    if (!user)
        return user.error();
    if (user->numRowsAffected() < 1)
        return false;
    for (const QString &teamId : teamIds) {
        auto team = m_db.exec(QStringLiteral("DELETE FROM teams WHERE id = ? AND NOT EXISTS "
                                             "(SELECT 1 FROM memberships WHERE team_id = ?)"),
                              { teamId, teamId });
        if (!team)
            return team.error();
    }
    return true;
}

Result<bool> SignupStore::freeAddress(const QString &email)
{
    auto q =
            m_db.exec(QStringLiteral("SELECT id FROM users WHERE email = ? AND email_verified = 0"),
                      { email });
    if (!q)
        return q.error();
    if (!q->next())
        return false;
    return removeUnverified(q->value(0).toString());
}

Result<int> SignupStore::purgeUnverified(qint64 cutoff, int limit)
{
    auto q = m_db.exec(QStringLiteral("SELECT id FROM users WHERE email_verified = 0 AND "
                                      "created_at <= ? ORDER BY created_at LIMIT ?"),
                       { cutoff, limit });
    if (!q)
        return q.error();
    QStringList ids;
    while (q->next())
        ids << q->value(0).toString();
    int removed = 0;
    for (const QString &id : ids) {
        bool gone = false;
        auto r = m_db.transaction([&]() -> Result<void> {
            auto removedOne = removeUnverified(id);
            if (!removedOne)
                return removedOne.error();
            gone = removedOne.value();
            return {};
        });
        if (!r)
            return r.error();
        removed += gone ? 1 : 0;
    }
    return removed;
}

} // namespace tap::store
