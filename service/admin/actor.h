#pragma once

#include "core/result.h"

#include <QString>

namespace tap::admin {

// The signed-in member a request acts for, resolved from its session token. Every admin
// operation is scoped to actor.teamId.
struct Actor
{
    Actor() = default;
    // Not an aggregate, so that the optional session key may be left out without a warning.
    Actor(QString user, QString team, QString mail, QString memberRole, QString remote,
          QString session = {})
        : userId(std::move(user)),
          teamId(std::move(team)),
          email(std::move(mail)),
          role(std::move(memberRole)),
          remoteAddr(std::move(remote)),
          sessionKey(std::move(session))
    {
    }

    QString userId;
    QString teamId;
    QString email;
    QString role; // owner | admin | approver
    QString remoteAddr;
    // The keyed hash of the session token (KeyRing::tokenHash()); empty outside a session.
    QString sessionKey;

    bool isOwner() const { return role == u"owner"; }
    // Owners and admins change configuration; approvers only read and decide approvals.
    core::Result<void> requireConfigure() const;
};

} // namespace tap::admin
