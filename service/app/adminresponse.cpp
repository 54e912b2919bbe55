#include "app/adminresponse.h"

#include "api/validation.h"

namespace tap::app {

int successStatus(Success success)
{
    switch (success) {
    case Success::Ok:
        return 200;
    case Success::Created:
        return 201;
    }
    Q_UNREACHABLE();
}

http::Response errorResponse(const core::Error &error)
{
    http::Response r = http::Response::error(error);
    r.setHeader("Cache-Control", "no-store");
    return r;
}

core::Result<QJsonObject> jsonBody(const http::Request &request)
{
    return api::parseJsonObject(request.body);
}

} // namespace tap::app
