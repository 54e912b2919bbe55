#include "upstream/curlclient.h"

#include "upstream/curlclient_p.h"
#include "upstream/decoder.h"

#include "core/logging.h"

#include <QAbstractEventDispatcher>
#include <QHostInfo>
#include <QSocketNotifier>
#include <QThreadStorage>

#include <cstring>
#include <optional>
#include <vector>

namespace tap::upstream {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// Easy handles are reused (curl_easy_reset keeps their buffers and caches): creating one per
// request costs more than a small request's whole transfer. One pool per thread, as handles
// are used by one thread's client only.
struct EasyPool
{
    static constexpr size_t kMax = 256;
    std::vector<CURL *> handles;
    ~EasyPool()
    {
        for (CURL *e : handles)
            curl_easy_cleanup(e);
    }
    CURL *take()
    {
        if (handles.empty())
            return curl_easy_init();
        CURL *e = handles.back();
        handles.pop_back();
        return e;
    }
    void give(CURL *e)
    {
        if (handles.size() >= kMax) {
            curl_easy_cleanup(e);
            return;
        }
        curl_easy_reset(e);
        handles.push_back(e);
    }
};
thread_local EasyPool t_easyPool;

} // namespace

CurlClient::Transfer::~Transfer()
{
    if (headerList)
        curl_slist_free_all(headerList);
    if (easy)
        t_easyPool.give(easy);
}

namespace {

bool isField(QByteArrayView name, QByteArrayView wanted)
{
    return name.size() == wanted.size()
            && qstrnicmp(name.data(), name.size(), wanted.data(), wanted.size()) == 0;
}

// libcurl callbacks (C linkage not required for function pointers taken here). A header line
// is parsed in place: only the fields kept are copied.
size_t onHeaderLine(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<CurlClient::Transfer *>(user);
    const size_t length = size * count;
    const QByteArrayView line = QByteArrayView(data, qsizetype(length)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new status line: 1xx and redirects' earlier blocks are replaced by the final one.
        const qsizetype space = line.indexOf(' ');
        const QByteArrayView rest = space < 0 ? QByteArrayView() : line.sliced(space + 1);
        const qsizetype end = rest.indexOf(' ');
        t->status = (end < 0 ? rest : rest.first(end)).toInt();
        t->headers.clear();
        t->contentLength = -1;
        t->contentEncoding.clear();
        return length;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return length;
    const QByteArrayView name = line.first(colon).trimmed();
    const QByteArrayView value = line.sliced(colon + 1);
    // The body is handed on decoded and re-framed, so these no longer describe it.
    if (isField(name, "content-length")) {
        t->contentLength = value.trimmed().toLongLong();
    } else if (isField(name, "content-encoding")) {
        if (!t->contentEncoding.isEmpty())
            t->contentEncoding += ',';
        t->contentEncoding += value;
    } else if (!isField(name, "transfer-encoding") && !isField(name, "connection")
               && !isField(name, "keep-alive")) {
        t->headers.append({ name.toByteArray(), value.trimmed().toByteArray() });
    }
    return length;
}

void deliverHead(CurlClient::Transfer *t)
{
    if (t->headDelivered)
        return;
    t->headDelivered = true;
    if (t->handlers.onHead)
        t->handlers.onHead(t->status, t->headers, t->contentLength);
}

constexpr qsizetype kDecodedPiece = 64 * 1024;

// Hands decoded output to onData piece by piece until the decoder has none left (true), the
// reader asks for a pause, or the data is bad (false; bodyError set).
bool handOver(CurlClient::Transfer *t)
{
    for (;;) {
        if (t->cancelled || t->paused)
            return false;
        auto piece = t->decoder->pull(kDecodedPiece);
        if (!piece) {
            t->bodyError = piece.error();
            return false;
        }
        if (piece->isEmpty())
            return true;
        if (t->handlers.onData && !t->handlers.onData(piece.value()))
            t->paused = true;
    }
}

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<CurlClient::Transfer *>(user);
    const size_t length = size * count;
    if (t->cancelled || t->bodyError)
        return 0; // aborts the transfer
    if (t->status >= 100 && t->status < 200)
        return length;
    if (!t->headDelivered) {
        auto decoder = BodyDecoder::create(t->contentEncoding);
        if (!decoder) {
            t->bodyError = decoder.error();
            return 0;
        }
        t->decoder = std::move(decoder.value());
        deliverHead(t);
        if (t->cancelled)
            return 0;
    }
    if (t->decoder) {
        // Coded input is taken whole (one read at most); what it decodes to is handed over
        // as the reader takes it, the rest stays coded in the decoder.
        t->decoder->push(QByteArrayView(data, qsizetype(length)));
        if (!handOver(t) && t->bodyError)
            return 0;
    } else if (t->handlers.onData && !t->handlers.onData(QByteArray(data, qsizetype(length)))) {
        t->paused = true;
    }
    // The chunk was taken; stop receiving more until resume(). (Returning
    // CURL_WRITEFUNC_PAUSE instead would make libcurl deliver this chunk a second time.)
    if (t->paused && !t->cancelled)
        curl_easy_pause(t->easy, t->sendPaused ? CURLPAUSE_ALL : CURLPAUSE_RECV);
    return length;
}

size_t onReadBody(char *buffer, size_t size, size_t count, void *user)
{
    auto *t = static_cast<CurlClient::Transfer *>(user);
    BodySource *source = t->request.bodySource.get();
    if (t->cancelled || !source || source->failed())
        return CURL_READFUNC_ABORT;
    const QByteArray chunk = source->read(qint64(size * count));
    if (!chunk.isEmpty()) {
        std::memcpy(buffer, chunk.constData(), size_t(chunk.size()));
        return size_t(chunk.size());
    }
    if (source->atEnd())
        return 0; // the end of the body
    t->sendPaused = true; // bodyReady() continues
    return CURL_READFUNC_PAUSE;
}

} // namespace

