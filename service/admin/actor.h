#pragma once

#include "core/result.h"

#include <QString>

namespace tap::admin {

// The signed-in member a request acts for, resolved from its session token. Every admin
// operation is scoped to actor.teamId.
struct Actor
{
    QString userId;
    QString teamId;
    QString email;
    QString role; // owner | admin | approver
    QString remoteAddr;

    bool isOwner() const { return role == u"owner"; }
    // Owners and admins change configuration; approvers only read and decide approvals.
    core::Result<void> requireConfigure() const;
};

} // namespace tap::admin
