#include "store/accountstore.h"

#include "store/signupstore.h"
#include "store/vault.h"

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

UserRow readUser(const QSqlQuery &q)
{
    UserRow u;
    u.id = q.value(0).toString();
    u.email = q.value(1).toString();
    u.passwordHash = q.value(2).toString();
    u.emailVerified = q.value(3).toInt() != 0;
    u.telegramUserId = q.value(4).toString();
    u.matrixUserId = q.value(5).toString();
    u.createdAt = q.value(6).toLongLong();
    return u;
}

const QString kUserColumns = QStringLiteral(
        "id, email, password_hash, email_verified, telegram_user_id, matrix_user_id, created_at");

InviteRow readInvite(const QSqlQuery &q)
{
    InviteRow i;
    i.id = q.value(0).toString();
    i.teamId = q.value(1).toString();
    i.email = q.value(2).toString();
    i.role = q.value(3).toString();
    i.tokenHash = q.value(4).toString();
    i.invitedBy = q.value(5).toString();
    i.expiresAt = q.value(6).toLongLong();
    i.acceptedAt = q.value(7).toLongLong();
    i.createdAt = q.value(8).toLongLong();
    return i;
}

const QString kInviteColumns = QStringLiteral(
        "id, team_id, email, role, token_hash, invited_by, expires_at, accepted_at, created_at");

} // namespace

Result<void> AccountStore::createTeamWithOwner(const TeamRow &team, const UserRow &owner,
                                               bool existingUser, bool replaceUnverified)
{
    auto wrapped = m_vault.newWrappedTeamKey(team.id);
    if (!wrapped)
        return wrapped.error();
    return m_db.transaction([&]() -> Result<void> {
        if (replaceUnverified && !existingUser) {
            if (auto r = SignupStore(m_db).freeAddress(owner.email); !r)
                return r.error();
        }
        if (auto r = m_db.exec(QStringLiteral("INSERT INTO teams (id, name, wrapped_dek, "
                                              "created_at) VALUES (?, ?, ?, ?)"),
                               { team.id, team.name, wrapped.value(), team.createdAt });
            !r)
            return r.error();
        if (!existingUser) {
            if (auto r = createUser(owner); !r)
                return r;
        }
        return addMember(team.id, owner.id, QStringLiteral("owner"), team.createdAt);
    });
}

Result<void> AccountStore::createUser(const UserRow &u)
{
    auto r = m_db.exec(
            QStringLiteral(
                    "INSERT INTO users (id, email, password_hash, email_verified, display_name, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?)"),
            { u.id, u.email, u.passwordHash, u.emailVerified ? 1 : 0, u.createdAt, u.createdAt });
    if (!r)
        return r.error();
    return {};
}

Result<std::optional<TeamRow>> AccountStore::team(const QString &teamId)
{
    auto q = m_db.exec(QStringLiteral("SELECT id, name, created_at FROM teams WHERE id = ?"),
                       { teamId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<TeamRow>();
    return std::optional<TeamRow>(
            TeamRow{ q->value(0).toString(), q->value(1).toString(), q->value(2).toLongLong() });
}

Result<std::optional<UserRow>> AccountStore::userByEmail(const QString &email)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kUserColumns
                               + QStringLiteral(" FROM users WHERE email = ?"),
                       { email });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<UserRow>();
    return std::optional<UserRow>(readUser(*q));
}

