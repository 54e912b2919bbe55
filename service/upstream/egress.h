#pragma once

#include "core/result.h"
#include "upstream/curlclient.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QUrl>

#include <functional>

#include <curl/curl.h>

namespace tap::upstream {

// The egress policy of every request tapd sends (README "The data plane"), whether for an
// agent (CurlClient) or for itself (fetch(): OAuth 2.0 token endpoints): the proxy
// environment variables ignored; TAP_UPSTREAM_PROXY (CurlClient::setProxy()) used for every
// host as a CONNECT tunnel; the address check on the exact address libcurl connects to, or,
// through the proxy, on every address the host resolves to before the tunnel is pinned to one.
// One guard per transfer; it must outlive the transfer (libcurl keeps a pointer to it).
struct EgressGuard
{
    EgressGuard() = default;
    ~EgressGuard();
    Q_DISABLE_COPY_MOVE(EgressGuard)

    std::function<bool(const QHostAddress &)> addressAllowed; // null: no check
    bool viaProxy = false;
    bool blockedAddress = false; // the check refused the address connected to
    curl_slist *connectTo = nullptr; // through the proxy: the checked address
};

// Sets `easy`'s proxy options and connect-time address check from `guard`. True: the target
// goes through the proxy and must be resolved and checked first (pinEgress()).
bool applyEgress(CURL *easy, EgressGuard &guard);
// Through the proxy: every address of the target checked (TargetNotAllowed otherwise), then
// the tunnel pinned to one of them (IPv4 preferred).
core::Result<void> pinEgress(CURL *easy, EgressGuard &guard, const QUrl &url,
                             const QList<QHostAddress> &addresses);
// What a finished transfer that failed with `code` tells the caller (never a header or body).
core::Error transferError(CURLcode code, const EgressGuard &guard);

// What fetch() received.
struct FetchAnswer
{
    int status = 0;
    QByteArray body;
};

// A blocking request for tapd's own calls (an OAuth 2.0 token endpoint), on the calling thread:
// the same egress policy, URL mapping and time bound (request.timeoutMs, the host lookup
// included) as CurlClient; no redirects; a body over `maxBodyBytes` fails (UpstreamError).
// Errors: TargetNotAllowed (a refused address), UpstreamTimeout, UpstreamError.
core::Result<FetchAnswer> fetch(const Request &request, qint64 maxBodyBytes);

} // namespace tap::upstream
