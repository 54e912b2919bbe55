#pragma once

#include "core/result.h"
#include "http/request.h"
#include "http/responder.h"
#include "http/response.h"

namespace tap::app {

// How the admin HTTP adapter turns a service's answer into a response: the only place that
// picks the status of a success (errors take theirs from api::httpStatus()). Admin answers can
// carry tokens, so none is ever cached.
enum class Success { Ok, Created };
int successStatus(Success success);

http::Response errorResponse(const core::Error &error);
// A typed result: T::encode() as the JSON body.
template <typename T>
http::Response toResponse(const core::Result<T> &result, Success success = Success::Ok)
{
    if (!result)
        return errorResponse(result.error());
    http::Response r = http::Response::json(successStatus(success), result->encode());
    r.setHeader("Cache-Control", "no-store");
    return r;
}

// Answers a typed `result` on `responder` (200 on success).
template <typename R>
void respond(const http::Responder &responder, const R &result)
{
    responder.send(toResponse(result));
}
inline void respond(const http::Responder &responder, const core::Error &error)
{
    responder.send(errorResponse(error));
}

// The request body as a JSON object; an empty body counts as {}. Every admin route reads its
// body through this: the nesting depth is checked before the body is parsed
// (api::parseJsonObject()).
core::Result<QJsonObject> jsonBody(const http::Request &request);

// Runs `f` on a decoded input, or answers the decoding error.
template <typename In, typename F>
http::Response withInput(const core::Result<In> &input, F &&f)
{
    if (!input)
        return errorResponse(input.error());
    return f(input.value());
}

} // namespace tap::app