Result<std::optional<UserRow>> AccountStore::userById(const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kUserColumns
                               + QStringLiteral(" FROM users WHERE id = ?"),
                       { userId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<UserRow>();
    return std::optional<UserRow>(readUser(*q));
}

Result<void> AccountStore::markEmailVerified(const QString &userId, qint64 now)
{
    auto r = m_db.exec(
            QStringLiteral("UPDATE users SET email_verified = 1, updated_at = ? WHERE id = ?"),
            { now, userId });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<void> AccountStore::putVerification(const QString &userId, const QString &codeHash,
                                           qint64 expiresAt, qint64 now)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO email_verifications (user_id, code_hash, "
                                      "attempts, expires_at, created_at) "
                                      "VALUES (?, ?, 0, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                                      "code_hash = excluded.code_hash, "
                                      "attempts = 0, expires_at = excluded.expires_at, created_at "
                                      "= excluded.created_at"),
                       { userId, codeHash, expiresAt, now });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<std::optional<AccountStore::Verification>> AccountStore::verification(const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("SELECT code_hash, attempts, expires_at, created_at FROM "
                                      "email_verifications WHERE user_id = ?"),
                       { userId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Verification>();
    return std::optional<Verification>(Verification{ q->value(0).toString(), q->value(1).toInt(),
                                                     q->value(2).toLongLong(),
                                                     q->value(3).toLongLong() });
}

Result<bool> AccountStore::takeVerificationAttempt(const QString &userId, int maxAttempts)
{
    auto r = m_db.exec(QStringLiteral("UPDATE email_verifications SET attempts = attempts + 1 "
                                      "WHERE user_id = ? AND attempts < ?"),
                       { userId, maxAttempts });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<void> AccountStore::deleteVerification(const QString &userId)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM email_verifications WHERE user_id = ?"),
                       { userId });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<void> AccountStore::createSession(const QString &tokenHash, const QString &userId,
                                         const QString &teamId, qint64 now, qint64 expiresAt,
                                         const QString &remoteAddr)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO sessions (token_hash, user_id, team_id, "
                                      "created_at, expires_at, remote_addr) "
                                      "VALUES (?, ?, ?, ?, ?, ?)"),
                       { tokenHash, userId, teamId, now, expiresAt, remoteAddr });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<std::optional<SessionRow>> AccountStore::session(const QString &tokenHash, qint64 now)
{
    // The membership join means a removed member's sessions stop working at once.
    auto q = m_db.exec(
            QStringLiteral(
                    "SELECT s.user_id, s.team_id, u.email, m.role, s.expires_at FROM sessions s "
                    "JOIN users u ON u.id = s.user_id "
                    "JOIN memberships m ON m.team_id = s.team_id AND m.user_id = s.user_id "
                    "WHERE s.token_hash = ? AND s.expires_at > ?"),
            { tokenHash, now });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<SessionRow>();
    return std::optional<SessionRow>(SessionRow{ q->value(0).toString(), q->value(1).toString(),
                                                 q->value(2).toString(), q->value(3).toString(),
                                                 q->value(4).toLongLong() });
}

Result<void> AccountStore::deleteSession(const QString &tokenHash)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"), { tokenHash });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<QList<MemberRow>> AccountStore::members(const QString &teamId)
{
    auto q = m_db.exec(QStringLiteral("SELECT m.user_id, u.email, m.role, u.email_verified, "
                                      "m.created_at FROM memberships m "
                                      "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER "
                                      "BY m.created_at, u.email"),
                       { teamId });
    if (!q)
        return q.error();
    QList<MemberRow> out;
    while (q->next())
        out.append({ q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                     q->value(3).toInt() != 0, q->value(4).toLongLong() });
    return out;
}

Result<std::optional<MemberRow>> AccountStore::member(const QString &teamId, const QString &userId)
{
    auto q = m_db.exec(
            QStringLiteral(
                    "SELECT m.user_id, u.email, m.role, u.email_verified, m.created_at FROM "
                    "memberships m "
                    "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? AND m.user_id = ?"),
            { teamId, userId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<MemberRow>();
    return std::optional<MemberRow>(MemberRow{ q->value(0).toString(), q->value(1).toString(),
                                               q->value(2).toString(), q->value(3).toInt() != 0,
                                               q->value(4).toLongLong() });
}

Result<QStringList> AccountStore::teamsOf(const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("SELECT team_id FROM memberships WHERE user_id = ? ORDER BY "
                                      "created_at, team_id"),
                       { userId });
    if (!q)
        return q.error();
    QStringList out;
    while (q->next())
        out << q->value(0).toString();
    return out;
}

Result<void> AccountStore::addMember(const QString &teamId, const QString &userId,
                                     const QString &role, qint64 now)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO memberships (team_id, user_id, role, "
                                      "created_at) VALUES (?, ?, ?, ?)"),
                       { teamId, userId, role, now });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<void> AccountStore::keepAnOwner(const QString &teamId, const QString &userId)
{
    // Serialise membership changes of this team: SQLite's BEGIN IMMEDIATE already holds the
    // write lock; on PostgreSQL two transactions could otherwise both count two owners and
    // each take one away.
    if (m_db.backend() == Backend::Postgres) {
        if (auto r = m_db.exec(QStringLiteral("SELECT id FROM teams WHERE id = ? FOR UPDATE"),
                               { teamId });
            !r)
            return r.error();
    }
    auto q = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM memberships WHERE team_id = ? AND role "
                                      "= 'owner' AND user_id <> ?"),
                       { teamId, userId });
    if (!q)
        return q.error();
    if (q->next() && q->value(0).toInt() > 0)
        return {};
    auto self = m_db.exec(QStringLiteral("SELECT 1 FROM memberships WHERE team_id = ? AND user_id "
                                         "= ? AND role = 'owner'"),
                          { teamId, userId });
    if (!self)
        return self.error();
    if (self->next())
        return Error(
                ErrorCode::Conflict,
                QStringLiteral("A team needs at least one owner; make someone else owner first."));
    return {};
}

Result<void> AccountStore::setMemberRole(const QString &teamId, const QString &userId,
                                         const QString &role)
{
    return m_db.transaction([&]() -> Result<void> {
        if (role != u"owner") {
            if (auto r = keepAnOwner(teamId, userId); !r)
                return r;
        }
        auto r = m_db.exec(
                QStringLiteral("UPDATE memberships SET role = ? WHERE team_id = ? AND user_id = ?"),
                { role, teamId, userId });
        return r ? Result<void>() : Result<void>(r.error());
    });
}

