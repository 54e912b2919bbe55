#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace tap::sanitizer {

// The "views" of a byte stream that the Scrubber matches secrets in. Each view is a streaming
// decoder: push() takes one source byte at stream position `pos` and emits zero or more view
// symbols through emit(symbol, srcStart, srcEnd), where [srcStart, srcEnd) is the source range
// that the symbol was decoded from. Decoders look at most a fixed number of bytes ahead (held
// bytes, pendingStart()); flush() emits them literally at the end of the stream.
enum class View {
    Raw, // the bytes as they are
    Percent, // RFC 3986 percent-decoding (%XX, either hex case), '+' and ' ' folded to ' '
    Json, // RFC 8259 string unescaping: \" \\ \/ \b \f \n \r \t and \uXXXX (surrogate pairs)
    Joined, // CR and LF left out (runs of up to two: MIME line breaks), for base64 and hex
};
constexpr int ViewCount = 4;

// The patterns of one secret in one view (empty patterns are skipped by the automaton).
QList<QByteArray> patternsFor(View view, QByteArrayView value);

// The longest source range that the symbols of a pattern of `length` symbols come from, plus
// what a decoder may hold: a bound on the bytes a view keeps undecided.
qsizetype sourceSpan(View view, qsizetype length);

namespace detail {

inline int hexValue(uchar c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

inline uchar foldPlus(uchar c)
{
    return c == '+' ? uchar(' ') : c;
}

} // namespace detail

class PercentDecoder
{
public:
    template <typename Emit>
    void push(uchar byte, qint64 pos, Emit &&put)
    {
        if (m_held > 0) {
            const int value = detail::hexValue(byte);
            if (value >= 0 && m_held == 1) {
                m_digit = byte;
                m_held = 2;
                return;
            }
            if (value >= 0) {
                put(detail::foldPlus(uchar(detail::hexValue(m_digit) * 16 + value)), m_start,
                    pos + 1);
                m_held = 0;
                return;
            }
            flush(put); // not an escape: the held bytes are themselves
        }
        if (byte == '%') {
            m_held = 1;
            m_start = pos;
            return;
        }
        put(detail::foldPlus(byte), pos, pos + 1);
    }

    template <typename Emit>
    void flush(Emit &&put)
    {
        if (m_held >= 1)
            put(uchar('%'), m_start, m_start + 1);
        if (m_held == 2)
            put(detail::foldPlus(m_digit), m_start + 1, m_start + 2);
        m_held = 0;
    }

    qint64 pendingStart() const { return m_held > 0 ? m_start : -1; }
    bool idle() const { return m_held == 0; }

private:
    int m_held = 0; // 1: "%", 2: "%X"
    uchar m_digit = 0;
    qint64 m_start = 0;
};

class JsonDecoder
{
public:
    template <typename Emit>
    void push(uchar byte, qint64 pos, Emit &&put)
    {
        if (m_state == Escape) {
            const uchar simple = simpleEscape(byte);
            if (simple != 0) {
                flushHigh(put);
                put(simple, m_start, pos + 1);
                m_state = Plain;
                return;
            }
            if (byte == 'u') {
                m_state = Unit;
                m_digits = 0;
                m_unit = 0;
                return;
            }
            flush(put);
        } else if (m_state == Unit) {
            const int value = detail::hexValue(byte);
            if (value >= 0) {
                m_text[m_digits++] = byte;
                m_unit = char16_t(m_unit * 16 + value);
                if (m_digits == 4)
                    unitDone(pos + 1, put);
                return;
            }
            flush(put);
        }
        if (byte == '\\') {
            m_state = Escape;
            m_start = pos;
            return;
        }
        flushHigh(put);
        put(byte, pos, pos + 1);
    }

    // Emits what is held: a lone high surrogate (as generalized UTF-8) and an unfinished escape
    // (literally).
    template <typename Emit>
    void flush(Emit &&put)
    {
        flushHigh(put);
        if (m_state == Escape || m_state == Unit)
            put(uchar('\\'), m_start, m_start + 1);
        if (m_state == Unit) {
            put(uchar('u'), m_start + 1, m_start + 2);
            for (int i = 0; i < m_digits; ++i)
                put(m_text[i], m_start + 2 + i, m_start + 3 + i);
        }
        m_state = Plain;
    }

    qint64 pendingStart() const
    {
        return m_high != 0 ? m_highStart : m_state != Plain ? m_start : -1;
    }
    bool idle() const { return m_high == 0 && m_state == Plain; }

private:
    enum State { Plain, Escape, Unit };

    static uchar simpleEscape(uchar c)
    {
        switch (c) {
        case '"':
        case '\\':
        case '/':
            return c;
        case 'b':
            return '\b';
        case 'f':
            return '\f';
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        default:
            return 0;
        }
    }

    template <typename Emit>
    static void emitUtf8(char32_t point, qint64 start, qint64 end, Emit &&put)
    {
        if (point < 0x80) {
            put(uchar(point), start, end);
            return;
        }
        const int extra = point < 0x800 ? 1 : point < 0x10000 ? 2 : 3;
        static constexpr uchar lead[] = { 0, 0xc0, 0xe0, 0xf0 };
        put(uchar(lead[extra] | (point >> (6 * extra))), start, end);
        for (int i = extra - 1; i >= 0; --i)
            put(uchar(0x80 | ((point >> (6 * i)) & 0x3f)), start, end);
    }

    template <typename Emit>
    void unitDone(qint64 end, Emit &&put)
    {
        m_state = Plain;
        if (m_high != 0 && m_unit >= 0xdc00 && m_unit <= 0xdfff) {
            const char32_t point =
                    0x10000 + ((char32_t(m_high - 0xd800) << 10) | (m_unit - 0xdc00));
            m_high = 0;
            emitUtf8(point, m_highStart, end, put);
            return;
        }
        flushHigh(put);
        if (m_unit >= 0xd800 && m_unit <= 0xdbff) {
            m_high = m_unit;
            m_highStart = m_start;
            return;
        }
        emitUtf8(m_unit, m_start, end, put);
    }

    template <typename Emit>
    void flushHigh(Emit &&put)
    {
        if (m_high != 0)
            emitUtf8(m_high, m_highStart, m_highStart + 6, put);
        m_high = 0;
    }

    State m_state = Plain;
    int m_digits = 0;
    uchar m_text[4] = {};
    char16_t m_unit = 0;
    char16_t m_high = 0; // a high surrogate waiting for its low half
    qint64 m_start = 0; // of the escape being read
    qint64 m_highStart = 0;
};

class JoinedDecoder
{
public:
    template <typename Emit>
    void push(uchar byte, qint64 pos, Emit &&put)
    {
        if (byte == '\r' || byte == '\n') {
            if (++m_breaks <= 2)
                return; // a line break inside a wrapped run
        } else {
            m_breaks = 0;
        }
        put(byte, pos, pos + 1);
    }
    template <typename Emit>
    void flush(Emit &&)
    {
        m_breaks = 0;
    }
    qint64 pendingStart() const { return -1; }
    bool idle() const { return m_breaks == 0; }

private:
    int m_breaks = 0;
};

} // namespace tap::sanitizer
