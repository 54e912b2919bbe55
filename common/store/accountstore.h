#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

class Vault;

// Teams, users, memberships, sessions, email verifications, invites and login throttling.
// Token and code columns hold keyed hashes only (KeyRing::tokenHash()).
class AccountStore
{
public:
    AccountStore(Database &db, Vault &vault) : m_db(db), m_vault(vault) { }

    // Creates the team (with a new wrapped data key), and either a new user or, when
    // `existingUser` is set, links that user, as the team's owner; all or nothing. With
    // `replaceUnverified`, an unverified sign-up holding the new user's address is removed in
    // the same transaction (SignupStore::freeAddress()).
    core::Result<void> createTeamWithOwner(const TeamRow &team, const UserRow &owner,
                                           bool existingUser, bool replaceUnverified = false);
    core::Result<void> createUser(const UserRow &user);
    core::Result<std::optional<TeamRow>> team(const QString &teamId);
    core::Result<std::optional<UserRow>> userByEmail(const QString &email);
    core::Result<std::optional<UserRow>> userById(const QString &userId);
    core::Result<void> markEmailVerified(const QString &userId, qint64 now);

    struct Verification
    {
        QString codeHash;
        int attempts = 0;
        qint64 expiresAt = 0;
        qint64 createdAt = 0;
    };
    core::Result<void> putVerification(const QString &userId, const QString &codeHash,
                                       qint64 expiresAt, qint64 now);
    core::Result<std::optional<Verification>> verification(const QString &userId);
    // Counts one attempt unless `maxAttempts` have been made; false: none left.
    core::Result<bool> takeVerificationAttempt(const QString &userId, int maxAttempts);
    core::Result<void> deleteVerification(const QString &userId);

    core::Result<void> createSession(const QString &tokenHash, const QString &userId,
                                     const QString &teamId, qint64 now, qint64 expiresAt,
                                     const QString &remoteAddr);
    core::Result<std::optional<SessionRow>> session(const QString &tokenHash, qint64 now);
    core::Result<void> deleteSession(const QString &tokenHash);

    core::Result<QList<MemberRow>> members(const QString &teamId);
    core::Result<std::optional<MemberRow>> member(const QString &teamId, const QString &userId);
    core::Result<QStringList> teamsOf(const QString &userId); // oldest membership first
    core::Result<void> addMember(const QString &teamId, const QString &userId, const QString &role,
                                 qint64 now);
    // Both refuse (Conflict) to leave the team without an owner; the check and the change are
    // one transaction, serialised per team, so concurrent demotions cannot both pass it.
    core::Result<void> setMemberRole(const QString &teamId, const QString &userId,
                                     const QString &role);
    core::Result<void> removeMember(const QString &teamId, const QString &userId);
    core::Result<int> ownerCount(const QString &teamId);

    core::Result<void> createInvite(const InviteRow &invite);
    core::Result<std::optional<InviteRow>> inviteByTokenHash(const QString &tokenHash);
    core::Result<QList<InviteRow>> pendingInvites(const QString &teamId, qint64 now);
    core::Result<void> markInviteAccepted(const QString &inviteId, qint64 now);

    // Failed-login throttling per key (an address hash or a client address). Every attempt is
    // counted as a failure *before* the password is checked, atomically with the lock check,
    // so parallel guesses cannot outrun the limit; a successful attempt is then taken back
    // (giveBackAttempt) or the key cleared (clearFailures).
    struct AttemptSlot
    {
        qint64 refusedUntil = 0; // > 0: the key is locked until then; the attempt was not counted
        bool lockedByThis = false; // this attempt reached the limit and started the lock
    };
    core::Result<AttemptSlot> reserveAttempt(const QString &key, qint64 now, qint64 windowMs,
                                             int maxFailures, qint64 lockMs);
    core::Result<void> giveBackAttempt(const QString &key, const AttemptSlot &slot);
    core::Result<void> clearFailures(const QString &key);

private:
    core::Result<void> keepAnOwner(const QString &teamId, const QString &userId);

    Database &m_db;
    Vault &m_vault;
};

} // namespace tap::store
