// CurlClient through an operator-configured forward proxy (TAP_UPSTREAM_PROXY).
#include "upstream/curlclient.h"

#include "upstream/curlclient_p.h"

#include <QHostInfo>

namespace tap::upstream {

using core::Error;
using core::ErrorCode;

namespace {

QByteArray g_proxy; // written once before threads start
QUrl g_testRedirect; // likewise

} // namespace

namespace detail {

const QByteArray &proxyUrl()
{
    return g_proxy;
}

QByteArray transferUrl(const QUrl &url)
{
    if (g_testRedirect.isEmpty())
        return url.toEncoded();
    QByteArray out = g_testRedirect.toEncoded() + '/' + url.host(QUrl::FullyEncoded).toUtf8();
    if (url.port() > 0)
        out += ':' + QByteArray::number(url.port());
    out += url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        out += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    return out;
}

Error targetNotAllowed()
{
    return Error(ErrorCode::TargetNotAllowed,
                 QStringLiteral("The target resolves to an address that may not be reached "
                                "(loopback, private, link-local or cloud metadata)."));
}

Error notResolved()
{
    return Error(ErrorCode::UpstreamError,
                 QStringLiteral("The upstream request failed: the host name could not be "
                                "resolved."));
}

Error notResolvedInTime()
{
    return Error(ErrorCode::UpstreamTimeout,
                 QStringLiteral("The upstream host name was not resolved in time."));
}

} // namespace detail

void CurlClient::setProxy(const QUrl &proxy)
{
    g_proxy = proxy.isEmpty() ? QByteArray() : proxy.toEncoded();
}

void CurlClient::setTestRedirect(const QUrl &base)
{
    g_testRedirect = base;
}

// Through the proxy, the proxy would resolve the name: tapd resolves it first, checks every
// address, and pins the connection to one of them, so that neither a second DNS answer nor
// the proxy can take the request elsewhere.
void CurlClient::resolveForProxy(const TransferPtr &transfer)
{
    std::weak_ptr<Transfer> weak = transfer;
    const int timeoutMs = qMin(transfer->request.timeoutMs, 10000);
    transfer->lookupId = QHostInfo::lookupHost(
            transfer->request.url.host(), this, [this, weak](const QHostInfo &info) {
                auto t = weak.lock();
                if (!t || t->cancelled || !m_transfers.contains(t.get()))
                    return;
                t->lookupId = -1;
                if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
                    return finish(t.get(), detail::notResolved());
                pinAndAdd(t.get(), info.addresses());
            });
    QTimer::singleShot(timeoutMs, this, [this, weak] {
        auto t = weak.lock();
        if (t && t->lookupId >= 0 && !t->cancelled && m_transfers.contains(t.get()))
            finish(t.get(), detail::notResolvedInTime());
    });
}

void CurlClient::pinAndAdd(Transfer *t, const QList<QHostAddress> &addresses)
{
    if (auto pinned = pinEgress(t->easy, t->egress, t->request.url, addresses); !pinned)
        return finish(t, pinned.error());
    const qint64 left = t->request.timeoutMs - t->started.elapsed();
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, long(qMax<qint64>(1, left)));
    t->added = true;
    curl_multi_add_handle(m_multi, t->easy);
}

} // namespace tap::upstream
