#pragma once

#include "core/secretbytes.h"
#include "sanitizer/automaton.h"
#include "sanitizer/views.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>
#include <bitset>
#include <memory>

namespace tap::sanitizer {

struct Secret
{
    QString name; // credential name, shown in "[REDACTED:<name>]"; not secret
    core::SecretBytes value;
};

// Removes credential values from text that leaves the process (README "Hardening",
// "Response scrubbing": exact, base64 and URL-encoded variants become
// "[REDACTED:credential-name]").
//
// The stream is read through four views at once (views.h), each with its own Aho-Corasick
// automaton, and a match in any view replaces the source bytes it was decoded from:
//   - Raw: the exact bytes of every secret with a non-empty value;
//   - Percent: the value percent-encoded with any subset of its bytes as %XX, in either hex
//     case (RFC 3986 §2.1), '+' standing for space (application/x-www-form-urlencoded); '+'
//     and space are not told apart, so "a%2Bb" is also taken for the value "a b";
//   - Json: the value inside a JSON string (RFC 8259 §7) with any of its characters escaped:
//     \" \\ \/ \b \f \n \r \t, or \uXXXX in either hex case (UTF-16, surrogate pairs for
//     characters beyond the BMP);
//   - Joined (the text with runs of one or two CR/LF bytes left out, i.e. MIME-wrapped text
//     at any line length): standard base64 and base64url (RFC 4648 §4, §5) with and without
//     '=' padding; for values of at least 6 bytes also the characters that depend only on the
//     value when it sits at byte offset 0, 1 or 2 of a longer encoded run (e.g. the password
//     inside an echoed "Authorization: Basic base64(user:password)"); for values of at least 4
//     bytes the lower- and upper-case hexadecimal form.
// Matching is leftmost-first (by source position); at one position the longest source range
// wins; replaced ranges do not overlap. A pattern shared by two secrets is reported under the
// first one.
//
// Whole escapes: a replaced range never begins or ends strictly inside a multi-byte symbol of
// the Percent or Json view ("%XX", a JSON escape, a surrogate pair "\uD83D\uDD11"); it is
// widened to the symbol's bounds (up to 11 more bytes at each end). Otherwise the cut would
// leave part of an escape as literal text ("p%61ss%8" + "[REDACTED]" from "p%61ss%87…", where
// "%87" was one byte) that decodes, with its neighbours, to a secret. So what is left between
// two replacements decodes exactly as it did in the whole text. A match that begins inside
// the widened tail of a replaced range is kept, from the end of that range on. Bytes a decoder
// holds are not swallowed when they turn out literal: the decision waits for them.
//
// Streaming: feed() returns only bytes that can no longer be part of a match and keeps the
// rest (at most maxHeldBytes(), usually far fewer) for the next call, so a secret split across
// any chunk boundary is still found; finish() flushes. There is no size above which scanning
// stops. Cost: per input byte, a constant amount of decoding and one automaton step per view
// symbol (amortised O(1), independent of the number of secrets) plus O(pattern length) per
// redaction; nothing is ever scanned twice.
//
// Copies share the automata (immutable) and start with the streaming state of the original. A
// stream's position tables (a few entries per byte of the longest pattern) go back to the
// copies' shared pool when the scrubber dies, and the next stream of any copy reuses them, so a
// short-lived copy per request allocates no tables. Each copy is for one thread at a time; the
// pool is thread-safe.
//
// Not guaranteed: other encodings and combinations of them (double percent-encoding, a
// JSON-escaped base64 or percent-encoded value, mixed-case hex, hex with separators, UTF-16,
// compression), and secrets shorter than a few bytes, which will also redact innocent text
// that happens to contain them.
class Scrubber
{
public:
    explicit Scrubber(const QList<Secret> &secrets);
    Scrubber(const Scrubber &other) = default;
    Scrubber(Scrubber &&other) noexcept = default;
    Scrubber &operator=(const Scrubber &other);
    Scrubber &operator=(Scrubber &&other) noexcept;
    ~Scrubber();

    // Returns the scrubbed bytes of the stream that are final so far.
    QByteArray feed(QByteArrayView chunk);
    // Returns the rest of the stream and resets the streaming state (redactions() is kept).
    QByteArray finish();
    // Scrubs a complete value in one go (e.g. a header value), independent of feed()/finish().
    QByteArray scrubAll(QByteArrayView whole);

