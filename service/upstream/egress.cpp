#include "upstream/egress.h"

#include "upstream/curlclient_p.h"

#include <QElapsedTimer>
#include <QHostInfo>
#include <QScopeGuard>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <future>
#include <thread>

namespace tap::upstream {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QHostAddress toAddress(const curl_sockaddr *a)
{
    QHostAddress address;
    if (a->family == AF_INET) {
        sockaddr_in in;
        std::memcpy(&in, &a->addr, sizeof(in));
        address.setAddress(ntohl(in.sin_addr.s_addr));
    } else if (a->family == AF_INET6) {
        sockaddr_in6 in6;
        std::memcpy(&in6, &a->addr, sizeof(in6));
        address.setAddress(in6.sin6_addr.s6_addr);
    }
    return address;
}

curl_socket_t onOpenSocket(void *user, curlsocktype purpose, curl_sockaddr *address)
{
    auto *guard = static_cast<EgressGuard *>(user);
    // Through the proxy this is the proxy's address (the operator's choice); the target's
    // addresses were checked before the transfer started (pinEgress()).
    if (purpose == CURLSOCKTYPE_IPCXN && guard->addressAllowed && !guard->viaProxy
        && !guard->addressAllowed(toAddress(address))) {
        guard->blockedAddress = true;
        return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

} // namespace

EgressGuard::~EgressGuard()
{
    if (connectTo)
        curl_slist_free_all(connectTo);
}

bool applyEgress(CURL *easy, EgressGuard &guard)
{
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &onOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &guard);
    curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    // "" disables the proxy environment variables, which would route around the address
    // check (libcurl would connect to, and check, only the proxy). A configured proxy is
    // used for every host (NO_PROXY ignored), always as a tunnel.
    const QByteArray &proxy = detail::proxyUrl();
    guard.viaProxy = !proxy.isEmpty();
    curl_easy_setopt(easy, CURLOPT_PROXY, guard.viaProxy ? proxy.constData() : "");
    if (guard.viaProxy) {
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
        curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
    }
    return guard.viaProxy && bool(guard.addressAllowed);
}

// Through the proxy, the proxy would resolve the name: tapd resolves it first, checks every
// address, and pins the connection to one of them, so that neither a second DNS answer nor
// the proxy can take the request elsewhere.
Result<void> pinEgress(CURL *easy, EgressGuard &guard, const QUrl &url,
                       const QList<QHostAddress> &addresses)
{
    for (const QHostAddress &a : addresses) {
        if (!guard.addressAllowed(a)) {
            guard.blockedAddress = true;
            return detail::targetNotAllowed();
        }
    }
    // One address goes to the proxy: IPv4 when there is one (proxies often lack IPv6 routes).
    QHostAddress pick = addresses.first();
    for (const QHostAddress &a : addresses) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol) {
            pick = a;
            break;
        }
    }
    pick.setScopeId({});
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    const QString host = pick.protocol() == QAbstractSocket::IPv6Protocol
            ? u'[' + pick.toString() + u']'
            : pick.toString();
    // "::ip:port": any host and port of this handle connect (through the tunnel) to ip:port;
    // TLS still verifies, and Host still names, the URL's host.
    if (guard.connectTo)
        curl_slist_free_all(guard.connectTo);
    guard.connectTo = curl_slist_append(
            nullptr, QStringLiteral("::%1:%2").arg(host).arg(port).toLatin1().constData());
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, guard.connectTo);
    return {};
}

Error transferError(CURLcode code, const EgressGuard &guard)
{
    if (guard.blockedAddress)
        return detail::targetNotAllowed();
    if (code == CURLE_OPERATION_TIMEDOUT)
        return Error(ErrorCode::UpstreamTimeout,
                     QStringLiteral("The upstream did not answer in time."));
    // curl's message names host and port but never headers or bodies: safe to show.
    return Error(ErrorCode::UpstreamError,
                 QStringLiteral("The upstream request failed: %1.")
                         .arg(QString::fromUtf8(curl_easy_strerror(code))));
}

namespace {

struct Collected
{
    QByteArray body;
    qint64 max = 0;
    bool tooLarge = false;
};

size_t collect(char *data, size_t size, size_t count, void *user)
{
    auto *c = static_cast<Collected *>(user);
    const size_t length = size * count;
    if (c->body.size() + qint64(length) > c->max) {
        c->tooLarge = true;
        return 0; // aborts the transfer
    }
    c->body.append(data, qsizetype(length));
    return length;
}

// The blocking lookup on a thread of its own, so that a resolver that hangs cannot hold the
// caller beyond `timeoutMs` (the thread ends when the resolver gives up).
Result<QList<QHostAddress>> resolve(const QString &host, int timeoutMs)
{
    std::packaged_task<QHostInfo()> task([host] { return QHostInfo::fromName(host); });
    std::future<QHostInfo> answer = task.get_future();
    std::thread(std::move(task)).detach();
    if (answer.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready)
        return detail::notResolvedInTime();
    const QHostInfo info = answer.get();
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        return detail::notResolved();
    return info.addresses();
}

} // namespace

Result<FetchAnswer> fetch(const Request &request, qint64 maxBodyBytes)
{
    QElapsedTimer started;
    started.start();
    EgressGuard guard; // outlives the handle (declared before its cleanup)
    guard.addressAllowed = request.addressAllowed;
    Collected collected;
    collected.max = maxBodyBytes;
    CURL *e = curl_easy_init();
    if (!e)
        return Error(ErrorCode::Internal, QStringLiteral("libcurl could not start."));
    curl_slist *headers = nullptr;
    const auto cleanup = qScopeGuard([&] {
        curl_easy_cleanup(e);
        curl_slist_free_all(headers);
    });
    const QByteArray url = detail::transferUrl(request.url);
    curl_easy_setopt(e, CURLOPT_URL, url.constData());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(qMin(request.timeoutMs, 10000)));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &collected);
    if (request.method != "GET")
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.constData());
    if (!request.body.isEmpty() || request.method == "POST") {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.constData());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
    }
    for (const auto &[name, value] : request.headers)
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    if (applyEgress(e, guard)) {
        auto addresses = resolve(request.url.host(), qMin(request.timeoutMs, 10000));
        if (!addresses)
            return addresses.error();
        if (auto pinned = pinEgress(e, guard, request.url, addresses.value()); !pinned)
            return pinned.error();
    }
    const qint64 left = request.timeoutMs - started.elapsed();
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(qMax<qint64>(1, left)));
    const CURLcode rc = curl_easy_perform(e);
    if (collected.tooLarge)
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("The answer is larger than %1 bytes.").arg(maxBodyBytes));
    if (rc != CURLE_OK)
        return transferError(rc, guard);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    return FetchAnswer{ int(status), std::move(collected.body) };
}

} // namespace tap::upstream
