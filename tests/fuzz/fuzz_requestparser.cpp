// Fuzzing of the HTTP/1.1 request parser (service/http/requestparser). Input: 4 bytes that seed
// the splits, then the byte stream a client sends. The stream is fed whole, and in pieces whose
// sizes come from the seed. Checked: no crash or sanitizer finding; both feedings give the same
// events (heads, body bytes, ends, refusals with their code); a Content-Length body brings
// exactly its declared length and never more; a chunked body stays within the body limit; no
// body chunk is empty; a refusal is final.
#include "http/requestparser.h"

#include <cstdio>
#include <cstdlib>

using tap::http::RequestParser;

namespace {

constexpr qint64 kMaxHead = 512;
constexpr int kMaxCount = 16;
constexpr qint64 kMaxBody = 2048;

const uint8_t *g_data = nullptr;
size_t g_size = 0;

[[noreturn]] void fail(const char *what)
{
    fprintf(stderr, "requestparser: %s\n  input %s\n", what,
            QByteArray(reinterpret_cast<const char *>(g_data), qsizetype(g_size))
                    .toHex()
                    .constData());
    abort();
}

void check(bool ok, const char *what)
{
    if (!ok)
        fail(what);
}

struct Trace
{
    QList<QByteArray> events;
    QByteArray body; // pending body bytes, merged across chunks
    qint64 bodyLength = 0; // of the current request
    bool inBody = false;
    bool chunked = false;
    qint64 declared = 0;

    void flushBody()
    {
        if (!body.isEmpty())
            events << "body " + std::exchange(body, {});
    }
};

// Drains the events the parser has; false once it has refused the input.
bool drain(RequestParser &parser, Trace &t)
{
    for (;;) {
        const RequestParser::Event e = parser.next();
        switch (e) {
        case RequestParser::Event::NeedMore:
            return true;
        case RequestParser::Event::BodyChunk:
            check(t.inBody, "a body chunk outside a body");
            check(!parser.bodyChunk().isEmpty(), "an empty body chunk");
            t.body += parser.bodyChunk();
            t.bodyLength += parser.bodyChunk().size();
            check(t.chunked || t.bodyLength <= t.declared, "more body than Content-Length");
            check(t.bodyLength <= kMaxBody, "more body than the limit");
            check(parser.bodyReceived() == t.bodyLength, "bodyReceived() is off");
            continue;
        case RequestParser::Event::Head: {
            check(!t.inBody, "a head inside a body");
            t.flushBody();
            const auto &h = parser.head();
            check(h.chunked || (h.contentLength >= 0 && h.contentLength <= kMaxBody),
                  "a Content-Length over the limit accepted");
            check(h.headers.size() <= kMaxCount, "too many fields accepted");
            t.inBody = true;
            t.chunked = h.chunked;
            t.declared = h.contentLength;
            t.bodyLength = 0;
            QByteArray line = h.method + ' ' + h.target + ' ' + QByteArray::number(h.httpMinor)
                    + (h.chunked ? QByteArray(" chunked")
                                 : " cl=" + QByteArray::number(h.contentLength));
            for (const auto &[name, value] : h.headers)
                line += '|' + name + ':' + value;
            t.events << line;
            continue;
        }
        case RequestParser::Event::Done:
            check(t.inBody, "done outside a body");
            check(t.chunked || t.bodyLength == t.declared, "a body shorter than Content-Length");
            t.flushBody();
            t.inBody = false;
            t.events << "done";
            continue;
        case RequestParser::Event::Error:
            t.flushBody();
            t.events << "error " + QByteArray::number(int(parser.failure().code));
            check(parser.next() == RequestParser::Event::Error, "a refusal is not final");
            return false;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 64 * 1024)
        return 0;
    g_data = data;
    g_size = size;
    quint32 seed = quint32(data[0]) | quint32(data[1]) << 8 | quint32(data[2]) << 16
            | quint32(data[3]) << 24;
    const QByteArray stream(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));

    RequestParser whole(kMaxHead, kMaxCount, kMaxBody);
    Trace expected;
    whole.feed(stream);
    drain(whole, expected);
    expected.flushBody();

    RequestParser pieces(kMaxHead, kMaxCount, kMaxBody);
    Trace got;
    for (qsizetype at = 0; at < stream.size();) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        // Mostly small pieces (1..8 bytes), sometimes larger ones.
        const qsizetype n = (seed & 3) ? 1 + (seed >> 8) % 8 : 1 + (seed >> 8) % 200;
        const qsizetype take = qMin(n, stream.size() - at);
        pieces.feed(QByteArrayView(stream).sliced(at, take));
        at += take;
        if (!drain(pieces, got))
            break;
    }
    got.flushBody();
    check(got.events == expected.events, "the splits changed the events");
    return 0;
}