    // Replacements made so far by feed(), finish() and scrubAll().
    int redactions() const { return m_redactions; }
    bool isEmpty() const { return m_tables->automata[0].isEmpty(); }
    // The longest pattern of any view, in view symbols.
    qsizetype maxPatternLength() const { return m_tables->maxPatternLength; }
    // The most bytes feed() may keep back between calls.
    qsizetype maxHeldBytes() const { return m_tables->window; }
    // Finished streams' tables waiting in the copies' shared pool (for tests).
    qsizetype spareTables() const;

private:
    struct Hit
    {
        qint64 start = -1; // absolute stream position; the slot is stale unless it matches
        qint64 length = 0; // source bytes
        int secret = -1;
    };
    struct Span
    {
        qint64 start = 0; // the source range a view symbol was decoded from
        qint64 end = 0;
    };
    struct Unit
    {
        qint64 pos = -1; // absolute stream position; the slot is stale unless it matches
        Span symbol; // the multi-byte Percent or Json symbol that covers pos strictly inside
    };
    struct ViewStream
    {
        int state = 0;
        qint64 length = 0; // symbols so far
    };
    // The tables of a stream whose slots tell by their position whether they are stale (see
    // reset()), so a finished stream's tables serve the next stream as they are, once its
    // positions go on past every noted one (`end`).
    struct Ring
    {
        QList<Hit> hits; // longest match starting at each pending position, by position % size
        QList<Unit> units; // for positions inside a multi-byte symbol, by position % size
        std::array<QList<Span>, ViewCount> spans; // of each view's last symbols, by index % size
        qint64 end = 0; // no slot notes a position at or after it
    };
    struct Stream
    {
        qint64 cursor = 0; // first byte not yet emitted or replaced
        qint64 lastHitStart = -1;
        QByteArray pending; // the bytes from cursor to the end of what has been scanned
        Ring ring; // empty until the stream's first byte
        qint64 unitsEnd = 0; // no position at or after it lies inside a noted symbol
        Span clip; // the widened tail of the last replacement: a match starting there is moved
        std::array<ViewStream, ViewCount> views;
        PercentDecoder percent;
        JsonDecoder json;
        JoinedDecoder joined;
    };
    // What the copies share: built from the secrets, then immutable but for `spare`.
    struct Tables
    {
        std::array<Automaton, ViewCount> automata;
        QList<QByteArray> replacements;
        qsizetype maxPatternLength = 0;
        qsizetype window = 0; // size of Ring::hits and ::units: bounds the undecided range
        std::array<bool, 256> quiet{}; // no view can begin a symbol, escape or match with it
        // A byte that begins a symbol or escape, or is a one-symbol pattern of some view.
        std::array<bool, 256> lone{};
        // Byte pairs that some view's pattern begins with (by the pair's raw bytes).
        std::bitset<256 * 256> pairs;
        QMutex lock;
        QList<Ring> spare; // finished streams' tables (guarded by `lock`)
    };

    QByteArray run(Stream &stream, QByteArrayView chunk, bool flush);
    void scanByte(Stream &stream, uchar byte, qint64 pos);
    void flushDecoders(Stream &stream);
    void onSymbol(Stream &stream, int view, uchar symbol, qint64 start, qint64 end);
    void noteUnit(Stream &stream, qint64 start, qint64 end) const;
    Span unitAround(const Stream &stream, qint64 pos) const;
    void offerHit(Stream &stream, qint64 first, qint64 end, int secret) const;
    Hit widenedHit(const Stream &stream, qint64 last, qint64 &matchEnd) const;
    bool holdsBefore(const Stream &stream, qint64 end) const;
    void replaced(Stream &stream, const Hit &hit, qint64 matchEnd) const;
    qint64 undecidedFrom(const Stream &stream, qint64 next) const;
    bool idle(const Stream &stream) const;
    bool passes(QByteArrayView data, qsizetype i) const;
    void reset(Stream &stream) const;
    void takeRing(Stream &stream) const;
    static void notePairs(Tables &t, View view, const QList<QList<QByteArray>> &patterns);
    void giveBack(Stream &stream) const;

    std::shared_ptr<Tables> m_tables; // null only when moved from
    int m_redactions = 0;
    Stream m_stream;
    Stream m_oneShot; // scrubAll()'s, kept so that each call does not allocate its tables
};

} // namespace tap::sanitizer
