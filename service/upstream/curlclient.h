#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

#include <curl/curl.h>

class QSocketNotifier;

namespace tap::upstream {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A request body that is still arriving (a streamed agent request): read() hands over what is
// there now (possibly nothing); the client is told through CurlClient::bodyReady() when more
// comes. length -1: unknown (sent chunked).
struct BodySource
{
    qint64 length = -1;
    std::function<QByteArray(qint64 max)> read;
    std::function<bool()> atEnd; // everything has been read
    std::function<bool()> failed; // the body will not complete
};

struct Request
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    HeaderList headers;
    QByteArray body;
    std::shared_ptr<BodySource> bodySource; // instead of `body`
    int timeoutMs = 30000;
    // Checked at connect time on the exact address libcurl connects to, so a DNS answer
    // cannot be switched between check and use (rebinding). Null: no address check.
    // Through an upstream proxy (setProxy()), tapd resolves the host itself, checks every
    // address, and has the proxy tunnel to the checked address (CONNECT ip:port); the proxy's
    // own address is the operator's choice and is not checked.
    std::function<bool(const QHostAddress &)> addressAllowed;
};

// What a transfer reports, always on the client's thread and never from inside libcurl.
struct Handlers
{
    // Status line and headers of the final response (1xx are skipped). Content-Length and
    // Content-Encoding are dropped: bodies arrive decoded, whatever the upstream compressed.
    // contentLength is the upstream's Content-Length (-1 when absent); a hint only, since the
    // body may arrive decoded.
    std::function<void(int status, const HeaderList &headers, qint64 contentLength)> onHead;
    // A piece of the (decoded) body, always consumed. Return false to pause receiving until resume().
    std::function<bool(const QByteArray &chunk)> onData;
    // The end: ok, or UpstreamTimeout / UpstreamError / TargetNotAllowed (blocked address).
    std::function<void(core::Result<void> outcome)> onDone;
};

// An HTTP client for the proxy: libcurl's multi interface driven by this thread's Qt event
// loop (socket notifiers and a timer). Connections and DNS answers are reused per thread;
// there is no cookie engine, redirects are never followed, only http and https are spoken.
// The proxy environment variables (http_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY...) are
// ignored: an upstream proxy is used only when set with setProxy().
//
// One instance per worker thread (forThisThread()); not thread-safe.
class CurlClient : public QObject
{
public:
    class Transfer;
    using TransferPtr = std::shared_ptr<Transfer>;

    static CurlClient &forThisThread();
    static void globalInit(); // once, before any thread starts
    // An http:// forward proxy for every transfer (empty: none), set before any thread starts.
    // All traffic is tunnelled (CONNECT), also for http:// targets.
    static void setProxy(const QUrl &proxy);
    // Tests only (TAP_TEST_UPSTREAM_REDIRECT): every transfer goes to
    // <base>/<host>[:port]<path>?<query> over plain http instead. Set before threads start.
    static void setTestRedirect(const QUrl &base);

    TransferPtr start(Request request, Handlers handlers);
    // Ends a transfer without calling its handlers again. Safe from handlers.
    void cancel(const TransferPtr &transfer);
    void resume(const TransferPtr &transfer);
    // More of a streamed request body is there (or it ended): continue sending.
    void bodyReady(const TransferPtr &transfer);

    ~CurlClient() override;

private:
    CurlClient();
    // A socket libcurl watches. A connection's reader stays registered while libcurl does not
    // want it (between the transfers of a kept-alive connection): switching a notifier off and
    // on changes glib's poll set, and each change wakes the loop (an eventfd write and an extra
    // iteration), twice per request. One that fires unwanted is switched off then.
    struct Watch
    {
        QSocketNotifier *reader = nullptr;
        QSocketNotifier *writer = nullptr;
        bool reading = false; // libcurl waits for it to be readable
        bool connection = false; // a connection: closed through onCloseSocket()
        bool idle = false; // reader on while libcurl does not want it (counted in m_idleWatched)
    };
    // At most this many idle connections stay in the poll set (each one is polled on every
    // loop iteration): the others' readers are switched off.
    static constexpr int kIdleWatched = 16;

    static int onSocket(CURL *easy, int fd, int what, void *client, void *socketData);
    static int onSocketOpened(void *client, curl_socket_t fd, curlsocktype purpose);
    static int onCloseSocket(void *client, curl_socket_t fd);
    QSocketNotifier *notifier(int fd, bool read);
    void onReadable(int fd);
    void setIdle(Watch &watch, bool idle);
    static int onTimer(CURLM *multi, long timeoutMs, void *client);
    void kick();
    void socketAction(int fd, int events);
    void drainCompleted();
    void finish(Transfer *transfer, core::Result<void> outcome);
    void remove(Transfer *transfer);
    void resolveForProxy(const TransferPtr &transfer);
    void pinAndAdd(Transfer *transfer, const QList<QHostAddress> &addresses);

    CURLM *m_multi;
    QTimer m_timer;
    QHash<int, Watch> m_watches;
    int m_idleWatched = 0;
    QHash<Transfer *, TransferPtr> m_transfers;
    bool m_inAction = false;
    // libcurl asked to be run at once (a new transfer): done when the thread is about to wait
    // (QAbstractEventDispatcher::aboutToBlock), i.e. at the end of what the loop dispatches now,
    // instead of with a 0 ms timer one loop iteration (and poll) later.
    bool m_kickPending = false;
    bool m_kickOnBlock = false; // the dispatcher's signals are connected (else: the timer)
};

} // namespace tap::upstream
