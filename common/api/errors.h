#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QJsonObject>

namespace tap::api {

// The HTTP status for each error code: the one place that maps them.
int httpStatus(core::ErrorCode code);

// {"error": {"code": "snake_case", "message": "plain sentence"}}: the one error shape of the API.
QJsonObject errorObject(const core::Error &error);
QByteArray errorBody(const core::Error &error);

// Parses an error body as produced above; code is empty if the body is not one.
struct WireError
{
    QString code;
    QString message;
};
WireError parseErrorBody(const QByteArray &body);

} // namespace tap::api