void CurlClient::globalInit()
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

CurlClient &CurlClient::forThisThread()
{
    static QThreadStorage<CurlClient *> clients;
    if (!clients.hasLocalData())
        clients.setLocalData(new CurlClient);
    return *clients.localData();
}

CurlClient::CurlClient() : m_multi(curl_multi_init())
{
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlClient::onSocket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlClient::onTimer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, 256L);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
    // aboutToBlock: before the loop waits; awake: processEvents() that does not wait (glib
    // emits only one of the two per call). Both come from the event loop itself, never from
    // inside a handler or libcurl, so a kick can deliver handlers (a refused connection).
    if (QAbstractEventDispatcher *loop = QAbstractEventDispatcher::instance(thread())) {
        connect(loop, &QAbstractEventDispatcher::aboutToBlock, this, &CurlClient::kick);
        connect(loop, &QAbstractEventDispatcher::awake, this, &CurlClient::kick);
        m_kickOnBlock = true;
    }
}

CurlClient::~CurlClient()
{
    const auto transfers = m_transfers;
    for (const TransferPtr &t : transfers)
        remove(t.get());
    curl_multi_cleanup(m_multi); // closes the connections (onCloseSocket())
    for (const Watch &w : std::as_const(m_watches)) {
        delete w.reader;
        delete w.writer;
    }
}

int CurlClient::onTimer(CURLM *, long timeoutMs, void *client)
{
    auto *self = static_cast<CurlClient *>(client);
    self->m_kickPending = timeoutMs == 0 && self->m_kickOnBlock;
    if (timeoutMs < 0 || self->m_kickPending)
        self->m_timer.stop();
    else
        self->m_timer.start(int(timeoutMs)); // 0 (no dispatcher): as soon as the event loop runs
    return 0;
}

// Never inside start() or a handler: a transfer's handlers run only after whoever started it
// has its TransferPtr.
//
// The handlers an action runs may start transfers that want a kick of their own (a refused 401's
// resend, a failure's follow-up): those run too before the loop waits, since nothing else would
// wake it for them. Bounded: after kMaxKickRounds the rest goes to the 0 ms timer.
void CurlClient::kick()
{
    constexpr int kMaxKickRounds = 8;
    for (int round = 0; m_kickPending && !m_inAction; ++round) {
        if (round == kMaxKickRounds) {
            m_kickPending = false;
            m_timer.start(0);
            return;
        }
        socketAction(CURL_SOCKET_TIMEOUT, 0);
    }
}

void CurlClient::socketAction(int fd, int events)
{
    m_kickPending = false; // whatever is due runs now; libcurl asks again for what is not
    int running = 0;
    m_inAction = true;
    curl_multi_socket_action(m_multi, fd, events, &running);
    m_inAction = false;
    drainCompleted();
}

void CurlClient::drainCompleted()
{
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(m_multi, &left)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        Transfer *t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        if (!t)
            continue;
        const CURLcode code = msg->data.result;
        if (code == CURLE_OK && t->paused && t->decoder) {
            t->doneWhenDrained = true; // resume() hands over the rest, then finishes
        } else if (code == CURLE_OK) {
            finish(t, {});
        } else if (t->bodyError) {
            finish(t, *t->bodyError);
        } else {
            finish(t, transferError(code, t->egress));
        }
    }
}

void CurlClient::finish(Transfer *t, Result<void> outcome)
{
    TransferPtr keep = m_transfers.value(t);
    if (!keep)
        return;
    if (outcome.ok())
        deliverHead(t); // responses without a body
    Handlers handlers = std::move(t->handlers);
    remove(t);
    if (handlers.onDone && !t->cancelled)
        handlers.onDone(std::move(outcome));
}

