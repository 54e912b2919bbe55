#pragma once

#include "core/result.h"
#include "forward/audittrail.h"
#include "forward/oauth2retry.h"
#include "forward/responsesink.h"
#include "sanitizer/scrubber.h"
#include "store/auditstore.h"
#include "upstream/curlclient.h"

#include <QElapsedTimer>

#include <memory>
#include <optional>

namespace tap::http {
class BodyStream;
}

namespace tap::forward {

// The rule of every /forward answer, in one place: its record is in the audit trail before
// the agent (or the poll of an approved request) sees it. A record that cannot be written
// turns the answer into 503 with `refusal`; without a record (the agent is not known, so
// there is no team's trail) the answer goes out as it is. With a thread to come back to the
// record goes through writeAsync() (AuditSink: durable in its journal, then answered at once;
// committed to the database in batches after), else a synchronous write.
struct AuditedAnswer
{
    http::Response response;
    bool forwarded = false; // the upstream's answer, not an error of TAP's
    QString requestId;
    QString refusal;
};
void answerAfterAudit(AuditTrail &trail, const std::shared_ptr<ResponseSink> &sink,
                      std::optional<store::AuditRecord> record, AuditedAnswer answer);

// The relay's hold on its upstream transfer (libcurl in tapd, a fake in tests).
class Transfer
{
public:
    virtual ~Transfer() = default;
    virtual void cancel() = 0; // no event reaches the relay after this
    virtual void resume() = 0; // receiving, after onData() returned false
    virtual void bodyReady() = 0; // more of a streamed request body is there
};

// Relays one upstream answer to the exchange's sink: owns the scrubber (headers and body,
// across chunk boundaries), the transfer and the audit record.
//
//              sink live (agent waiting)                 sink stored (approved request)
//  buffered    whole answer up to bufferBytes decoded;   whole answer up to storedBytes, larger
//              record, then answer                       fails (response_too_large); record,
//                                                        then deliver
//  streamed    larger, unknown-length or event-stream:   never
//              record before the first byte, completed
//              (redactions, latency) at the end; an
//              upstream error mid-stream aborts the body
class Relay : public std::enable_shared_from_this<Relay>
{
public:
    struct Limits
    {
        // The upstream's Content-Length counts compressed bytes: an answer announced small
        // that decodes larger switches to streaming once its decoded bytes pass bufferBytes.
        qint64 bufferBytes = 256 * 1024;
        qint64 storedBytes = 10 * 1024 * 1024; // TAP_MAX_RESPONSE_BUFFER_BYTES
        qint64 highWatermark = 1024 * 1024; // pause the upstream above this much unsent output
        qint64 lowWatermark = 256 * 1024;
    };

    // `record`: the exchange's audit record so far (who asked for what, why, decided by whom);
    // the relay adds status, latencies and redactions. `timer` started with the exchange.
    Relay(AuditTrail &trail, std::shared_ptr<ResponseSink> sink, sanitizer::Scrubber scrubber,
          store::AuditRecord record, QElapsedTimer timer, Limits limits);

    // Sends `request` on this thread's CurlClient. The transfer keeps the relay alive until it
    // ends or is cancelled (the agent hanging up cancels it).
    void start(upstream::Request request, const std::shared_ptr<http::BodyStream> &body);
    // The transfer the events below come from (start() attaches a libcurl one).
    void attach(std::unique_ptr<Transfer> transfer);
    // An oauth2 exchange: a 401 to a buffered request is discarded (nothing of it reaches the
    // sink) and the request sent once more as `resend` makes it (shouldRetryOAuth2()).
    void setResender(Resender resend) { m_resend = std::move(resend); }

    // The transfer's events (upstream::Handlers), on the relay's thread.
    void onHead(int status, const http::HeaderList &headers, qint64 contentLength);
    bool onData(const QByteArray &chunk); // false: pause until the sink drained
    void onDone(core::Result<void> outcome);

    bool isStreaming() const { return m_streaming; }

private:
    store::AuditRecord record() const;
    bool beginStream();
    bool keepReceiving();
    void cancelTransfer();
    void fail(const core::Error &error, const QString &reason);
    void finishStream(core::Result<void> outcome);
    void resend();

    AuditTrail &m_trail;
    std::shared_ptr<ResponseSink> m_sink;
    sanitizer::Scrubber m_scrubber;
    store::AuditRecord m_record;
    QElapsedTimer m_timer;
    Limits m_limits;
    std::unique_ptr<Transfer> m_transfer;
    qint64 m_upstreamStartNs = 0;
    int m_upstreamLatencyMs = -1;
    int m_status = 0;
    http::HeaderList m_headers;
    QByteArray m_buffered;
    bool m_streaming = false;
    store::AuditRecord m_streamRecord; // written before the first byte, completed at the end
    Resender m_resend;
    bool m_bodyStreamed = false;
    bool m_retried = false;
    bool m_discarding = false; // the refused answer, dropped until its transfer ends
};

} // namespace tap::forward
