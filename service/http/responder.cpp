#include "http/responder.h"

#include "http/connection.h"

#include <QThread>

namespace tap::http {

namespace {

// Runs `fn(connection)` on the connection's thread if the connection still exists.
template <typename Fn>
void onConnectionThread(const std::shared_ptr<Responder::State> &d, Fn fn)
{
    QObject *context = d->context.data();
    if (context && context->thread() == QThread::currentThread()) {
        if (Connection *c = d->connection.data())
            fn(c);
        return;
    }
    if (!context)
        return;
    QMetaObject::invokeMethod(
            context,
            [d, fn = std::move(fn)]() mutable {
                if (Connection *c = d->connection.data())
                    fn(c);
            },
            Qt::QueuedConnection);
}

} // namespace

Responder::Responder() : d(std::make_shared<State>()) { }

void Responder::send(Response response) const
{
    if (d->started.exchange(true))
        return;
    d->finished = true;
    onConnectionThread(d,
                       [seq = d->sequence, response = std::move(response)](Connection *c) mutable {
                           c->deliver(seq, std::move(response));
                       });
}

void Responder::begin(int status, HeaderList headers) const
{
    if (d->started.exchange(true))
        return;
    onConnectionThread(
            d, [seq = d->sequence, status, headers = std::move(headers)](Connection *c) mutable {
                c->deliverBegin(seq, status, std::move(headers));
            });
}

void Responder::write(QByteArray chunk) const
{
    if (!d->started || d->finished)
        return;
    onConnectionThread(d, [seq = d->sequence, chunk = std::move(chunk)](Connection *c) mutable {
        c->deliverChunk(seq, std::move(chunk));
    });
}

void Responder::end() const
{
    if (!d->started || d->finished.exchange(true))
        return;
    onConnectionThread(d, [seq = d->sequence](Connection *c) { c->deliverEnd(seq); });
}

qint64 Responder::bufferedBytes() const
{
    Connection *c = d->connection.data();
    return c ? c->pendingOutput() : 0;
}

void Responder::onDrained(qint64 lowWatermark, std::function<void()> callback) const
{
    if (Connection *c = d->connection.data())
        c->setDrainCallback(d->sequence, lowWatermark, std::move(callback));
}

void Responder::abort() const
{
    if (d->finished.exchange(true))
        return;
    onConnectionThread(d, [seq = d->sequence](Connection *c) { c->deliverAbort(seq); });
}

bool Responder::isActive() const
{
    return !d->finished;
}

void Responder::onCancel(std::function<void()> callback) const
{
    onConnectionThread(d, [d = d, callback = std::move(callback)](Connection *) mutable {
        if (!d->finished)
            d->cancel = std::move(callback);
    });
}

} // namespace tap::http
