#pragma once

#include "core/result.h"
#include "store/database.h"

#include <QStringList>

namespace tap::store {

// Sign-ups never verified (README "Hardening"). They hold neither an address nor a
// team name for long: they expire, and a new sign-up or an invited sign-up for the same address
// replaces them. A verified account is never touched here.
class SignupStore
{
public:
    explicit SignupStore(Database &db) : m_db(db) { }

    // Deletes user `userId` if its address is still unverified, together with every team it
    // leaves without members (its sign-up team); its verification code, sessions and
    // memberships go with it (ON DELETE CASCADE). False: no such unverified user, nothing
    // changed. Opens no transaction: call it inside one, with what replaces the user.
    core::Result<bool> removeUnverified(const QString &userId);

    // removeUnverified() for the user holding `email`, if unverified. False: none was removed.
    core::Result<bool> freeAddress(const QString &email);

    // Removes (each in its own transaction) up to `limit` unverified users created at or before
    // `cutoff`; returns how many went.
    core::Result<int> purgeUnverified(qint64 cutoff, int limit = 100);

private:
    Database &m_db;
};

} // namespace tap::store