Result<void> AccountStore::removeMember(const QString &teamId, const QString &userId)
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto r = keepAnOwner(teamId, userId); !r)
            return r;
        if (auto r = m_db.exec(
                    QStringLiteral("DELETE FROM sessions WHERE team_id = ? AND user_id = ?"),
                    { teamId, userId });
            !r)
            return r.error();
        if (auto r = m_db.exec(
                    QStringLiteral("DELETE FROM memberships WHERE team_id = ? AND user_id = ?"),
                    { teamId, userId });
            !r)
            return r.error();
        return {};
    });
}

Result<int> AccountStore::ownerCount(const QString &teamId)
{
    auto q = m_db.exec(
            QStringLiteral("SELECT COUNT(*) FROM memberships WHERE team_id = ? AND role = 'owner'"),
            { teamId });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

Result<void> AccountStore::createInvite(const InviteRow &i)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO invites (id, team_id, email, role, token_hash, "
                                      "invited_by, expires_at, created_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                       { i.id, i.teamId, i.email, i.role, i.tokenHash, i.invitedBy, i.expiresAt,
                         i.createdAt });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<std::optional<InviteRow>> AccountStore::inviteByTokenHash(const QString &tokenHash)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kInviteColumns
                               + QStringLiteral(" FROM invites WHERE token_hash = ?"),
                       { tokenHash });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<InviteRow>();
    return std::optional<InviteRow>(readInvite(*q));
}

Result<QList<InviteRow>> AccountStore::pendingInvites(const QString &teamId, qint64 now)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kInviteColumns
                               + QStringLiteral(" FROM invites WHERE team_id = ? AND accepted_at "
                                                "IS NULL AND expires_at > ? "
                                                "ORDER BY created_at"),
                       { teamId, now });
    if (!q)
        return q.error();
    QList<InviteRow> out;
    while (q->next())
        out.append(readInvite(*q));
    return out;
}

Result<void> AccountStore::markInviteAccepted(const QString &inviteId, qint64 now)
{
    auto r = m_db.exec(
            QStringLiteral(
                    "UPDATE invites SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL"),
            { now, inviteId });
    if (!r)
        return r.error();
    if (r->numRowsAffected() != 1)
        return Error(ErrorCode::Conflict, QStringLiteral("This invitation has already been used."));
    return {};
}

Result<AccountStore::AttemptSlot> AccountStore::reserveAttempt(const QString &key, qint64 now,
                                                               qint64 windowMs, int maxFailures,
                                                               qint64 lockMs)
{
    AttemptSlot slot;
    auto done = m_db.transaction([&]() -> Result<void> {
        // The row exists before it is locked, so parallel first attempts queue on it too.
        if (auto r = m_db.exec(QStringLiteral("INSERT INTO login_throttle (key, failures, "
                                              "window_start, locked_until) "
                                              "VALUES (?, 0, ?, 0) ON CONFLICT (key) DO NOTHING"),
                               { key, now });
            !r)
            return r.error();
        // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs the row lock.
        const QString forUpdate =
                m_db.backend() == Backend::Postgres ? QStringLiteral(" FOR UPDATE") : QString();
        auto q = m_db.exec(QStringLiteral("SELECT failures, window_start, locked_until FROM "
                                          "login_throttle WHERE key = ?")
                                   + forUpdate,
                           { key });
        if (!q)
            return q.error();
        if (!q->next())
            return Error(ErrorCode::Unavailable, QStringLiteral("The database is not available."));
        const qint64 lockedUntil = q->value(2).toLongLong();
        if (lockedUntil > now) {
            slot.refusedUntil = lockedUntil;
            return {};
        }
        int failures = 1;
        qint64 windowStart = now;
        if (now - q->value(1).toLongLong() < windowMs) {
            failures = q->value(0).toInt() + 1;
            windowStart = q->value(1).toLongLong();
        }
        slot.lockedByThis = failures >= maxFailures;
        auto w = m_db.exec(
                QStringLiteral("UPDATE login_throttle SET failures = ?, window_start = ?, "
                               "locked_until = ? WHERE key = ?"),
                { failures, windowStart, slot.lockedByThis ? now + lockMs : qint64(0), key });
        return w ? Result<void>() : Result<void>(w.error());
    });
    if (!done)
        return done.error();
    return slot;
}

Result<void> AccountStore::giveBackAttempt(const QString &key, const AttemptSlot &slot)
{
    if (slot.refusedUntil > 0)
        return {}; // it was never counted
    auto r = m_db.exec(
            slot.lockedByThis ? QStringLiteral(
                    "UPDATE login_throttle SET failures = failures - 1, locked_until = 0 "
                    "WHERE key = ? AND failures > 0")
                              : QStringLiteral("UPDATE login_throttle SET failures = failures - 1 "
                                               "WHERE key = ? AND failures > 0"),
            { key });
    return r ? Result<void>() : Result<void>(r.error());
}

Result<void> AccountStore::clearFailures(const QString &key)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM login_throttle WHERE key = ?"), { key });
    return r ? Result<void>() : Result<void>(r.error());
}

} // namespace tap::store
