#pragma once

#include "http/response.h"

#include <QString>

namespace tap::app::webassets {

// tapd's browser pages (the approval page, the /dashboard inbox) and their assets come from the
// compiled-in resources (resources/approve, resources/dashboard, resources/shared). Every answer
// carries the same strict headers: a CSP without inline script or style that only talks to
// tapd itself, no framing, no MIME sniffing, no referrer. None ever sets a cookie: the session
// lives in the tab (sessionStorage) and travels as a bearer token.

// A page (HTML): never stored by the browser or a proxy.
http::Response page(int status, const QByteArray &body);

// The compiled-in file at `qrcPath` (":/dashboard/dashboard.js"), empty if absent.
QByteArray resource(const QString &qrcPath);

// An asset (script, style sheet): its content type by file extension, revalidated on every use
// (Cache-Control: no-cache with an ETag of its content; a matching If-None-Match gets 304), so
// a new tapd never runs with a stale script. Not found (JSON error) if no such resource exists.
http::Response asset(const http::Request &request, const QString &qrcPath);

} // namespace tap::app::webassets
