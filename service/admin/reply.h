#pragma once

#include "core/result.h"

#include <QJsonObject>

#include <functional>

namespace tap::admin {

// What an admin operation answers on success: an HTTP status and a JSON object.
struct Reply
{
    int status = 200;
    QJsonObject body;
};

using Outcome = core::Result<Reply>;
using OutcomeCallback = std::function<void(Outcome)>;

inline Outcome ok(QJsonObject body, int status = 200)
{
    return Reply{ status, std::move(body) };
}

} // namespace tap::admin
