#include "sanitizer/scrubber.h"

#include <algorithm>

namespace tap::sanitizer {

namespace {

// The most source bytes one view symbol comes from: a JSON surrogate pair "\uD83D\uDD11".
// A replaced range is widened by less than this at each end (see the class comment).
constexpr qsizetype MaxSymbolBytes = 12;

// The raw bytes a view symbol comes from, escapes aside: itself, and in the Percent view '+'
// for ' ' (application/x-www-form-urlencoded).
QByteArray rawBytesOf(View view, uchar symbol)
{
    QByteArray raw(1, char(symbol));
    if (view == View::Percent && symbol == ' ')
        raw += '+';
    return raw;
}

} // namespace

// For the fast path (passes()): which byte pairs begin a pattern of `view`, and which bytes are
// a whole pattern.
void Scrubber::notePairs(Tables &t, View view, const QList<QList<QByteArray>> &patterns)
{
    for (const QList<QByteArray> &list : patterns) {
        for (const QByteArray &pattern : list) {
            if (pattern.size() == 1) {
                for (const char b : rawBytesOf(view, uchar(pattern[0])))
                    t.lone[uchar(b)] = true;
            } else if (pattern.size() > 1) {
                for (const char b : rawBytesOf(view, uchar(pattern[0]))) {
                    for (const char n : rawBytesOf(view, uchar(pattern[1])))
                        t.pairs.set(size_t(uchar(b)) * 256 + uchar(n));
                }
            }
        }
    }
}

Scrubber::Scrubber(const QList<Secret> &secrets) : m_tables(std::make_shared<Tables>())
{
    Tables &t = *m_tables;
    std::array<QList<QList<QByteArray>>, ViewCount> patterns;
    for (const Secret &secret : secrets) {
        if (secret.value.isEmpty())
            continue;
        for (int v = 0; v < ViewCount; ++v)
            patterns[v].append(patternsFor(View(v), secret.value.view()));
        QByteArray replacement = QByteArrayLiteral("[REDACTED:");
        replacement += secret.name.toUtf8();
        replacement += ']';
        t.replacements.append(replacement);
    }
    for (int v = 0; v < ViewCount; ++v) {
        notePairs(t, View(v), patterns[v]);
        t.automata[v] = Automaton(patterns[v]);
        const qsizetype length = t.automata[v].maxPatternLength();
        t.maxPatternLength = std::max(t.maxPatternLength, length);
        if (length > 0)
            t.window = std::max(t.window, sourceSpan(View(v), length));
        for (QList<QByteArray> &list : patterns[v]) {
            for (QByteArray &pattern : list)
                core::wipe(pattern);
        }
    }
    // The undecided range [cursor, next) is what the longest pattern's source can span
    // (sourceSpan includes what a decoder holds), plus a widened start (< MaxSymbolBytes before
    // the match) and, while a replacement waits for an escape that a decoder holds and that
    // began inside the match, that escape (< MaxSymbolBytes past the match's end).
    t.window += 2 * MaxSymbolBytes;
    for (int byte = 0; byte < 256; ++byte) {
        const auto b = uchar(byte);
        t.quiet[b] = b != '%' && b != '\\' && b != '\r' && b != '\n';
        t.lone[b] = t.lone[b] || !t.quiet[b];
        for (int v = 0; v < ViewCount; ++v)
            t.quiet[b] = t.quiet[b]
                    && !t.automata[v].startsPattern(View(v) == View::Percent ? detail::foldPlus(b)
                                                                             : b);
    }
}

Scrubber &Scrubber::operator=(const Scrubber &other)
{
    if (this != &other) {
        Scrubber copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Scrubber &Scrubber::operator=(Scrubber &&other) noexcept
{
    if (this != &other) {
        if (m_tables) { // this scrubber's streams are done: their tables go back to its pool
            giveBack(m_stream);
            giveBack(m_oneShot);
        }
        m_tables = std::move(other.m_tables);
        m_redactions = other.m_redactions;
        m_stream = std::move(other.m_stream);
        m_oneShot = std::move(other.m_oneShot);
    }
    return *this;
}

Scrubber::~Scrubber()
{
    if (!m_tables)
        return; // moved from
    giveBack(m_stream);
    giveBack(m_oneShot);
}

qsizetype Scrubber::spareTables() const
{
    QMutexLocker locker(&m_tables->lock);
    return m_tables->spare.size();
}

// A stream's first byte: the tables a finished stream gave back, else new ones. Its positions
// start past every position noted in reused tables, so none of their slots can look current.
void Scrubber::takeRing(Stream &stream) const
{
    Tables &t = *m_tables;
    {
        QMutexLocker locker(&t.lock);
        if (!t.spare.isEmpty()) {
            stream.ring = t.spare.takeLast();
            stream.cursor = std::max(stream.cursor, stream.ring.end);
            return;
        }
    }
    stream.ring.hits.resize(t.window);
    stream.ring.units.resize(t.window);
    for (int v = 0; v < ViewCount; ++v)
        stream.ring.spans[v].resize(std::max<qsizetype>(1, t.automata[v].maxPatternLength()));
}

// Keeps the tables of a stream that is done for the next stream of any copy: a bounded number,
// about a megabyte per scrubber at most (the secrets are in the automata, never in the slots).
void Scrubber::giveBack(Stream &stream) const
{
    if (stream.ring.hits.isEmpty())
        return;
    constexpr qsizetype MaxSpareSlots = 16 * 1024; // Hit + Unit: 48 bytes a slot
    constexpr qsizetype MaxSpare = 16;
    Tables &t = *m_tables;
    stream.ring.end = stream.cursor + stream.pending.size(); // past everything scanned
    QMutexLocker locker(&t.lock);
    if (t.spare.size() < std::min(MaxSpare, std::max<qsizetype>(1, MaxSpareSlots / t.window)))
        t.spare.append(std::move(stream.ring));
    stream.ring = {};
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

// Whether data[i], read with every view at its root state and no decoder holding bytes, changes
// nothing: it begins no symbol, escape or match in any view (quiet), or it is a plain byte and
// no pattern begins with it and the plain byte after it. Then every view's automaton, fed both,
// ends where it ends fed only the second (the first's trie node has no child for it, so the
// failure link leads back to the root), no match involves the first, and it is decided at once.
bool Scrubber::passes(QByteArrayView data, qsizetype i) const
{
    const Tables &t = *m_tables;
    const auto b = uchar(data[i]);
    if (t.quiet[b])
        return true;
    if (t.lone[b] || i + 1 >= data.size())
        return false;
    const auto next = uchar(data[i + 1]);
    const bool escapeOrBreak = next == '%' || next == '\\' || next == '\r' || next == '\n';
    return !escapeOrBreak && !t.pairs.test(size_t(b) * 256 + next);
}

// Feeds one view symbol to its view's automaton and notes every pattern that ends with it, by
// the source range it covers. Only the longest match per source start is kept.
void Scrubber::onSymbol(Stream &stream, int view, uchar symbol, qint64 start, qint64 end)
{
    const Automaton &automaton = m_tables->automata[view];
    ViewStream &vs = stream.views[view];
    QList<Span> &spans = stream.ring.spans[view];
    const qsizetype size = spans.size();
    spans[vs.length % size] = Span{ start, end };
    if (end - start > 1 && (view == int(View::Percent) || view == int(View::Json)))
        noteUnit(stream, start, end);
    vs.state = automaton.step(vs.state, symbol);
    if (automaton.node(vs.state).output >= 0) {
        automaton.forEachMatch(vs.state, [&](int length, int secret) {
            offerHit(stream, spans.at((vs.length + 1 - length) % size).start, end, secret);
        });
    }
    ++vs.length;
}

// Notes, for each position strictly inside the multi-byte symbol [start, end), the symbol's
// bounds. Percent and Json symbols never overlap ('%' is not part of a JSON escape, '\\' not
// of a percent escape), so each position has at most one.
void Scrubber::noteUnit(Stream &stream, qint64 start, qint64 end) const
{
    if (unitAround(stream, start + 1).start == start)
        return; // already noted: one escape can decode to several UTF-8 bytes
    for (qint64 pos = start + 1; pos < end; ++pos)
        stream.ring.units[pos % m_tables->window] = Unit{ pos, Span{ start, end } };
    stream.unitsEnd = std::max(stream.unitsEnd, end);
}

// The multi-byte Percent or Json symbol that covers `pos` strictly inside, else {pos, pos}.
// Known for the positions of the undecided range once the symbol is complete.
Scrubber::Span Scrubber::unitAround(const Stream &stream, qint64 pos) const
{
    if (pos < stream.unitsEnd) {
        const Unit &unit = stream.ring.units.at(pos % m_tables->window);
        if (unit.pos == pos)
            return unit.symbol;
    }
    return Span{ pos, pos };
}

// Notes a match of the source range [first, end). Only the longest match per start is kept.
void Scrubber::offerHit(Stream &stream, qint64 first, qint64 end, int secret) const
{
    if (first >= stream.clip.start && first < stream.clip.end)
        first = stream.clip.end; // began in the widened tail of a replacement (replaced())
    if (first < stream.cursor || first >= end)
        return; // inside text that is already decided
    Hit &hit = stream.ring.hits[first % m_tables->window];
    if (hit.start != first || hit.length < end - first)
        hit = Hit{ first, end - first, secret };
    stream.lastHitStart = std::max(stream.lastHitStart, first);
}

// The longest match that starts at the cursor or inside the multi-byte symbol that starts there
// (up to `last`), widened at its end to a whole symbol; start < 0 if there is none. `matchEnd`
// gets the end of the match itself.
Scrubber::Hit Scrubber::widenedHit(const Stream &stream, qint64 last, qint64 &matchEnd) const
{
    Hit best;
    matchEnd = stream.cursor;
    for (qint64 pos = stream.cursor; pos < last; ++pos) {
        const Hit &hit = stream.ring.hits.at(pos % m_tables->window);
        if (hit.start == pos && pos + hit.length > matchEnd) {
            best = hit;
            matchEnd = pos + hit.length;
        }
    }
    if (best.start < 0)
        return best;
    const qint64 end = std::max(matchEnd, unitAround(stream, matchEnd).end);
    return Hit{ stream.cursor, end - stream.cursor, best.secret };
}

// Whether a decoder holds an escape that begins before `end`: until it completes (and widens a
// replacement ending at `end`) or turns out literal, the replacement is not decided.
bool Scrubber::holdsBefore(const Stream &stream, qint64 end) const
{
    for (const qint64 held : { stream.percent.pendingStart(), stream.json.pendingStart() }) {
        if (held >= 0 && held < end)
            return true;
    }
    return false;
}

// Moves the cursor past the replaced `hit`. A match that began in its widened tail
// [matchEnd, end) and reaches beyond it is kept from `end` on, like one found there later
// (offerHit), so a widening never uncovers the rest of a neighbouring secret.
void Scrubber::replaced(Stream &stream, const Hit &hit, qint64 matchEnd) const
{
    const qint64 end = hit.start + hit.length;
    stream.cursor = end;
    stream.clip = Span{ matchEnd, end };
    for (qint64 pos = matchEnd; pos < end; ++pos) {
        const Hit tail = stream.ring.hits.at(pos % m_tables->window);
        if (tail.start == pos)
            offerHit(stream, pos, pos + tail.length, tail.secret);
    }
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

// The first source position that may still begin a replacement: the source start of the
// deepest open trie node on each view's failure chain (Automaton::Node::openDepth), widened to
// the symbol around it, and of the bytes a decoder holds; `next` (the first byte not yet
// scanned) when nothing is open.
qint64 Scrubber::undecidedFrom(const Stream &stream, qint64 next) const
{
    qint64 limit = next;
    for (int v = 0; v < ViewCount; ++v) {
        const ViewStream &vs = stream.views[v];
        const QList<Span> &spans = stream.ring.spans[v];
        const int depth = m_tables->automata[v].node(vs.state).openDepth;
        if (depth > 0)
            limit = std::min(
                    limit,
                    unitAround(stream, spans.at((vs.length - depth) % spans.size()).start).start);
    }
    for (const qint64 held : { stream.percent.pendingStart(), stream.json.pendingStart(),
                               stream.joined.pendingStart() }) {
        if (held >= 0)
            limit = std::min(limit, held);
    }
    return limit;
}

// Positions go on from where the finished stream ended (the cursor), so every slot of `hits`,
// `units` and the views' spans is stale by its position and nothing needs clearing: a reset
// costs the same for any window size.
void Scrubber::reset(Stream &stream) const
{
    stream.lastHitStart = -1;
    stream.clip = Span{};
    for (ViewStream &vs : stream.views) {
        vs.state = 0;
        vs.length = 0;
    }
    stream.percent = {};
    stream.json = {};
    stream.joined = {};
}

// Scans `chunk` after the pending bytes. A position is decided once no match that starts there
// (or inside the multi-byte symbol that starts there) can still be incomplete in any view
// (undecidedFrom); then the longest such match, if any, is replaced, widened to whole symbols,
// once no decoder holds an escape that begins inside it; the bytes before it are emitted
// unchanged.
QByteArray Scrubber::run(Stream &stream, QByteArrayView chunk, bool flush)
{
    if (isEmpty())
        return chunk.toByteArray();
    if (stream.ring.hits.isEmpty())
        takeRing(stream);
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
            const Span symbol = unitAround(stream, stream.cursor + 1);
            const qint64 last = symbol.start == stream.cursor ? symbol.end : stream.cursor + 1;
            qint64 matchEnd = 0;
            const Hit hit = widenedHit(stream, last, matchEnd);
            if (hit.start < 0) {
                stream.cursor = last;
                continue;
            }
            if (holdsBefore(stream, hit.start + hit.length))
                return; // decided when the held escape completes or turns out literal
            out.append(data.sliced(emitted - base, stream.cursor - emitted));
            out.append(m_tables->replacements.at(hit.secret));
            ++m_redactions;
            replaced(stream, hit, matchEnd);
            emitted = stream.cursor;
        }
    };
    const std::array<bool, 256> &quiet = m_tables->quiet;
    // A quiet byte is one table lookup (a streamed body is mostly such bytes); passes() is for
    // the rest.
    const auto skips = [&](qsizetype i) { return quiet[uchar(data[i])] || passes(data, i); };
    for (qsizetype i = scanFrom; i < data.size();) {
        if (skips(i) && idle(stream)) {
            // Fast path: a run of bytes that change nothing is decided as a whole.
            while (i < data.size() && skips(i))
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
    if (whole.isEmpty())
        return {};
    return run(m_oneShot, whole, true); // reset by the flush: ready for the next value
}

} // namespace tap::sanitizer
