#pragma once

// Helpers shared by the account service's translation units (accounts.cpp, signup.cpp).

#include "admin/context.h"
#include "core/result.h"
#include "store/rows.h"

namespace tap::admin {

QString normalizedEmail(const QString &email);

// The pending invitation behind `inviteToken`, if `user` may accept it now.
core::Result<store::InviteRow> usableInvite(Context &ctx, const store::UserRow &user,
                                            const QString &inviteToken, qint64 now);

// Uses up the invitation and adds `user` to its team. Runs inside the caller's transaction
// (Database::transaction() is not re-entrant).
core::Result<void> joinInvitedTeam(Context &ctx, const store::UserRow &user,
                                   const store::InviteRow &i, qint64 now);

} // namespace tap::admin
