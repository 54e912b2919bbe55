#include "sanitizer/scrubber.h"

#include <algorithm>

namespace tap::sanitizer {

Scrubber::Scrubber(const QList<Secret> &secrets)
{
    std::array<QList<QList<QByteArray>>, ViewCount> patterns;
    for (const Secret &secret : secrets) {
        if (secret.value.isEmpty())
            continue;
        for (int v = 0; v < ViewCount; ++v)
            patterns[v].append(patternsFor(View(v), secret.value.view()));
        QByteArray replacement = QByteArrayLiteral("[REDACTED:");
        replacement += secret.name.toUtf8();
        replacement += ']';
        m_replacements.append(replacement);
    }
    for (int v = 0; v < ViewCount; ++v) {
        m_automata[v] = Automaton(patterns[v]);
        const qsizetype length = m_automata[v].maxPatternLength();
        m_maxPatternLength = std::max(m_maxPatternLength, length);
        if (length > 0)
            m_window = std::max(m_window, sourceSpan(View(v), length));
        for (QList<QByteArray> &list : patterns[v]) {
            for (QByteArray &pattern : list)
                core::wipe(pattern);
        }
    }
    for (int byte = 0; byte < 256; ++byte) {
        const auto b = uchar(byte);
        m_quiet[b] = b != '%' && b != '\\' && b != '\r' && b != '\n';
        for (int v = 0; v < ViewCount; ++v)
            m_quiet[b] = m_quiet[b]
                    && !m_automata[v].startsPattern(View(v) == View::Percent ? detail::foldPlus(b)
                                                                             : b);
    }
}

// Every view at its root state and no decoder holding bytes: a quiet byte changes nothing.
bool Scrubber::idle(const Stream &stream) const
{
    for (const ViewStream &vs : stream.views) {
        if (vs.state != 0)
            return false;
    }
    return stream.percent.idle() && stream.json.idle() && stream.joined.idle();
}

// Feeds one view symbol to its view's automaton and notes every pattern that ends with it, by
// the source range it covers. Only the longest match per source start is kept.
void Scrubber::onSymbol(Stream &stream, int view, uchar symbol, qint64 start, qint64 end)
{
    const Automaton &automaton = m_automata[view];
    ViewStream &vs = stream.views[view];
    const qsizetype size = vs.spans.size();
    vs.spans[vs.length % size] = Span{ start, end };
    vs.state = automaton.step(vs.state, symbol);
    if (automaton.node(vs.state).output >= 0) {
        automaton.forEachMatch(vs.state, [&](int length, int secret) {
            const qint64 first = vs.spans.at((vs.length + 1 - length) % size).start;
            if (first < stream.cursor)
                return; // inside text that is already decided
            Hit &hit = stream.hits[first % m_window];
            if (hit.start != first || hit.length < end - first)
                hit = Hit{ first, end - first, secret };
            stream.lastHitStart = std::max(stream.lastHitStart, first);
        });
    }
    ++vs.length;
}

void Scrubber::scanByte(Stream &stream, uchar byte, qint64 pos)
{
    const auto sink = [&](int view) {
        return [this, &stream, view](uchar symbol, qint64 start, qint64 end) {
            onSymbol(stream, view, symbol, start, end);
        };
    };
    onSymbol(stream, int(View::Raw), byte, pos, pos + 1);
    stream.percent.push(byte, pos, sink(int(View::Percent)));
    stream.json.push(byte, pos, sink(int(View::Json)));
    stream.joined.push(byte, pos, sink(int(View::Joined)));
}

void Scrubber::flushDecoders(Stream &stream)
{
    const auto sink = [&](int view) {
        return [this, &stream, view](uchar symbol, qint64 start, qint64 end) {
            onSymbol(stream, view, symbol, start, end);
        };
    };
    stream.percent.flush(sink(int(View::Percent)));
    stream.json.flush(sink(int(View::Json)));
    stream.joined.flush(sink(int(View::Joined)));
}

// The first source position that may still begin a match: the source start of the deepest
// open trie node on each view's failure chain (Automaton::Node::openDepth) and of the bytes a
// decoder holds; `next` (the first byte not yet scanned) when nothing is open.
qint64 Scrubber::undecidedFrom(const Stream &stream, qint64 next) const
{
    qint64 limit = next;
    for (int v = 0; v < ViewCount; ++v) {
        const ViewStream &vs = stream.views[v];
        const int depth = m_automata[v].node(vs.state).openDepth;
        if (depth > 0)
            limit = std::min(limit, vs.spans.at((vs.length - depth) % vs.spans.size()).start);
    }
    for (const qint64 held : { stream.percent.pendingStart(), stream.json.pendingStart(),
                               stream.joined.pendingStart() }) {
        if (held >= 0)
            limit = std::min(limit, held);
    }
    return limit;
}

void Scrubber::reset(Stream &stream) const
{
    stream.cursor = 0;
    stream.lastHitStart = -1;
    stream.hits.fill(Hit{});
    for (ViewStream &vs : stream.views) {
        vs.state = 0;
        vs.length = 0;
    }
    stream.percent = {};
    stream.json = {};
    stream.joined = {};
}

// Scans `chunk` after the pending bytes. A position is decided once no match that starts there
// can still be incomplete in any view (undecidedFrom); then the longest match starting there,
// if any, is replaced, and the bytes before it are emitted unchanged.
QByteArray Scrubber::run(Stream &stream, QByteArrayView chunk, bool flush)
{
    if (isEmpty())
        return chunk.toByteArray();
    if (stream.hits.isEmpty()) {
        stream.hits.resize(m_window);
        for (int v = 0; v < ViewCount; ++v)
            stream.views[v].spans.resize(std::max<qsizetype>(1, m_automata[v].maxPatternLength()));
    }
    QByteArray joined;
    QByteArrayView data = chunk;
    const qsizetype scanFrom = stream.pending.size();
    if (scanFrom > 0) {
        joined = stream.pending + chunk.toByteArray();
        data = joined;
    }
    const qint64 base = stream.cursor; // stream position of data[0]
    qint64 emitted = base;
    QByteArray out;
    out.reserve(data.size());
    const auto decideUpTo = [&](qint64 limit) {
        while (stream.cursor < limit) {
            if (stream.lastHitStart < stream.cursor) {
                stream.cursor = limit; // no match starts in [cursor, limit)
                return;
            }
            const Hit &hit = stream.hits.at(stream.cursor % m_window);
            if (hit.start != stream.cursor) {
                ++stream.cursor;
                continue;
            }
            out.append(data.sliced(emitted - base, stream.cursor - emitted));
            out.append(m_replacements.at(hit.secret));
            ++m_redactions;
            stream.cursor += hit.length;
            emitted = stream.cursor;
        }
    };
    for (qsizetype i = scanFrom; i < data.size();) {
        if (m_quiet[uchar(data[i])] && idle(stream)) {
            // Fast path: a run of quiet bytes is decided as a whole.
            while (i < data.size() && m_quiet[uchar(data[i])])
                ++i;
            decideUpTo(base + i);
            continue;
        }
        scanByte(stream, uchar(data[i]), base + i);
        ++i;
        decideUpTo(undecidedFrom(stream, base + i));
    }
    if (flush) {
        flushDecoders(stream);
        decideUpTo(base + data.size());
    }
    out.append(data.sliced(emitted - base, stream.cursor - emitted));
    stream.pending = data.sliced(stream.cursor - base).toByteArray();
    if (flush)
        reset(stream);
    return out;
}

QByteArray Scrubber::feed(QByteArrayView chunk)
{
    return run(m_stream, chunk, false);
}

QByteArray Scrubber::finish()
{
    return run(m_stream, {}, true);
}

QByteArray Scrubber::scrubAll(QByteArrayView whole)
{
    Stream oneShot;
    return run(oneShot, whole, true);
}

} // namespace tap::sanitizer
