// CurlClient's transfer state, shared by curlclient.cpp and curlproxy.cpp.
#pragma once

#include "upstream/curlclient.h"
#include "upstream/decoder.h"
#include "upstream/egress.h"

#include <QElapsedTimer>

#include <memory>
#include <optional>

namespace tap::upstream {

class CurlClient::Transfer
{
public:
    ~Transfer(); // gives the handle back to this thread's pool

    CURL *easy = nullptr;
    curl_slist *headerList = nullptr;
    Request request;
    Handlers handlers;
    EgressGuard egress; // the proxy and the address check (egress.h)
    int status = 0;
    HeaderList headers;
    qint64 contentLength = -1;
    QByteArray contentEncoding;
    std::unique_ptr<BodyDecoder> decoder; // the body's Content-Encoding, decoded here
    std::optional<core::Error> bodyError; // ends the transfer (a coding not decoded, corrupt data)
    bool doneWhenDrained = false; // received whole, decoded output still to hand over
    bool headDelivered = false;
    bool paused = false;
    bool sendPaused = false;
    bool cancelled = false;
    bool added = false; // to the multi handle (through the proxy: once the host is checked)
    int lookupId = -1; // a pending host lookup
    QElapsedTimer started;
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

namespace detail {

// TAP_UPSTREAM_PROXY as given to setProxy(); empty: none.
const QByteArray &proxyUrl();
// The URL a transfer to `url` is sent to (itself unless setTestRedirect() was called).
QByteArray transferUrl(const QUrl &url);
core::Error targetNotAllowed();
core::Error notResolved();
core::Error notResolvedInTime();

} // namespace detail

} // namespace tap::upstream