void CurlClient::remove(Transfer *t)
{
    if (TransferPtr keep = m_transfers.take(t)) {
        if (t->lookupId >= 0)
            QHostInfo::abortHostLookup(t->lookupId);
        t->lookupId = -1;
        if (t->added)
            curl_multi_remove_handle(m_multi, t->easy);
        t->added = false;
    }
}

CurlClient::TransferPtr CurlClient::start(Request request, Handlers handlers)
{
    auto t = std::make_shared<Transfer>();
    t->request = std::move(request);
    t->handlers = std::move(handlers);
    t->easy = t_easyPool.take();
    t->started.start();
    CURL *e = t->easy;
    const QByteArray url = detail::transferUrl(t->request.url);
    curl_easy_setopt(e, CURLOPT_URL, url.constData());
    // The URL is normalised by tapd (proxy::resolveDestination) and was decided on as it is:
    // libcurl must not resolve dot segments of its own.
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errorBuffer);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // Bodies are decoded here (BodyDecoder), bounded per step; libcurl hands them on coded.
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(t->request.timeoutMs));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(qMin(t->request.timeoutMs, 10000)));
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeaderLine);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, &CurlClient::onSocketOpened);
    curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &CurlClient::onCloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    t->egress.addressAllowed = t->request.addressAllowed;
    const bool pinFirst = applyEgress(e, t->egress);
    const QByteArray &method = t->request.method;
    if (method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.constData());
        if (const auto &source = t->request.bodySource) {
            // CURLOPT_POST with a read callback: Content-Length when known, else chunked.
            curl_easy_setopt(e, CURLOPT_POST, 1L);
            curl_easy_setopt(e, CURLOPT_READFUNCTION, &onReadBody);
            curl_easy_setopt(e, CURLOPT_READDATA, t.get());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(source->length));
        } else if (!t->request.body.isEmpty() || method == "POST" || method == "PUT"
                   || method == "PATCH") {
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.constData());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(t->request.body.size()));
        }
    }
    bool hasContentType = false;
    for (const auto &[name, value] : std::as_const(t->request.headers)) {
        hasContentType = hasContentType || name.compare("content-type", Qt::CaseInsensitive) == 0;
        t->headerList =
                curl_slist_append(t->headerList, QByteArray(name + ": " + value).constData());
    }
    t->headerList = curl_slist_append(
            t->headerList,
            QByteArray(QByteArray("Accept-Encoding: ") + BodyDecoder::accepted()).constData());
    // Without these libcurl would add "Expect: 100-continue" and a form Content-Type.
    t->headerList = curl_slist_append(t->headerList, "Expect:");
    if (!hasContentType)
        t->headerList = curl_slist_append(t->headerList, "Content-Type:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headerList);
    m_transfers.insert(t.get(), t);
    if (pinFirst) {
        resolveForProxy(t);
        return t;
    }
    t->added = true;
    curl_multi_add_handle(m_multi, e);
    return t;
}

void CurlClient::cancel(const TransferPtr &transfer)
{
    if (!transfer || transfer->cancelled)
        return;
    transfer->cancelled = true;
    transfer->handlers = {};
    // Removing a handle from inside a libcurl callback is not allowed: defer it.
    QMetaObject::invokeMethod(
            this, [this, transfer] { remove(transfer.get()); }, Qt::QueuedConnection);
}

void CurlClient::bodyReady(const TransferPtr &transfer)
{
    if (!transfer || !transfer->sendPaused || transfer->cancelled)
        return;
    transfer->sendPaused = false;
    QMetaObject::invokeMethod(
            this,
            [this, transfer] {
                if (m_transfers.contains(transfer.get()) && !transfer->cancelled) {
                    curl_easy_pause(transfer->easy,
                                    transfer->paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
                    drainCompleted();
                }
            },
            Qt::QueuedConnection);
}

void CurlClient::resume(const TransferPtr &transfer)
{
    if (!transfer || !transfer->paused || transfer->cancelled)
        return;
    transfer->paused = false;
    QMetaObject::invokeMethod(
            this,
            [this, transfer] {
                Transfer *t = transfer.get();
                if (!m_transfers.contains(t) || t->cancelled)
                    return;
                // First what the decoder still holds; libcurl reads on only once it is taken.
                if (t->decoder && !handOver(t)) {
                    if (t->bodyError)
                        finish(t, *t->bodyError);
                    return; // paused again (or cancelled)
                }
                if (t->doneWhenDrained)
                    return finish(t, {});
                curl_easy_pause(t->easy, t->sendPaused ? CURLPAUSE_SEND : CURLPAUSE_CONT);
                drainCompleted();
            },
            Qt::QueuedConnection);
}

} // namespace tap::upstream
