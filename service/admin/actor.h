#pragma once

#include "api/enums.h"
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
    QString role; // the wire name of an api::MemberRole; read it through memberRole()
    QString remoteAddr;
    // The keyed hash of the session token (KeyRing::tokenHash()); empty outside a session.
    QString sessionKey;

    // The role through its one parser; anything unknown counts as approver (least privilege).
    api::MemberRole memberRole() const
    {
        return api::parseMemberRole(role).value_or(api::MemberRole::Approver);
    }
    bool isOwner() const { return memberRole() == api::MemberRole::Owner; }
    // Owners and admins change configuration; approvers only read and decide approvals.
    core::Result<void> requireConfigure() const;
};

} // namespace tap::admin
